import TACEModel

/// What `codes.csv` and `rejected.csv` say about one source coding.
public enum CodeLookup: Sendable, Equatable {
    /// Mapped to a concept, with the unit to assume when a numeric result has none.
    case concept(Concept, defaultUnit: UCUMUnit?)
    /// Listed in `rejected.csv` (and mapped by no row of `codes.csv`), with the reason.
    case rejected(reason: String)
}

/// A code system resolved from bytes, to look codes up in (see `MappingTables.hl7v2CodingSystem`).
public struct CodingSystemKey: Sendable {
    /// The system's number among those the tables name; nil when no row names it (nothing maps).
    let id: UInt32?
    /// The system URI when `hl7v2-coding-systems.csv` lists the name; nil when the name itself is
    /// the system (a local one such as `L`).
    public let uri: String?

    /// The system as text, as `MappingTables.codeSystem(hl7v2Name:)` gives it for the `name` this
    /// key was made from.
    public func text(name: UnsafeBufferPointer<UInt8>) -> String {
        uri ?? String(decoding: MappingTables.trimmingBlanks(name), as: UTF8.self)
    }
}

/// Lookups by bytes, for readers of byte formats (HL7 v2), with the same answers as the `String`
/// lookups of `MappingTables`: the keys are the tables' keys, input is trimmed of the same blanks,
/// and a miss falls back to the `String` lookup whenever `String` equality (canonical equivalence)
/// could match where bytes do not (non-ASCII input or non-ASCII keys).
extension MappingTables {
    /// The code system named by an HL7 v2 coding-system name (CWE.3, CWE.6): the URI of its row in
    /// `hl7v2-coding-systems.csv`, else the name itself; as `codeSystem(hl7v2Name:)`. An empty name
    /// stands for no system (it finds only rows with an empty system).
    public func hl7v2CodingSystem(_ name: UnsafeBufferPointer<UInt8>) -> CodingSystemKey {
        let index = byteIndex
        let name = Self.trimmingBlanks(name)
        if !Self.isASCII(name) || index.hl7Names.hasNonASCIIKeys { return hl7v2CodingSystemByString(name) }
        if !name.isEmpty, let id = index.hl7Names.value(key: name) {
            return CodingSystemKey(id: id, uri: index.systemNames[Int(id)])
        }
        if let id = index.systems.value(key: name) { return CodingSystemKey(id: id, uri: nil) }
        return index.systems.hasNonASCIIKeys ? hl7v2CodingSystemByString(name) : CodingSystemKey(id: nil, uri: nil)
    }

    private func hl7v2CodingSystemByString(_ name: UnsafeBufferPointer<UInt8>) -> CodingSystemKey {
        let text = String(decoding: name, as: UTF8.self)
        let listed = text.isEmpty ? nil : hl7v2CodingSystems[text]
        return CodingSystemKey(id: byteIndex.systemIDs[listed ?? text], uri: listed)
    }

    /// The code system of a FHIR `Coding.system` URI as bytes (empty for a coding without system),
    /// to look codes up in as `concept(system:code:)` does.
    public func codingSystem(uri: UnsafeBufferPointer<UInt8>) -> CodingSystemKey {
        let index = byteIndex
        let uri = Self.trimmingBlanks(uri)
        if Self.isASCII(uri) {
            if let id = index.systems.value(key: uri) { return CodingSystemKey(id: id, uri: nil) }
            if !index.systems.hasNonASCIIKeys { return CodingSystemKey(id: nil, uri: nil) }
        }
        return CodingSystemKey(id: index.systemIDs[String(decoding: uri, as: UTF8.self)], uri: nil)
    }

