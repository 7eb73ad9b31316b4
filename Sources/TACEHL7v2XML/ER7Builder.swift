import TACEHL7v2
import TACEXML

/// Writes the segments of a v2.xml document as ER7 bytes with the standard delimiters `|^~\&`,
/// remembering where each segment's element was. Text is escaped with `HL7Escaping.encode`, so
/// the ER7 parser decodes every value back to the text the XML held.
struct ER7Builder {
    let maxBytes: Int
    var bytes: [UInt8] = []
    /// One entry per segment written, in order.
    var segments: [HL7v2XMLLocation] = []

    static let delimiters = HL7Delimiters.standard
    static let field = UInt8(ascii: "|"), component = UInt8(ascii: "^"), repetition = UInt8(ascii: "~")
    static let subcomponent = UInt8(ascii: "&"), escape = UInt8(ascii: "\\"), cr: UInt8 = 0x0D

    init(maxBytes: Int) {
        self.maxBytes = maxBytes
    }

    // MARK: Message and groups

    /// The root or a group: segments and groups in document order.
    mutating func container(_ node: XMLNode, path: String) throws(HL7v2XMLError) {
        var seen: [String: Int] = [:]
        for child in node.children {
            switch child.kind {
            case .element:
                let name = child.name
                let position = (seen[name] ?? 0) + 1
                seen[name] = position
                let location = HL7v2XMLLocation(xpath: path + "/" + HL7v2XMLNames.step(name) + "[\(position)]", line: child.line)
                guard child.namespaceURI == HL7v2XML.namespace else { throw HL7v2XMLError(reason: .foreignElement, location: location) }
                if let id = Self.segmentID(name) {
                    try segment(child, id: id, location: location)
                } else if name.contains("."), Self.split(name) == nil {
                    try container(child, path: location.xpath)
                } else {
                    throw HL7v2XMLError(reason: .unexpectedElement(name: HL7v2XMLNames.quotable(name) ? name : nil), location: location)
                }
            case .text:
                try Self.requireBlank(child, in: HL7v2XMLLocation(xpath: path, line: child.line))
            default:
                continue  // comments, processing instructions
            }
        }
    }

    // MARK: Segments

    mutating func segment(_ node: XMLNode, id: String, location: HL7v2XMLLocation) throws(HL7v2XMLError) {
        if ["FHS", "BHS", "BTS", "FTS"].contains(id) { throw HL7v2XMLError(reason: .batchSegment, location: location) }
        let isHeader = id == "MSH"
        if segments.isEmpty != isHeader {
            throw HL7v2XMLError(reason: isHeader ? .secondMSH : .missingMSH, location: location)
        }

        var fields: [Int: [[UInt8]]] = [:]
        var highest = 0
        var size = 0
        var seen: [String: Int] = [:]
        for child in node.children {
            switch child.kind {
            case .element:
                let name = child.name
                let position = (seen[name] ?? 0) + 1
                seen[name] = position
                let here = HL7v2XMLLocation(xpath: location.xpath + "/" + HL7v2XMLNames.step(name) + "[\(position)]", line: child.line)
                guard child.namespaceURI == HL7v2XML.namespace else { throw HL7v2XMLError(reason: .foreignElement, location: here) }
                guard let (owner, number) = Self.split(name) else {
                    throw HL7v2XMLError(reason: .unexpectedElement(name: HL7v2XMLNames.quotable(name) ? name : nil), location: here)
                }
                guard owner == id else { throw HL7v2XMLError(reason: .fieldOfAnotherSegment, location: here) }
                try Self.checkPosition(number, here)
                // MSH-1 and MSH-2 are the ER7 delimiters: written as |^~\& whatever the XML says.
                if isHeader && number <= 2 { continue }
                let value = try fieldRepetition(child, location: here)
                size += value.count + 1
                if bytes.count + size > maxBytes { throw HL7v2XMLError(reason: .messageTooLarge(limit: maxBytes), location: here) }
                fields[number, default: []].append(value)
                highest = max(highest, number)
            case .text:
                try Self.requireBlank(child, in: location)
            default:
                continue
            }
        }

        bytes += id.utf8
        if isHeader {
            bytes.append(Self.field)
            bytes += Self.delimiters.encodingCharacters
            // The ER7 parser requires MSH up to MSH-12; absent fields are empty, as in ER7.
            highest = max(highest, 12)
        }
        for number in (isHeader ? 3 : 1)..<(highest + 1) {
            bytes.append(Self.field)
            if let repetitions = fields[number] {
                for (k, repetition) in repetitions.enumerated() {
                    if k > 0 { bytes.append(Self.repetition) }
                    bytes += repetition
                }
            }
        }
        bytes.append(Self.cr)
        if bytes.count > maxBytes { throw HL7v2XMLError(reason: .messageTooLarge(limit: maxBytes), location: location) }
        segments.append(location)
    }

    // MARK: Fields, components, subcomponents

    /// One field element (one repetition): its components joined with `^`, or its text.
    func fieldRepetition(_ node: XMLNode, location: HL7v2XMLLocation) throws(HL7v2XMLError) -> [UInt8] {
        try parts(node, location: location, separator: Self.component) { (child, here) throws(HL7v2XMLError) in
            try parts(child, location: here, separator: Self.subcomponent) { (grandchild, there) throws(HL7v2XMLError) in
                try text(grandchild, location: there)
            }
        }
    }

