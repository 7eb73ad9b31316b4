import Testing
import TACEMappings
@testable import TACESiteXMLReader

/// The start-up check of the rows' XPaths with libxml2: a bad row is a MappingError with its file
/// and line (the CLI exits 78 with it).
@Suite("xml-formats.csv XPaths are checked at start-up")
struct FormatCheckTests {
    func checkError(_ rows: String) throws -> MappingError? {
        let t = try tables(rows)
        do {
            try SiteXMLFormatCheck.check(t.xmlFormats)
            return nil
        } catch { return error }
    }

    /// Line of `role`'s row in `acmeRows`.
    func line(of role: String, in rows: String) -> Int {
        (rows.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("acme,\(role),") } ?? -1) + 1
    }

    @Test("the default formats and the test format pass")
    func valid() throws {
        try SiteXMLFormatCheck.check(MappingTables.defaults().xmlFormats)
        #expect(try checkError(acmeRows()) == nil)
    }

    @Test("a syntax error names the row, the role and the expression")
    func syntax() throws {
        let rows = acmeRows(["value": "a:Value[@unit="])
        let found = try checkError(rows)
        let error = try #require(found)
        #expect(error.file == siteFile)
        #expect(error.line == line(of: "value", in: rows))
        #expect(error.reason.hasPrefix("value XPath \"a:Value[@unit=\": "))
    }

    @Test("an undeclared prefix is found, also inside a predicate the probe never evaluates")
    func prefixes() throws {
        let rows = acmeRows(["code": "a:Code[b:flag='1']"])
        let found = try checkError(rows)
        let error = try #require(found)
        #expect(error.line == line(of: "code", in: rows))
        #expect(error.reason.contains("prefix 'b' has no namespace row for format 'acme' (declared: a)"))
        #expect(try checkError(acmeRows(["record": "/x:Report/a:Result"]))?.reason.contains("prefix 'x'") == true)
    }

    @Test("the record expression must select nodes")
    func recordNodeSet() throws {
        let found = try checkError(acmeRows(["record": "count(/a:Report/a:Result)"]))
        let error = try #require(found)
        #expect(error.reason.contains("must select elements"))
    }

    @Test("an unknown function is refused")
    func unknownFunction() throws {
        #expect(try checkError(acmeRows(["display": "upper-case(a:Code/@name)"])) != nil)
    }

    @Test("string literals, axes and functions are not prefixes")
    func lexicalPrefixes() {
        #expect(XPathPrefixes.used(in: "'http://loinc.org'") == [])
        #expect(XPathPrefixes.used(in: "concat(\"urn:x:\", a:Id)") == ["a"])
        #expect(XPathPrefixes.used(in: "ancestor::k:Report/@d:id | child::*[local-name()='x']") == ["k", "d"])
        #expect(XPathPrefixes.used(in: "a:*[position() = 1.5]/b:c") == ["a", "b"])
        #expect(XPathPrefixes.used(in: "@state") == [])
    }
}
