import Testing
import TACEFHIRReader

/// What reports may echo from source text: code-like text only, never names or free text.
@Suite struct ReportTextTests {
    @Test func codesUnitsAndSystemsAreQuoted() {
        #expect(ReportText.echoable("mg/dL") == "'mg/dL'")
        #expect(ReportText.echoable("http://loinc.org|1751-7") == "'http://loinc.org|1751-7'")
        #expect(ReportText.echoable("10*3/uL") == "'10*3/uL'")
        #expect(ReportText.echoable("µmol/L") == "'µmol/L'")
        #expect(ReportText.echoable("μg/L") == "'μg/L'")
        #expect(ReportText.echoable("m[arb'U]/mL") == "'m[arb'U]/mL'")
    }

    @Test func textThatMayBePatientDataIsWithheld() {
        #expect(ReportText.echoable("Doe Jane") == ReportText.withheld)   // a space
        #expect(ReportText.echoable("") == ReportText.withheld)
        #expect(ReportText.echoable("Müller") == ReportText.withheld)     // non-ASCII other than micro signs
        #expect(ReportText.echoable("a,b") == ReportText.withheld)
        #expect(ReportText.echoable("tab\there") == ReportText.withheld)
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
