import Testing
@testable import TACEXML

/// The in-place comparisons readers use on every child (XMLNodeMatching.swift).
@Suite("In-place name and attribute comparisons")
struct MatchingTests {
    static let xml = """
    <doc xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:o="urn:other">
      <code code="1751-7" codeSystem="2.16.840.1.113883.6.1" moodCode=" EVN"/>
      <o:code code="x"/>
      <codes/>
      <value xsi:type="PQ" value="3&amp;9" unit="g/dL"/>
      <code code="second"/>
    </doc>
    """

    @Test func namesAreComparedExactly() throws {
        let root = try #require(try XMLDocument.parse(Self.xml).root)
        let children = Array(root.elements)
        #expect(children.map { $0.localNameIs("code") } == [true, true, false, false, true])
        #expect(children.map { $0.isElement(in: "urn:hl7-org:v3") } == [true, false, true, true, true])
        #expect(children[2].localNameIs("codes") && !children[2].localNameIs("code") && !children[0].localNameIs("codes"))
        #expect(children[0].localNameFirstByte == UInt8(ascii: "c"))
        #expect(root.isElement("doc", namespace: "urn:hl7-org:v3") && !root.isElement("doc", namespace: nil))
    }

    @Test func childLookupsKeepNamespacesApart() throws {
        let root = try #require(try XMLDocument.parse(Self.xml).root)
        #expect(root.elements(named: "code", namespace: "urn:hl7-org:v3").count == 2)
        #expect(root.elements(named: "code", namespace: "urn:other").count == 1)
        #expect(root.firstChild(named: "code", namespace: "urn:hl7-org:v3")?.value(ofAttribute: "code") == "1751-7")
        #expect(root.firstChild(named: "nothing", namespace: "urn:hl7-org:v3") == nil)
    }

    @Test func trimmedValuesDropOnlyXMLBlanksAtEitherEnd() throws {
        let doc = try XMLDocument.parse("""
        <e a=" &#9;12 3&#10;&#13; " b="   " c="&#160;x " d="3&amp;9" e="x"/>
        """)
        let e = try #require(doc.root)
        #expect(e.trimmedValue(ofAttribute: "a") == "12 3")
        #expect(e.trimmedValue(ofAttribute: "b") == "")
        #expect(e.trimmedValue(ofAttribute: "c") == "\u{A0}x")  // a no-break space is not an XML blank
        #expect(e.trimmedValue(ofAttribute: "d") == "3&9")
        #expect(e.trimmedValue(ofAttribute: "e") == "x")
        #expect(e.trimmedValue(ofAttribute: "missing") == nil)
        #expect(e.withTrimmedValue(ofAttribute: "a") { $0.count } == 4)
        #expect(e.withTrimmedValue(ofAttribute: "missing") { $0.count } == nil)
    }

    @Test func attributeValuesAreReadAndComparedInPlace() throws {
        let root = try #require(try XMLDocument.parse(Self.xml).root)
        let code = try #require(root.firstChild(named: "code", namespace: "urn:hl7-org:v3"))
        #expect(code.value(ofAttribute: "codeSystem") == "2.16.840.1.113883.6.1")
        #expect(code.value(ofAttribute: "missing") == nil)
        #expect(code.hasAttribute("code") && !code.hasAttribute("cod"))
        // The comparison is exact: the blank stays part of the value.
        #expect(!code.attribute("moodCode", is: "EVN") && code.value(ofAttribute: "moodCode") == " EVN")
        #expect(code.attribute("code", is: "1751-7") && !code.attribute("code", is: "1751"))
        let value = try #require(root.firstChild(named: "value", namespace: "urn:hl7-org:v3"))
        #expect(value.value(ofAttribute: "value") == "3&9")
        #expect(value.value(ofAttribute: "type", inNamespace: "http://www.w3.org/2001/XMLSchema-instance") == "PQ")
        #expect(value.value(ofAttribute: "type") == nil)
    }
}
