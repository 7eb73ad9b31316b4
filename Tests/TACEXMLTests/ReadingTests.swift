import Testing
import TACEXML

@Suite("Reading documents: nodes and XPath")
struct ReadingTests {
    @Test func resultedObservationValuesAreSelectedByXPathWithHL7Namespace() throws {
        let doc = try XMLDocument.parse(ccdaResultDocument)
        let values = try doc.select("//hl7:observation[@moodCode='EVN']/hl7:value/@value", namespaces: XMLNamespaces.cda)
        #expect(try values.map { try $0.text() } == ["3.2", "1.4"])
        #expect(values.allSatisfy { $0.kind == .attribute && $0.name == "value" })
        #expect(values[0].line == 30)
        #expect(doc.warnings.isEmpty)
        #expect(doc.isNamespaceWellFormed)
    }

    @Test func plannedObservationIsNotAmongResults() throws {
        let doc = try XMLDocument.parse(ccdaResultDocument)
        let codes = try doc.select("//hl7:observation[@moodCode='EVN']/hl7:code/@code", namespaces: XMLNamespaces.cda)
        #expect(try codes.map { try $0.text() } == ["1751-7", "1975-2"])
        #expect(try doc.string("count(//hl7:observation[@moodCode='RQO'])", namespaces: XMLNamespaces.cda) == "1")
    }

    @Test func relativeXPathFromAnObservationNode() throws {
        let doc = try XMLDocument.parse(ccdaResultDocument)
        let observations = try doc.select("//hl7:observation", namespaces: XMLNamespaces.cda)
        #expect(observations.count == 3)
        let unit = try doc.string("hl7:value/@unit", namespaces: XMLNamespaces.cda, from: observations[1])
        #expect(unit == "mg/dL")
        let time = try doc.string("hl7:effectiveTime/@value", namespaces: XMLNamespaces.cda, from: observations[0])
        #expect(time == "20240105083000-0500")
        #expect(try doc.string("hl7:nothing/@value", namespaces: XMLNamespaces.cda, from: observations[0]) == "")
    }

    @Test func elementNamesNamespacesAndAttributes() throws {
        let doc = try XMLDocument.parse(ccdaResultDocument)
        let root = try #require(doc.root)
        #expect(root.name == "ClinicalDocument")
        #expect(root.namespaceURI == XMLNamespaces.hl7)
        #expect(root.prefix == nil)
        #expect(root.line == 2)
        let value = try #require(try doc.first("//hl7:value", namespaces: XMLNamespaces.cda))
        #expect(value.attribute("xsi:type") == "PQ")
        #expect(value.attribute("type", namespace: XMLNamespaces.xsi) == "PQ")
        #expect(value.attribute("type") == nil)
        #expect(value.attribute("value") == "3.2")
        #expect(value.attribute("value", namespace: nil) == "3.2")
        #expect(value.attribute("missing") == nil)
        let attributes = value.attributes
        #expect(attributes.map(\.name) == ["type", "value", "unit"])
        #expect(attributes[0].namespaceURI == XMLNamespaces.xsi && attributes[0].prefix == "xsi")
        #expect(value.parent?.name == "observation")
    }

    @Test func childIterationSkipsTextWhenAskedForElements() throws {
        let doc = try XMLDocument.parse("<a>x<b/>y<!--c--><d>e</d></a>")
        let root = try #require(doc.root)
        #expect(root.children.map(\.kind) == [.text, .element, .text, .comment, .element])
        #expect(root.elements.map(\.name) == ["b", "d"])
        #expect(root.firstElement("d", namespace: nil)?.name == "d")
        #expect(try root.text() == "xye")
    }

    @Test func cdataBecomesOrdinaryText() throws {
        let doc = try XMLDocument.parse(ccdaResultDocument)
        let text = try #require(try doc.first("//hl7:section/hl7:text", namespaces: XMLNamespaces.cda))
        #expect(text.children.map(\.kind) == [.text])
        #expect(try text.text() == "Albumin 3.2 g/dL")
        #expect(try doc.string("//hl7:section/hl7:text/text()", namespaces: XMLNamespaces.cda) == "Albumin 3.2 g/dL")
    }

    @Test func textAboveTheCapIsAnErrorNotATruncation() throws {
        let doc = try XMLDocument.parse("<a><b>12345</b><c>67890</c></a>")
        let root = try #require(doc.root)
        #expect(try root.text(maxBytes: 10) == "1234567890")
        #expect(throws: XMLNodeError.textTooLong(limit: 9)) { try root.text(maxBytes: 9) }
        #expect(throws: XMLNodeError.textTooLong(limit: 4)) { try root.elements.first { _ in true }!.text(maxBytes: 4) }
        #expect(throws: XPathError.self) { try doc.string("/a", maxBytes: 3) }
    }

