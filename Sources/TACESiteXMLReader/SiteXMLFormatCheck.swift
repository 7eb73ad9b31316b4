import TACEMappings
import TACEXML

/// The start-up check of `xml-formats.csv` that needs libxml2: every XPath of every format must
/// compile, use only declared prefixes, and the `record` expression must select nodes.
///
/// TACEMappings has already checked the rows' structure; this completes the check from the layer
/// that knows XML, so TACEMappings never imports TACEXML. A failure is a `MappingError` naming the
/// row (file and line) — the CLI exits 78 with it before any input is read.
public enum SiteXMLFormatCheck {
    /// Checks every format; throws for the first bad expression.
    public static func check(_ formats: [XMLFormatDescription]) throws(MappingError) {
        let probe: XMLDocument
        do {
            probe = try XMLDocument.parse("<tacebridge-xpath-check/>")
        } catch {
            throw MappingError(file: formats.first?.file ?? "xml-formats.csv", line: 0, reason: "libxml2 could not be prepared: \(error.message)")
        }
        for format in formats {
            for role in XMLFormatRole.allCases {
                guard let expression = format.expression(role) else { continue }
                try check(expression, role: role, format: format, on: probe)
            }
        }
    }

    static func check(_ expression: XMLFormatExpression, role: XMLFormatRole, format: XMLFormatDescription,
                      on probe: XMLDocument) throws(MappingError) {
        func fail(_ reason: String) -> MappingError {
            MappingError(file: expression.file, line: expression.line, reason: "\(role.rawValue) XPath \"\(expression.xpath)\": \(reason)")
        }
        // Undeclared prefixes anywhere (also in predicates, which the probe never evaluates).
        for prefix in XPathPrefixes.used(in: expression.xpath) where format.namespaces[prefix] == nil {
            let declared = format.namespaces.keys.sorted()
            throw fail("prefix '\(prefix)' has no namespace row for format '\(format.name)'"
                + (declared.isEmpty ? "" : " (declared: \(declared.joined(separator: ", ")))"))
        }
        // Compiling and evaluating once on an empty document finds syntax errors, unknown
        // functions on the main path and, for `record`, an expression that is not a node set.
        do {
            if role == .record {
                _ = try probe.select(expression.xpath, namespaces: format.namespaces)
            } else {
                _ = try probe.string(expression.xpath, namespaces: format.namespaces)
            }
        } catch {
            switch error.reason {
            case .notANodeSet: throw fail("the record expression must select elements, not compute a string, number or boolean")
            default: throw fail(error.message + (error.offset.map { " (at offset \($0))" } ?? ""))
            }
        }
    }
}

/// The namespace prefixes an XPath 1.0 expression uses in names (`k:Result`, `k:*`, `@d:id`),
/// found lexically: string literals are skipped, and `axis::` is not a prefix.
enum XPathPrefixes {
    static func used(in xpath: String) -> Set<String> {
        let b = Array(xpath.utf8)
        var found: Set<String> = []
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == 0x27 || c == 0x22 {  // ' or ": skip the literal
                i += 1
                while i < b.count, b[i] != c { i += 1 }
                i += 1
                continue
            }
            if isNameStart(c) {
                let start = i
                while i < b.count, isNameChar(b[i]) { i += 1 }
                if i + 1 < b.count, b[i] == 0x3A, b[i + 1] != 0x3A {
                    found.insert(String(decoding: b[start..<i], as: UTF8.self))
                    i += 1
                } else if i + 1 < b.count, b[i] == 0x3A, b[i + 1] == 0x3A {
                    i += 2  // an axis
                }
                continue
            }
            if c >= 0x30 && c <= 0x39 {  // a number: not a name even when letters follow
                while i < b.count, (b[i] >= 0x30 && b[i] <= 0x39) || b[i] == 0x2E { i += 1 }
                continue
            }
            i += 1
        }
        return found
    }

    static func isNameStart(_ c: UInt8) -> Bool { c &- 0x41 < 26 || c &- 0x61 < 26 || c == 0x5F || c >= 0x80 }
    static func isNameChar(_ c: UInt8) -> Bool { isNameStart(c) || c &- 0x30 < 10 || c == 0x2D || c == 0x2E }
}