    /// The children `X.n` of `node` joined with `separator` (positions without an element are
    /// empty), each written by `part`; or, when `node` has no such children, its text.
    func parts(_ node: XMLNode, location: HL7v2XMLLocation, separator: UInt8,
               _ part: (XMLNode, HL7v2XMLLocation) throws(HL7v2XMLError) -> [UInt8]) throws(HL7v2XMLError) -> [UInt8] {
        let hasParts = node.elements.contains { !Self.isEscape($0) }
        guard hasParts else { return try text(node, location: location) }
        var values: [Int: [UInt8]] = [:]
        var highest = 0
        var seen: [String: Int] = [:]
        for child in node.children {
            switch child.kind {
            case .element:
                let name = child.name
                let position = (seen[name] ?? 0) + 1
                seen[name] = position
                let here = HL7v2XMLLocation(xpath: location.xpath + "/" + HL7v2XMLNames.step(name) + "[\(position)]", line: child.line)
                guard child.namespaceURI == HL7v2XML.namespace else { throw HL7v2XMLError(reason: .foreignElement, location: here) }
                if Self.isEscape(child) { throw HL7v2XMLError(reason: .mixedContent, location: here) }
                guard let (_, number) = Self.split(name) else {
                    throw HL7v2XMLError(reason: .unexpectedElement(name: HL7v2XMLNames.quotable(name) ? name : nil), location: here)
                }
                try Self.checkPosition(number, here)
                guard values[number] == nil else { throw HL7v2XMLError(reason: .duplicatePart, location: here) }
                values[number] = try part(child, here)
                highest = max(highest, number)
            case .text:
                if !Self.isBlank(child) { throw HL7v2XMLError(reason: .mixedContent, location: location) }
            default:
                continue
            }
        }
        var out: [UInt8] = []
        for number in 1...highest {
            if number > 1 { out.append(separator) }
            if let value = values[number] { out += value }
        }
        return out
    }

    /// Text content: text escaped for ER7, `<escape V="x"/>` as `\x\`. Any other element is an
    /// error (a subcomponent has no parts of its own).
    func text(_ node: XMLNode, location: HL7v2XMLLocation) throws(HL7v2XMLError) -> [UInt8] {
        var out: [UInt8] = []
        for child in node.children {
            switch child.kind {
            case .text:
                let content: String
                do { content = try child.text(maxBytes: Int.max) } catch { content = "" }
                out += HL7Escaping.encode(content, delimiters: Self.delimiters)
            case .element:
                let here = HL7v2XMLLocation(xpath: location.xpath + "/" + HL7v2XMLNames.step(child.name), line: child.line)
                guard child.namespaceURI == HL7v2XML.namespace else { throw HL7v2XMLError(reason: .foreignElement, location: here) }
                guard Self.isEscape(child) else {
                    throw HL7v2XMLError(reason: .unexpectedElement(name: HL7v2XMLNames.quotable(child.name) ? child.name : nil), location: here)
                }
                guard let v = child.attribute("V"), Self.isEscapeBody(v) else { throw HL7v2XMLError(reason: .invalidEscape, location: here) }
                out.append(Self.escape)
                out += v.utf8
                out.append(Self.escape)
            default:
                continue
            }
        }
        return out
    }

    // MARK: Names and checks

    /// `ABC`: three upper-case letters or digits, the first a letter.
    static func segmentID(_ name: String) -> String? {
        let u = Array(name.utf8)
        guard u.count == 3, u[0] &- 0x41 < 26, u.allSatisfy({ $0 &- 0x41 < 26 || $0 &- 0x30 < 10 }) else { return nil }
        return name
    }

    /// `OWNER.n` → (OWNER, n) when OWNER is letters, digits and `_` and n is a decimal number.
    static func split(_ name: String) -> (String, Int)? {
        guard let dot = name.lastIndex(of: ".") else { return nil }
        let owner = name[..<dot], digits = name[name.index(after: dot)...]
        guard !owner.isEmpty, !digits.isEmpty, digits.utf8.count <= 6, digits.utf8.allSatisfy({ $0 &- 0x30 < 10 }),
              owner.utf8.allSatisfy({ HL7v2XMLNames.isLetter($0) || $0 &- 0x30 < 10 || $0 == 0x5F }),
              let number = Int(digits) else { return nil }
        return (String(owner), number)
    }

    static func checkPosition(_ number: Int, _ location: HL7v2XMLLocation) throws(HL7v2XMLError) {
        guard number >= 1, number <= HL7v2XML.maxPosition else {
            throw HL7v2XMLError(reason: .positionOutOfRange(limit: HL7v2XML.maxPosition), location: location)
        }
    }

    static func isEscape(_ node: XMLNode) -> Bool { node.name == "escape" && node.namespaceURI == HL7v2XML.namespace }

    /// 1 to 32 printable ASCII characters other than the ER7 delimiters (`.br`, `H`, `X0D0A`, `.in+4`).
    static func isEscapeBody(_ v: String) -> Bool {
        let u = v.utf8
        guard !u.isEmpty, u.count <= 32 else { return false }
        return u.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != field && $0 != component && $0 != repetition && $0 != subcomponent && $0 != escape }
    }

    static func isBlank(_ node: XMLNode) -> Bool {
        guard let text = try? node.text(maxBytes: Int.max) else { return false }
        return text.utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
    }

    static func requireBlank(_ node: XMLNode, in location: HL7v2XMLLocation) throws(HL7v2XMLError) {
        if !isBlank(node) { throw HL7v2XMLError(reason: .unexpectedText, location: location) }
    }
}