    @Test func nodesKeepTheirDocumentAlive() throws {
        var node: XMLNode?
        do {
            let doc = try XMLDocument.parse("<a><b v='kept'/></a>")
            node = try doc.first("/a/b")
        }
        #expect(node?.attribute("v") == "kept")
        #expect(node?.document.root?.name == "a")
    }

    @Test func nonASCIITextRoundTrips() throws {
        let doc = try XMLDocument.parse("<a t='Ålesund'>µmol/L – 37 °C &#x1F600;</a>")
        #expect(try doc.root?.text() == "µmol/L – 37 °C 😀")
        #expect(doc.root?.attribute("t") == "Ålesund")
    }

    @Test func latin1DocumentIsTranscoded() throws {
        let bytes: [UInt8] = Array("<?xml version='1.0' encoding='ISO-8859-1'?><a>".utf8) + [0xB5, 0x6D] + Array("</a>".utf8)
        #expect(try XMLDocument.parse(bytes).root?.text() == "µm")
    }
}

@Suite("XPath results and errors")
struct XPathTests {
    @Test func stringNumberAndBooleanResults() throws {
        let doc = try XMLDocument.parse("<a><b>1</b><b>2</b></a>")
        #expect(try doc.string("count(/a/b)") == "2")
        #expect(try doc.string("sum(/a/b) > 2") == "true")
        #expect(try doc.string("/a/b") == "1")
        #expect(try doc.string("concat('x', /a/b[2])") == "x2")
    }

    @Test func selectOnAStringValuedExpressionIsAClearError() throws {
        let doc = try XMLDocument.parse("<a/>")
        #expect {
            try doc.select("count(/a)")
        } throws: { error in
            (error as? XPathError)?.reason == .notANodeSet
        }
    }

    @Test func syntaxErrorNamesTheExpressionAndOffset() throws {
        let doc = try XMLDocument.parse("<a/>")
        do {
            _ = try doc.select("//a[@b='c'")
            Issue.record("expected an XPath error")
        } catch {
            guard case .invalidExpression = error.reason else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(error.offset != nil)
            #expect(error.description.contains("//a[@b='c'"))
        }
    }

    @Test func unregisteredPrefixIsReported() throws {
        let doc = try XMLDocument.parse(ccdaResultDocument)
        do {
            _ = try doc.select("//hl7:observation")
            Issue.record("expected an XPath error")
        } catch {
            #expect(error.reason == .invalidExpression(code: 1219))
            #expect(error.message == "namespace prefix not registered")
        }
    }

    @Test func unknownFunctionIsReported() throws {
        let doc = try XMLDocument.parse("<a/>")
        #expect(throws: XPathError.self) { try doc.string("nosuch(/a)") }
    }

    @Test func emptyPrefixCannotBeRegistered() throws {
        let doc = try XMLDocument.parse("<a/>")
        #expect(throws: XPathError.self) { try doc.select("/a", namespaces: ["": "urn:x"]) }
    }

    @Test func contextNodeFromAnotherDocumentIsRefused() throws {
        let a = try XMLDocument.parse("<a/>")
        let b = try XMLDocument.parse("<b/>")
        #expect {
            try a.select("*", from: b.root)
        } throws: { error in
            (error as? XPathError)?.reason == .foreignNode
        }
    }

    @Test func namespaceNodesAreRefusedNotDangling() throws {
        let doc = try XMLDocument.parse(ccdaResultDocument)
        #expect {
            try doc.select("/*/namespace::*")
        } throws: { error in
            (error as? XPathError)?.reason == .namespaceNodes
        }
    }
}

@Suite("Concurrency")
struct ConcurrencyTests {
    @Test func documentsParsedInParallelTasksAreIndependent() async throws {
        let results = await withTaskGroup(of: String.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var last = ""
                    for round in 0..<50 {
                        // Every other round a refused document, so error state is exercised too.
                        if (task + round) % 2 == 0 {
                            _ = xmlParseError(billionLaughs)
                        }
                        guard let doc = try? XMLDocument.parse(ccdaResultDocument),
                              let values = try? doc.select("//hl7:observation[@moodCode='EVN']/hl7:value/@value", namespaces: XMLNamespaces.cda)
                        else { return "failed" }
                        last = values.compactMap { try? $0.text() }.joined(separator: ",")
                    }
                    return last
                }
            }
            var all: [String] = []
            for await result in group { all.append(result) }
            return all
        }
        #expect(results == Array(repeating: "3.2,1.4", count: 8))
    }
}
