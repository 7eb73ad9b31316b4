/// The root element of an XML document as its first bytes show it: enough to tell which XML
/// format a file is (CDA, HL7 v2 XML, a site-described format) before parsing it.
///
/// A sniff, not a parse: the bytes after the XML declaration, comments, processing instructions
/// and a DOCTYPE are read up to the end of the first start tag. Names and namespace URIs are
/// returned as written; the real parse (hardened libxml2) decides whether the file is well formed.
struct XMLRoot: Equatable {
    /// The root element's local name (`ClinicalDocument`, `section`).
    var localName: String
    /// Its namespace URI, from an `xmlns` / `xmlns:prefix` declaration on the root itself; nil when
    /// the root declares none for its prefix.
    var namespaceURI: String?
    /// The bytes that were looked at (the detection prefix), for cheap content checks.
    var prefix: ArraySlice<UInt8>

    /// The root of the document starting at `bytes` (after a BOM and leading blanks); nil when no
    /// start tag is found in these bytes.
    static func sniff(_ bytes: ArraySlice<UInt8>) -> XMLRoot? {
        var i = bytes.startIndex
        let end = bytes.endIndex
        func starts(_ text: String, at j: Int) -> Bool {
            let t = Array(text.utf8)
            return j + t.count <= end && bytes[j..<(j + t.count)].elementsEqual(t)
        }
        func skip(past text: String) -> Bool {
            let t = Array(text.utf8)
            var j = i
            while j + t.count <= end {
                if bytes[j] == t[0] && bytes[j..<(j + t.count)].elementsEqual(t) { i = j + t.count; return true }
                j += 1
            }
            return false
        }
        while i < end {
            let b = bytes[i]
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { i += 1; continue }
            guard b == 0x3C else { return nil }
            if starts("<?", at: i) {
                guard skip(past: "?>") else { return nil }
            } else if starts("<!--", at: i) {
                guard skip(past: "-->") else { return nil }
            } else if starts("<!", at: i) {
                // DOCTYPE, with an internal subset in brackets possibly holding '>'.
                var depth = 0
                i += 2
                while i < end, !(bytes[i] == 0x3E && depth == 0) {
                    if bytes[i] == 0x5B { depth += 1 } else if bytes[i] == 0x5D { depth -= 1 }
                    i += 1
                }
                guard i < end else { return nil }
                i += 1
            } else {
                return startTag(bytes, at: i + 1)
            }
        }
        return nil
    }

    private static func startTag(_ bytes: ArraySlice<UInt8>, at start: Int) -> XMLRoot? {
        let end = bytes.endIndex
        func isNameEnd(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x2F || b == 0x3E }
        var i = start
        while i < end, !isNameEnd(bytes[i]) { i += 1 }
        guard i < end, i > start else { return nil }
        let qname = String(decoding: bytes[start..<i], as: UTF8.self)
        var prefix: String? = nil, local = qname
        if let colon = qname.firstIndex(of: ":") {
            prefix = String(qname[..<colon])
            local = String(qname[qname.index(after: colon)...])
        }
        // Attributes up to '>': only namespace declarations matter.
        var declarations: [String: String] = [:]   // "" = default namespace
        while i < end, bytes[i] != 0x3E {
            let b = bytes[i]
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x2F { i += 1; continue }
            let nameStart = i
            while i < end, bytes[i] != 0x3D, bytes[i] != 0x3E, !(bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D) { i += 1 }
            let name = String(decoding: bytes[nameStart..<i], as: UTF8.self)
            while i < end, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
            guard i < end, bytes[i] == 0x3D else { continue }
            i += 1
            while i < end, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
            guard i < end, bytes[i] == 0x22 || bytes[i] == 0x27 else { return nil }
            let quote = bytes[i]
            i += 1
            let valueStart = i
            while i < end, bytes[i] != quote { i += 1 }
            guard i < end else { return nil }
            let value = String(decoding: bytes[valueStart..<i], as: UTF8.self)
            i += 1
            if name == "xmlns" { declarations[""] = value } else if name.hasPrefix("xmlns:") { declarations[String(name.dropFirst(6))] = value }
        }
        let uri = declarations[prefix ?? ""]
        return XMLRoot(localName: local, namespaceURI: uri?.isEmpty == true ? nil : uri, prefix: bytes)
    }

    /// Whether `text` occurs in the sniffed bytes.
    func prefixContains(_ text: String) -> Bool {
        let t = Array(text.utf8)
        guard let first = t.first, prefix.count >= t.count else { return false }
        var j = prefix.startIndex
        while j + t.count <= prefix.endIndex {
            if prefix[j] == first && prefix[j..<(j + t.count)].elementsEqual(t) { return true }
            j += 1
        }
        return false
    }

    // MARK: Formats

    static let hl7v3Namespace = "urn:hl7-org:v3"
    /// Roots of CDA fragments that carry results (C-CDA examples often have no namespace at all).
    static let cdaFragmentRoots: Set<String> = [
        "structuredBody", "component", "section", "entry", "observation", "organizer", "procedure", "act",
        "substanceAdministration", "encounter", "supply",
    ]

    /// CDA R2 / C-CDA: a `ClinicalDocument`, anything in `urn:hl7-org:v3`, or a fragment in no
    /// namespace whose root is a CDA body element and whose text looks like CDA (templateId,
    /// codeSystem or moodCode attributes).
    var isCDA: Bool {
        if localName == "ClinicalDocument" || namespaceURI == Self.hl7v3Namespace { return true }
        guard namespaceURI == nil, Self.cdaFragmentRoots.contains(localName) else { return false }
        return prefixContains("templateId") || prefixContains("codeSystem=") || prefixContains("moodCode=")
    }
}
