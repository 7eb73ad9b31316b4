import Testing
import TACEFHIRReader

/// What reports may echo from source text: code-like text only, never names or free text.
@Suite struct ReportTextTests {
    @Test func freeTextIsNeverQuotedEvenWhenItLooksLikeACode() {
        #expect(ReportText.echoable("SMITH") == "(value withheld, 5 characters)")
        #expect(ReportText.echoable("SmithJohn") == "(value withheld, 9 characters)")
        #expect(ReportText.echoable("-20") == "(value withheld, 3 characters)")
        #expect(ReportText.echoable("Doe Jane") == "(value withheld, 8 characters)")
        #expect(ReportText.echoable("") == "(empty)")
    }

    @Test func textOfAClosedCodeListIsQuoted() {
        #expect(ReportText.echoable("F", oneOf: ["F", "P", "C"]) == "'F'")
        #expect(ReportText.echoable("SMITH", oneOf: ["F", "P", "C"]) == "(value withheld, 5 characters)")
    }

    @Test func lengthLimitIs64Characters() {
        #expect(ReportText.looksLikeCode(String(repeating: "a", count: 64)))
        #expect(!ReportText.looksLikeCode(String(repeating: "a", count: 65)))
        // Counted in characters, not bytes: 64 micro signs are 128 bytes.
        #expect(ReportText.looksLikeCode(String(repeating: "µ", count: 64)))
        #expect(!ReportText.looksLikeCode(String(repeating: "µ", count: 65)))
    }

    @Test func codingTextIsUnquotedOrWithheld() {
        #expect(ReportText.codingText("http://loinc.org", "1751-7") == "http://loinc.org|1751-7")
        #expect(ReportText.codingText(nil, "ALB") == "|ALB")
        #expect(ReportText.codingText("L", "Jane Doe") == ReportText.withheld)
    }
}
