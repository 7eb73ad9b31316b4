import Testing
import TACEJSON
import TACEModel
import TACERefractoriness
@testable import TACEFHIRWriter

@Suite("Refractoriness results as FHIR R4")
struct RefractorinessWriterTests {
    let now = ClinicalTime(fhir: "2026-01-01T00:00:00Z")!
    static let patient = PatientIdentity(reference: "Patient/w1")
    static let day0 = ClinicalDay(year: 2025, month: 1, day: 10)

    static func obs(_ concept: Concept, _ value: ObservationValue, _ n: Int, reference: String?) -> TypedObservation {
        TypedObservation(patient: patient, concept: concept, value: value, effective: day0.adding(days: n).clinicalTime, status: .final,
                         original: OriginalCoding(system: nil, code: concept.rawValue),
                         source: SourceProvenance(file: "w.json", format: .fhirJSON, resourceReference: reference,
                                                  location: "$.entry[\(n)]", recordKey: "\(concept.rawValue)-\(n)"))
    }

    /// Two sessions, each evaluated insufficient at +30 d; the second evaluation has no source id.
    static var assessment: RefractorinessAssessment {
        let t = PatientTimeline(observations: [
            obs(.tace, .event, 0, reference: "Procedure/t1"), obs(.viableTumorPercent, .quantity(Measurement(70, .percent)), 30, reference: "Observation/v1"),
            obs(.tace, .event, 60, reference: "Procedure/t2"), obs(.viableTumorPercent, .quantity(Measurement(80, .percent)), 90, reference: nil),
        ])
        let day = ClinicalDay(year: 2026, month: 1, day: 1)
        return RefractorinessAssessment(patient: patient, ordinal: 1, conditionReference: "Condition/c1", evaluationDay: day,
                                        verdicts: Refractoriness.evaluate([.jsh2014, .zhang2022], timeline: t, on: day),
                                        reTreatment: ReTreatmentScores.both(t, on: day))
    }

    func write(_ type: OutputBundleType, observationForm: Bool = false) throws -> [JSONValue] {
        var b = BundleStreamWriter(type: type, timestamp: now, pretty: false)
        RefractorinessWriter(recorded: now, observationForm: observationForm).write(Self.assessment, to: &b)
        let root = try JSONDocument.parse(b.finish()).root
        return root["entry"].map { Array($0.elements) }?.compactMap { $0["resource"] } ?? []
    }

    func ofType(_ resources: [JSONValue], _ type: String) -> [JSONValue] {
        resources.filter { $0["resourceType"]?.string == type }
    }

    @Test func oneRiskAssessmentPerDefinitionWithStatusRationaleAndBasis() throws {
        let resources = try write(.collection)
        let risks = ofType(resources, "RiskAssessment")
        #expect(risks.map { $0["method"]?["coding"]?[0]?["code"]?.string } == ["jsh-lcsgj-2014", "zhang-2022"])
        let jsh = risks[0]
        let prediction = try #require(jsh["prediction"]?[0])
        let statuses = (prediction["qualitativeRisk"]?["coding"].map { Array($0.elements) } ?? []).compactMap { $0["code"]?.string }
        #expect(statuses == ["refractory", "certain"])
        #expect(prediction["whenPeriod"]?["start"]?.string == "2025-04-10")
        #expect(prediction["outcome"]?["coding"]?[0]?["code"]?.string == "tace-refractoriness")
        #expect(prediction["rationale"]?.string?.contains("C1a-insufficient-response met on 2025-04-10") == true)
        #expect(prediction["rationale"]?.string?.contains("Config ") == false)  // the configuration is in method.text
        #expect(jsh["method"]?["text"]?.string?.contains("jsh.minConsecutive=2") == true)
        #expect(jsh["occurrenceDateTime"]?.string == "2026-01-01")
        let basis = (jsh["basis"].map { Array($0.elements) } ?? []).compactMap { $0["reference"]?.string }
        #expect(basis.contains("Procedure/t1") && basis.contains("Observation/v1"))
        // The evidence without a source id is included as a normalized resource and referenced by its fullUrl.
        #expect(basis.contains { $0.hasPrefix("urn:uuid:") })
        #expect(ofType(resources, "Observation").contains { $0["code"]?["coding"]?[0]?["code"]?.string == "viable-tumor-percent" })
        let zhang = risks[1]["prediction"]?[0]
        #expect(zhang?["qualitativeRisk"]?["coding"]?.count == 1)
        #expect(zhang?["qualitativeRisk"]?["coding"]?[0]?["code"]?.string == "not-refractory")
        // Review 14: every verdict has whenPeriod.start (§9.1; here the assessment day) and a basis naming what
        // was evaluated (the sessions and their studies), also when not refractory.
        #expect(zhang?["whenPeriod"]?["start"]?.string == "2026-01-01")
        let zhangBasis = (risks[1]["basis"].map { Array($0.elements) } ?? []).compactMap { $0["reference"]?.string }
        #expect(zhangBasis.contains("Procedure/t1") && zhangBasis.contains("Procedure/t2") && zhangBasis.contains("Observation/v1"))
        #expect(ofType(resources, "Provenance").count == 1)
    }

