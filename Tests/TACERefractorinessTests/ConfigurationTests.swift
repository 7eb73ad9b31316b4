import Testing
import TACEModel
import TACEScoring
@testable import TACERefractoriness

@Suite("Refractoriness configuration")
struct RefractorinessConfigurationTests {
    @Test func defaultsAreTheDocumentedOnes() {
        let echo = Dictionary(uniqueKeysWithValues: RefractorinessConfiguration().echo.map { ($0.name, $0.value) })
        // Clinical reference 4.9 (and 4.1/4.2 where it names a default).
        #expect(echo["eval.windowDays"] == "28-92")
        #expect(echo["eval.missingBreaksChain"] == "true")
        #expect(echo["session.assumeQualifying"] == "true")
        #expect(echo["chain.breakOnOtherTreatment"] == "true")
        #expect(echo["chain.nonQualifyingSession"] == "break")
        #expect(echo["jsh.minConsecutive"] == "2")
        #expect(echo["jsh.requireModification"] == "false")
        #expect(echo["insufficient.threshold"] == "0.5")
        #expect(echo["marker.r"] == "0.2")
        #expect(echo["marker.d"] == "0.2")
        #expect(echo["marker.analytes"] == "AFP,DCP")
        #expect(echo["marker.minFollowUpValues"] == "2")
        #expect(echo["marker.consecutive"] == "1")
        #expect(echo["mvi.minGrade"] == "Vp1")
        #expect(echo["kr.minSessions"] == "3")
        #expect(echo["kr.windowDays"] == "183")
        #expect(echo["tw.sessions"] == "2")
        #expect(echo["tw.windowDays"] == "183")
        #expect(echo["zh.minConsecutive"] == "3")
        #expect(echo["eu.maxSessions"] == "2")
        #expect(echo["jsh2021.threshold"] == "0.5")
        #expect(echo.count == RefractorinessConfiguration.parameterNames.count)
    }

    @Test func everyParameterRoundTripsThroughItsEcho() throws {
        let defaults = RefractorinessConfiguration()
        var c = RefractorinessConfiguration()
        for (name, value) in defaults.echo { try c.set(name, to: value) }
        #expect(c == defaults)
    }

    @Test("set changes what echo reports", arguments: [
        ("eval.windowDays", "30-90", "30-90"), ("chain.nonQualifyingSession", "SKIP", "skip"),
        ("insufficient.threshold", "0.6", "0.6"), ("marker.analytes", "afp, afp-l3", "AFP,AFP-L3"),
        ("mvi.minGrade", "vp2", "Vp2"), ("kr.anchor", "rolling", "rolling"), ("tw.sessions", "3", "3"), ("tw.anchor", "rolling", "rolling"),
        ("jsh2021.runRule", "lastResponse", "lastResponse"), ("marker.minBaseline.DCP", "0", "0"),
    ])
    func setValue(name: String, text: String, echoed: String) throws {
        var c = RefractorinessConfiguration()
        try c.set(name, to: text)
        #expect(c.echo.first { $0.name == name }?.value == echoed)
        #expect(c != RefractorinessConfiguration())
    }

    @Test("bad values are refused and name what is accepted", arguments: [
        ("eval.windowDays", "92-28"), ("eval.windowDays", "28"), ("insufficient.threshold", "1.5"), ("marker.r", "0"),
        ("marker.d", "1"), ("marker.analytes", "AFP,AFP"), ("marker.analytes", "GGT"), ("mvi.minGrade", "Vp5"),
        ("jsh.minConsecutive", "0"), ("jsh.requireModification", "yes"), ("kr.anchor", "last"),
        ("tw.sessions", "1"), ("tw.sessions", "4"), ("tw.anchor", "last"),
    ])
    func refused(name: String, text: String) {
        var c = RefractorinessConfiguration()
        #expect(throws: ConfigurationError.self) { try c.set(name, to: text) }
        #expect(c == RefractorinessConfiguration())
    }

    @Test func unknownNamesAreRefusedWithTheKnownOnes() {
        var c = RefractorinessConfiguration()
        do {
            try c.set("jsh.minConsecutiv", to: "2")
            Issue.record("accepted an unknown name")
        } catch {
            #expect(error.reason == .unknownName)
            #expect(error.accepted.contains("jsh.minConsecutive"))
        }
        #expect(RefractorinessConfiguration.knows("zh.minConsecutive"))
        #expect(!RefractorinessConfiguration.knows("ptace.intercept"))
    }

    @Test func everyDefinitionEchoesOnlyKnownParameters() {
        for d in RefractorinessDefinition.allCases {
            #expect(d.parameters.allSatisfy(RefractorinessConfiguration.knows), "\(d)")
        }
        #expect(RefractorinessDefinition.allCases.first == .jsh2014)
        #expect(RefractorinessDefinition(id: "JSH-2014") == .jsh2014)
        #expect(RefractorinessDefinition(id: "zhang-2022") == .zhang2022)
        #expect(RefractorinessDefinition(id: "who") == nil)
    }
}