    /// What the tables say about `code` in `system`: as `concept(system:code:)`,
    /// `defaultUnit(system:code:)` and `rejectionReason(system:code:)` together.
    public func lookup(_ system: CodingSystemKey, code: UnsafeBufferPointer<UInt8>) -> CodeLookup? {
        guard let id = system.id else { return nil }
        let index = byteIndex
        let code = Self.trimmingBlanks(code)
        if Self.isASCII(code), let found = index.codes.value(tag: id, key: code) { return found }
        guard Self.needsStringFallback(code, index.codes) else { return nil }
        let systemText = index.systemNames[Int(id)], codeText = String(decoding: code, as: UTF8.self)
        if let concept = concept(system: systemText, code: codeText) {
            return .concept(concept, defaultUnit: defaultUnit(system: systemText, code: codeText))
        }
        return rejectionReason(system: systemText, code: codeText).map { .rejected(reason: $0) }
    }

    /// Canonical coded value of `concept` for a source coding: as `value(for:system:code:)`.
    public func value(for concept: Concept, system: CodingSystemKey, code: UnsafeBufferPointer<UInt8>) -> String? {
        guard let id = system.id else { return nil }
        let index = byteIndex
        let code = Self.trimmingBlanks(code)
        if Self.isASCII(code), let answers = index.values.value(tag: id, key: code) {
            if let hit = answers.first(where: { $0.concept == concept }) { return hit.value }
        }
        guard Self.needsStringFallback(code, index.values) else { return nil }
        return value(for: concept, system: index.systemNames[Int(id)], code: String(decoding: code, as: UTF8.self))
    }

    /// A unit given as a UCUM code or as text, from bytes: as `resolveUnit(ucumCode:)` and
    /// `resolveUnit(text:)` (exact UCUM code, exact spelling, then the case-insensitive spelling).
    public func resolveUnit(bytes: UnsafeBufferPointer<UInt8>) -> UnitResolution? {
        let text = Self.trimmingBlanks(bytes)
        if text.isEmpty { return nil }
        // The UCUM codes are ASCII, so ASCII text found here is what the String path finds.
        if Self.isASCII(text), let found = byteIndex.units.value(key: text) { return found }
        // Misses are rare (unknown units); the String path adds the case-insensitive spellings.
        return resolveUnit(text: String(decoding: text, as: UTF8.self))
    }

    /// Whether a byte miss must be checked with `String` equality: when the input or some key is
    /// not ASCII. (ASCII text is canonically equivalent only to the same ASCII text; non-ASCII
    /// input always takes the String path, so that precedence between tables stays as there.)
    static func needsStringFallback<V>(_ key: UnsafeBufferPointer<UInt8>, _ table: ByteKeyedTable<V>) -> Bool {
        table.hasNonASCIIKeys || !isASCII(key)
    }

    @inline(__always)
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for b in bytes where b >= 0x80 { return false }
        return true
    }

    /// The bytes without surrounding blanks: as `String.trimmingBlanks` (space, tab, CR, LF, U+00A0).
    static func trimmingBlanks(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var lower = 0, upper = bytes.count
        while lower < upper {
            let b = bytes[lower]
            if b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A { lower += 1 }
            else if b == 0xC2, lower + 1 < upper, bytes[lower + 1] == 0xA0 { lower += 2 }
            else { break }
        }
        while upper > lower {
            let b = bytes[upper - 1]
            if b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A { upper -= 1 }
            else if b == 0xA0, upper - 2 >= lower, bytes[upper - 2] == 0xC2 { upper -= 2 }
            else { break }
        }
        return UnsafeBufferPointer(rebasing: bytes[lower..<upper])
    }
}

/// The byte-keyed tables behind the byte lookups, built from the `String`-keyed ones whenever the
/// tables are loaded or merged. Immutable; shared between copies of `MappingTables`.
final class ByteIndex: Sendable {
    /// Every system that a row of codes, values or rejections names, or that an HL7 v2
    /// coding-system row points to -> its number.
    let systems: ByteKeyedTable<UInt32>
    let systemIDs: [String: UInt32]
    let systemNames: [String]
    /// HL7 v2 coding-system name -> number of its system URI.
    let hl7Names: ByteKeyedTable<UInt32>
    /// (system number, code) -> mapping or rejection.
    let codes: ByteKeyedTable<CodeLookup>
    /// (system number, code) -> coded answers by concept.
    let values: ByteKeyedTable<[(concept: Concept, value: String)]>
    /// UCUM codes of units.csv (not via a spelling), then exact spellings.
    let units: ByteKeyedTable<UnitResolution>
    /// (concept number, UCUM code) -> the conversion to the concept's canonical unit.
    let conversions: ByteKeyedTable<MappingTables.Conversion>
    static let concepts = Concept.allCases