    @Test func scoresNotComputedAreOperationOutcomesInCollectionsOnly() throws {
        let collection = try write(.collection)
        let outcomes = ofType(collection, "OperationOutcome")
        #expect(outcomes.count == 2)
        #expect(outcomes[0]["issue"]?[0]?["severity"]?.string == "information")
        #expect(outcomes[0]["issue"]?[0]?["diagnostics"]?.string?.hasPrefix("ART score (Sieghart 2013) not computed for patient 1") == true)
        #expect(ofType(try write(.transaction), "OperationOutcome").isEmpty)
    }

    @Test func theObservationFormHasAComponentPerTriggeringClause() throws {
        let forms = ofType(try write(.collection, observationForm: true), "Observation").filter {
            $0["code"]?["coding"]?[0]?["code"]?.string == "tace-refractoriness-status"
        }
        #expect(forms.count == 2)
        let jsh = forms[0]
        #expect(jsh["valueCodeableConcept"]?["coding"]?[0]?["code"]?.string == "refractory")
        let components = jsh["component"].map { Array($0.elements) } ?? []
        #expect(components.count == 5)
        #expect(components[0]["valueBoolean"]?.bool == true)
        #expect(components[1]["dataAbsentReason"] != nil)  // C1b: no tumor counts
        #expect(jsh["focus"]?[0]?["reference"]?.string == "Condition/c1")
    }

    /// Review 15: the Observation form's identifier follows the evidence like the RiskAssessment's, so new
    /// evidence never leaves an old Observation beside a new RiskAssessment.
    @Test func observationAndRiskIdentifiersChangeTogetherWithTheEvidence() throws {
        func identifiers(extra: [TypedObservation]) throws -> (risk: [String], form: [String]) {
            let t = PatientTimeline(observations: [
                Self.obs(.tace, .event, 0, reference: "Procedure/t1"), Self.obs(.viableTumorPercent, .quantity(Measurement(70, .percent)), 30, reference: "Observation/v1"),
                Self.obs(.tace, .event, 60, reference: "Procedure/t2"), Self.obs(.viableTumorPercent, .quantity(Measurement(80, .percent)), 90, reference: "Observation/v2"),
            ] + extra)
            let day = ClinicalDay(year: 2026, month: 1, day: 1)
            let a = RefractorinessAssessment(patient: Self.patient, ordinal: 1, conditionReference: nil, evaluationDay: day,
                                             verdicts: Refractoriness.evaluate([.zhang2022], timeline: t, on: day), reTreatment: [])
            var b = BundleStreamWriter(type: .transaction, timestamp: now, pretty: false)
            RefractorinessWriter(recorded: now, observationForm: true).write(a, to: &b)
            let resources = (try JSONDocument.parse(b.finish()).root)["entry"].map { Array($0.elements) }?.compactMap { $0["resource"] } ?? []
            let id = { (r: JSONValue) in r["identifier"]?[0]?["value"]?.string ?? "" }
            return (ofType(resources, "RiskAssessment").map(id),
                    ofType(resources, "Observation").filter { id($0).hasPrefix("refractoriness-status-") }.map(id))
        }
        let before = try identifiers(extra: [])
        let after = try identifiers(extra: [Self.obs(.tumorCount, .quantity(Measurement(2, .count)), 90, reference: "Observation/n2")])
        #expect(before.risk.count == 1 && before.form.count == 1)
        #expect(before.risk != after.risk)
        #expect(before.form != after.form)
        #expect(try identifiers(extra: []).form == before.form)
    }

    @Test func identifiersAreStableAcrossRuns() throws {
        let a = try write(.transaction), b = try write(.transaction)
        let ids = { (r: [JSONValue]) in r.compactMap { $0["identifier"]?[0]?["value"]?.string } }
        #expect(!ids(a).isEmpty && ids(a) == ids(b))
    }

    @Test func otherTreatmentsAreWrittenAsProceduresWithTheirOwnCode() throws {
        let o = Self.obs(.ablation, .event, 45, reference: nil)
        var json = JSONWriter(pretty: false)
        NormalizedResourceWriter.write(o, id: StableID(["a"]), into: &json)
        let root = try JSONDocument.parse(json.bytes).root
        #expect(root["resourceType"]?.string == "Procedure")
        #expect(root["code"]?["coding"]?[0]?["code"]?.string == "ablation")
    }
}
