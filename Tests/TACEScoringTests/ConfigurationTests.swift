import Testing
import TACEModel
@testable import TACEScoring

@Suite("Scoring configuration")
struct ConfigurationTests {
    @Test func defaultsAreTheSpecDefaults() {
        let c = ScoringConfiguration()
        #expect(ScoringConfiguration.version == "tacebridge-scoring-config-v1")
        #expect(c.echo.map(\.name) == ScoringConfiguration.parameterNames)
        let echo = Dictionary(uniqueKeysWithValues: c.echo.map { ($0.name, $0.value) })
        #expect(echo == [
            "albi.albuminCoefficient": "-0.085", "albi.roundTo": "none", "albi.maxPairGapDays": "7",
            "childPugh.siBilirubinCutoffs": "exactFromMgDl", "childPugh.coagulationInput": "INR",
            "ptace.probabilitySource": "gradeTable", "ptace.intercept": "-2.448", "ptace.labLookbackDays": "30",
            "ptace.imagingLookbackDays": "60", "ptace.qualitativeMap": "1=low,2=moderate,3=moderate,4=high,5=high,6=high",
        ])
    }

    @Test("set accepts every parameter and echo reflects it", arguments: [
        ("albi.albuminCoefficient", "-0.0852", "-0.0852"),
        ("albi.roundTo", "2", "2"),
        ("albi.maxPairGapDays", "3.5", "3.5"),
        ("childPugh.siBilirubinCutoffs", "34/50", "34/50"),
        ("childPugh.coagulationInput", "PT_prolongation_s", "PT_prolongation_s"),
        ("childPugh.coagulationInput", "inr", "INR"),
        ("ptace.probabilitySource", "logisticModel", "logisticModel"),
        ("ptace.intercept", "-2.408", "-2.408"),
        ("ptace.labLookbackDays", "14", "14"),
        ("ptace.imagingLookbackDays", " 90 ", "90"),
        ("ptace.qualitativeMap", "1=low, 2=low, 3=moderate, 4=moderate, 5=high, 6=high", "1=low,2=low,3=moderate,4=moderate,5=high,6=high"),
    ])
    func setAccepts(name: String, text: String, echoed: String) throws {
        var c = ScoringConfiguration()
        try c.set(name, to: text)
        #expect(c.echo.first { $0.name == name }?.value == echoed)
        #expect(c != ScoringConfiguration() || echoed == "INR")
    }

    @Test func everyParameterNameIsSettable() throws {
        // Setting each parameter to its own echoed value must round-trip.
        let defaults = ScoringConfiguration()
        var c = ScoringConfiguration()
        for (name, value) in defaults.echo { try c.set(name, to: value) }
        #expect(c == defaults)
        #expect(ScoringConfiguration.parameterNames.count == 10)
    }

    @Test func unknownNameIsRejectedWithTheKnownNames() {
        var c = ScoringConfiguration()
        #expect(throws: ConfigurationError.self) { try c.set("albi.coef", to: "-0.085") }
        do {
            try c.set("albi.coef", to: "-0.085")
        } catch {
            #expect(error.reason == .unknownName)
            #expect(error.description.contains("unknown scoring parameter 'albi.coef'"))
            #expect(error.description.contains("albi.albuminCoefficient"))
        }
    }

    @Test("invalid values are rejected naming the key and accepted values", arguments: [
        ("albi.albuminCoefficient", "abc", "finite negative decimal"),
        ("albi.albuminCoefficient", "0.085", "finite negative decimal"),
        ("albi.albuminCoefficient", "nan", "finite negative decimal"),
        ("albi.roundTo", "3", "none | 2"),
        ("albi.maxPairGapDays", "-1", ">= 0"),
        ("childPugh.siBilirubinCutoffs", "34/51", "exactFromMgDl | 34/50"),
        ("childPugh.coagulationInput", "quick", "INR | PT_prolongation_s"),
        ("ptace.probabilitySource", "model", "gradeTable | logisticModel"),
        ("ptace.intercept", "-5.242", "-5.242"),
        ("ptace.intercept", "inf", "finite decimal"),
        ("ptace.labLookbackDays", "thirty", ">= 0"),
        ("ptace.imagingLookbackDays", "", ">= 0"),
        ("ptace.qualitativeMap", "1=low,2=moderate", "each grade 1-6"),
        ("ptace.qualitativeMap", "1=low,2=moderate,3=moderate,4=high,5=high,6=veryhigh", "negligible | low | moderate | high | certain"),
        ("ptace.qualitativeMap", "1=low,1=low,3=moderate,4=high,5=high,6=high", "each grade 1-6"),
    ])
    func invalidValue(name: String, text: String, mentions: String) {
        var c = ScoringConfiguration()
        do {
            try c.set(name, to: text)
            Issue.record("\(name)=\(text) was accepted")
        } catch {
            #expect(error.reason == .invalidValue)
            #expect(error.name == name)
            #expect(error.description.hasPrefix("invalid value '\(text)' for \(name); accepted: "))
            #expect(error.description.contains(mentions), "\(error.description)")
        }
        #expect(c == ScoringConfiguration(), "a rejected value leaves the configuration unchanged")
    }

    @Test func echoTextCarriesTheVersion() {
        #expect(ScoringConfiguration().echoText.hasPrefix("tacebridge-scoring-config-v1: albi.albuminCoefficient=-0.085, albi.roundTo=none"))
    }
}