    /// The conversion of `unit` for `concept`, as `MappingTables.conversion(from:for:canonical:)`
    /// without hashing `String`s; nil also when the unit is not ASCII (never a UCUM code of the tables).
    func conversion(from unit: UCUMUnit, for concept: Concept) -> MappingTables.Conversion? {
        guard let ordinal = Self.concepts.firstIndex(of: concept) else { return nil }
        var code = unit.rawValue
        return code.withUTF8 { conversions.value(tag: UInt32(ordinal), key: $0) }
    }

    init(_ t: MappingTables) {
        var ids: [String: UInt32] = [:]
        var names: [String] = []
        func id(_ system: String) -> UInt32 {
            if let existing = ids[system] { return existing }
            ids[system] = UInt32(names.count)
            names.append(system)
            return UInt32(names.count - 1)
        }
        // Sorted, so that numbering does not depend on dictionary order.
        for key in t.codes.keys.sorted(by: { ($0.system, $0.code) < ($1.system, $1.code) }) { _ = id(key.system) }
        for key in t.rejections.keys.sorted(by: { ($0.system, $0.code) < ($1.system, $1.code) }) { _ = id(key.system) }
        for key in t.values.keys.sorted(by: { ($0.system, $0.code) < ($1.system, $1.code) }) { _ = id(key.system) }
        for system in t.hl7v2CodingSystems.values.sorted() { _ = id(system) }

        var codeRows: [(tag: UInt32, key: [UInt8], value: CodeLookup)] = []
        for (key, entry) in t.codes {
            codeRows.append((id(key.system), Array(key.code.utf8), .concept(entry.concept, defaultUnit: entry.defaultUnit)))
        }
        for (key, reason) in t.rejections where t.codes[key] == nil {
            codeRows.append((id(key.system), Array(key.code.utf8), .rejected(reason: reason)))
        }
        var answers: [MappingTables.CodeKey: [(concept: Concept, value: String)]] = [:]
        for (key, entry) in t.values {
            answers[MappingTables.CodeKey(system: key.system, code: key.code), default: []].append((key.concept, entry.value))
        }
        let hl7Rows = t.hl7v2CodingSystems.map { (tag: UInt32(0), key: Array($0.key.utf8), value: id($0.value)) }
        // UCUM codes first: resolve() prefers them to spellings.
        var unitRows = t.knownUnits.map { (tag: UInt32(0), key: Array($0.utf8), value: UnitResolution(unit: UCUMUnit($0), viaSpelling: false)) }
        unitRows += t.spellings.map { (tag: UInt32(0), key: Array($0.key.utf8), value: UnitResolution(unit: $0.value, viaSpelling: true)) }

        let valueRows = answers.map { (tag: id($0.key.system), key: Array($0.key.code.utf8), value: $0.value) }
        var conversionRows: [(tag: UInt32, key: [UInt8], value: MappingTables.Conversion)] = []
        for (ordinal, concept) in Self.concepts.enumerated() {
            guard let canonical = concept.canonicalUnit else { continue }
            for unit in t.knownUnits.sorted() {
                if let rule = t.conversion(from: UCUMUnit(unit), for: concept, canonical: canonical) {
                    conversionRows.append((UInt32(ordinal), Array(unit.utf8), rule))
                }
            }
        }
        conversions = ByteKeyedTable(conversionRows)
        systems = ByteKeyedTable(names.enumerated().map { (tag: UInt32(0), key: Array($0.element.utf8), value: UInt32($0.offset)) })
        systemIDs = ids
        systemNames = names
        hl7Names = ByteKeyedTable(hl7Rows)
        codes = ByteKeyedTable(codeRows)
        values = ByteKeyedTable(valueRows)
        units = ByteKeyedTable(unitRows)
    }
}
