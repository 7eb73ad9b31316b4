import TACEModel

/// One CSV table with a header: columns are found by name, so a site may reorder them or
/// add its own (a `comment` column, say) without breaking anything.
struct HeaderedTable {
    let file: String
    let rows: [CSVRecord]
    private let index: [String: Int]
    private let header: [String]

    init(text: String, file: String, required: [String]) throws(MappingError) {
        self.file = file
        let records: [CSVRecord]
        do {
            records = try CSV.parse(text)
        } catch {
            throw MappingError(file: file, line: error.line, reason: error.reason)
        }
        guard let head = records.first else {
            throw MappingError(file: file, line: 0,
                               reason: "file is empty; a header row is required (\(required.joined(separator: ",")))")
        }
        var index: [String: Int] = [:]
        for (i, raw) in head.fields.enumerated() {
            let name = raw.lowercased()
            if name.isEmpty { continue }
            if index[name] != nil {
                throw MappingError(file: file, line: head.line, reason: "column '\(name)' appears twice in the header")
            }
            index[name] = i
        }
        for column in required where index[column] == nil {
            throw MappingError(file: file, line: head.line,
                               reason: "missing required column '\(column)' in header (expected \(required.joined(separator: ",")))")
        }
        self.index = index
        self.header = head.fields
        let data = Array(records.dropFirst())
        for row in data where row.fields.count != head.fields.count {
            throw MappingError(file: file, line: row.line,
                               reason: "expected \(head.fields.count) fields (\(head.fields.joined(separator: ","))), found \(row.fields.count)")
        }
        self.rows = data
    }

    func has(_ column: String) -> Bool { index[column] != nil }

    /// The field of `column` in `row`, or "" when the table has no such column.
    func field(_ row: CSVRecord, _ column: String) -> String {
        guard let i = index[column] else { return "" }
        return row.fields[i]
    }

    func error(_ row: CSVRecord, _ reason: String) -> MappingError {
        MappingError(file: file, line: row.line, reason: reason)
    }
}

/// Field checks shared by the tables.
enum FieldRules {
    static let knownConceptList = Concept.allCases.map(\.rawValue).joined(separator: ", ")

    static func concept(_ text: String) -> Concept? { Concept(rawValue: text) }

    static func unknownConcept(_ text: String) -> String {
        if text.isEmpty { return "concept is empty; known concepts: \(knownConceptList)" }
        return "unknown concept '\(text)'; known concepts: \(knownConceptList)"
    }

    /// A syntactic check, not a UCUM parser: printable ASCII without blanks or quotes,
    /// with balanced `[]`, `{}` and `()`. It catches the usual slips (`µmol/L`, `mg /dL`, `[IU/mL`).
    static func plausibleUCUM(_ text: String) -> String? {
        if text.isEmpty { return "unit is empty" }
        var stack: [UInt8] = []
        for b in text.utf8 {
            if b >= 0x80 {
                return "unit '\(text)' is not a plausible UCUM code: UCUM codes are ASCII (write 'u' for micro)"
            }
            if b <= 0x20 || b == 0x7F || b == 0x22 {
                return "unit '\(text)' is not a plausible UCUM code: blanks, control characters and quotes are not allowed"
            }
            switch b {
            case UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: "("):
                stack.append(b)
            case UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: ")"):
                let open: UInt8 = b == UInt8(ascii: "]") ? UInt8(ascii: "[") : b == UInt8(ascii: "}") ? UInt8(ascii: "{") : UInt8(ascii: "(")
                guard stack.last == open else {
                    return "unit '\(text)' is not a plausible UCUM code: unbalanced brackets"
                }
                stack.removeLast()
            default:
                break
            }
        }
        return stack.isEmpty ? nil : "unit '\(text)' is not a plausible UCUM code: unbalanced brackets"
    }

    /// A factor as a positive finite number, or as a quotient `a/b` of two (e.g. `1/10`):
    /// dividing by 10 gives the correctly rounded result (62 mm → 6.2 cm) where multiplying
    /// by the inexact double 0.1 can be one unit in the last place off (3 mm → 0.30000000000000004 cm).
    static func factor(_ text: String) -> Factor? {
        func positive(_ s: Substring) -> Double? {
            let t = String(s).trimmingBlanks
            guard let v = Double(t), v.isFinite, v > 0 else { return nil }
            return v
        }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return positive(parts[0]).map { Factor(numerator: $0, denominator: 1) }
        case 2:
            guard let n = positive(parts[0]), let d = positive(parts[1]) else { return nil }
            let f = Factor(numerator: n, denominator: d)
            return f.value.isFinite && f.value > 0 ? f : nil
        default: return nil
        }
    }

    /// `afp.ngPerIU`: a letter, then letters, digits, `.`, `_` or `-`.
    static func validParameterName(_ text: String) -> Bool {
        guard let first = text.utf8.first, isLetter(first) else { return false }
        return text.utf8.allSatisfy { isLetter($0) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D }
    }

    private static func isLetter(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
}

/// A conversion factor kept as a quotient so that "divide by 10" stays exact.
struct Factor: Sendable, Equatable {
    var numerator: Double
    var denominator: Double
    var value: Double { numerator / denominator }
    func apply(_ x: Double) -> Double { denominator == 1 ? x * numerator : (x * numerator) / denominator }
}

extension String {
    /// The text without surrounding ASCII blanks (space, tab, CR, LF) and no-break spaces.
    var trimmingBlanks: String {
        // Fast path (the common case on the lookup path): no blank at either end, no copy.
        // A no-break space is C2 A0 in UTF-8, so it can only start with C2 and end with A0.
        if let a = utf8.first, let z = utf8.last,
           a != 0x20, a != 0x09, a != 0x0D, a != 0x0A, a != 0xC2,
           z != 0x20, z != 0x09, z != 0x0D, z != 0x0A, z != 0xA0 {
            return self
        }
        let scalars = unicodeScalars
        func blank(_ s: Unicode.Scalar) -> Bool { s == " " || s == "\t" || s == "\r" || s == "\n" || s == "\u{00A0}" }
        guard let first = scalars.first, let last = scalars.last else { return "" }
        if !blank(first) && !blank(last) { return self }
        guard let start = scalars.firstIndex(where: { !blank($0) }),
              let end = scalars.lastIndex(where: { !blank($0) }) else { return "" }
        return String(Substring(scalars[start...end]))
    }
}
