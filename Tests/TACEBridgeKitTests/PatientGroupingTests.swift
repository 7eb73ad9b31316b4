import Testing
import TACEFHIRReader
import TACEModel
@testable import TACEBridgeKit

@Suite("Observations are grouped by patient")
struct PatientGroupingTests {
    func obs(_ file: String, reference: String? = nil, _ identifiers: [(String?, String)]) -> TypedObservation {
        TypedObservation(patient: PatientIdentity(reference: reference, identifiers: identifiers.map { PatientIdentifier(system: $0.0, value: $0.1) }),
                         concept: .albumin, value: .event, effective: nil, status: .final,
                         original: OriginalCoding(system: nil, code: "x"),
                         source: SourceProvenance(file: file, format: .hl7v2ER7, resourceReference: nil, location: "OBX[1]", recordKey: "k"))
    }

    func groups(_ observations: [TypedObservation]) -> (groups: [[TypedObservation]], report: ReadReport) {
        var report = ReadReport()
        let g = groupByPatient(observations, patients: [:], report: &report)
        return (g.ordered.map(\.observations), report)
    }

    @Test func identifiersInADifferentOrderAreOnePatient() {
        let r = groups([obs("a", [("urn:ha", "X"), ("urn:hb", "Y")]), obs("b", [("urn:hb", "Y"), ("urn:ha", "X")])])
        #expect(r.groups.count == 1)
    }

    @Test func identifierWithoutSystemJoinsOnlyItsOwnFile() {
        let r = groups([obs("s1", [(nil, "1001")]), obs("s2", [(nil, "1001")]), obs("s1", [(nil, "1001")])])
        #expect(r.groups.map(\.count) == [2, 1])
    }

    @Test func identifierCarriedForTwoReferencesAttributesNothingAndIsReported() {
        let r = groups([obs("f", reference: "Patient/p1", [("urn:h", "1001")]), obs("f", reference: "Patient/p2", [("urn:h", "1001")]),
                        obs("m", [("urn:h", "1001")])])
        #expect(r.groups.map(\.count) == [1, 1])
        #expect(r.report.skippedByKind[.noSubject] == 1)
        #expect(r.report.items.first?.detail == "identifier shared by 2 Patient resources")
    }

    @Test func identifiersLeadingToTwoReferencesNeverMergeThem() {
        let r = groups([obs("f", reference: "Patient/p1", [("urn:a", "1")]), obs("f", reference: "Patient/p2", [("urn:b", "2")]),
                        obs("m", [("urn:a", "1"), ("urn:b", "2")])])
        #expect(r.groups.map { $0.map(\.patient.reference) } == [["Patient/p1"], ["Patient/p2"]])
        #expect(r.report.items.first?.detail == "identifiers lead to 2 different Patient resources")
    }
}
