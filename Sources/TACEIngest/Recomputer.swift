import TACEFHIRWriter
import TACEJSON
import TACEModel
import TACERefractoriness
import TACEScoring
import TACEStore

/// Computes a stored patient's assessments, each kind on its own so that one changed result amends only
/// its own RiskAssessment: `p-tace` (with ALBI and Child-Pugh), `refractoriness/<definition>`, `art`, `abcr`.
///
/// Deterministic in the data: the index date is the first TACE, else the day of the latest observation
/// (not the clock, which would change every result every day); refractoriness is judged as of the day of
/// the latest observation. Only the recording time differs between two runs on the same data, and it is
/// left out of the fingerprint.
struct Recomputer: Sendable {
    var scoring: ScoringConfiguration
    var refractoriness: RefractorinessConfiguration
    var definitions: [RefractorinessDefinition]
    var reTreatmentScores: Bool

    /// One assessment kind, ready to render as of a recording time, possibly amending an earlier version.
    struct Kind {
        var kind: String
        /// The identifier system of the kind's RiskAssessment.
        var riskIdentifierSystem: String
        var render: (_ amendment: Amendment?, _ recorded: ClinicalTime) -> [UInt8]
    }

    /// The time every fingerprint is rendered with.
    static let fingerprintTime = ClinicalTime(epochSeconds: 0, utcOffsetSeconds: 0, precision: .second)

    func kinds(for snapshot: PatientSnapshot) throws(ObservationCodec.DecodingError) -> [Kind] {
        var observations: [TypedObservation] = []
        observations.reserveCapacity(snapshot.observations.count)
        for record in snapshot.observations { observations.append(try ObservationCodec.decode(record.payload)) }
        let identity = PatientIdentity(reference: nil, identifiers: snapshot.identifiers)
        let latest = observations.lazy.compactMap(\.effective).max() ?? Self.fingerprintTime
        let index = resolveIndexDate(asOf: nil, observations: observations, runTime: latest)
        let condition = observations.first { $0.concept == .hccDiagnosis && $0.source.resourceReference != nil }?.source.resourceReference
        let scoring = self.scoring

        var kinds: [Kind] = []
        let ptace = PTACE.assess(observations: observations, index: index, configuration: scoring)
        let childPugh = ChildPughAssessor.assess(observations: observations, index: index, configuration: scoring)
        let assessment = PatientAssessment(patient: identity, ordinal: 1, firstSeen: "store", ptace: ptace, childPugh: childPugh,
                                           conditionReference: condition)
        kinds.append(Kind(kind: "p-tace", riskIdentifierSystem: TACECodeSystems.riskAssessmentIdentifier) { amendment, recorded in
            var writer = AssessmentWriter(configuration: scoring, recorded: recorded)
            writer.amendment = amendment
            var bundle = BundleStreamWriter(type: .collection, timestamp: recorded, pretty: false)
            _ = writer.write(assessment, to: &bundle)
            return Self.resources(of: bundle.finish())
        })

        let day = ClinicalDay(latest)
        let timeline = PatientTimeline(observations: observations).asOf(day)
        guard !timeline.sessions.isEmpty else { return kinds }
        let verdicts = Refractoriness.evaluate(definitions, timeline: timeline, on: day, configuration: refractoriness, scoring: scoring)
        for verdict in verdicts {
            let one = RefractorinessAssessment(patient: identity, ordinal: 1, conditionReference: condition, evaluationDay: day,
                                               verdicts: [verdict], reTreatment: [])
            kinds.append(Kind(kind: "refractoriness/" + verdict.definition.rawValue,
                              riskIdentifierSystem: TACECodeSystems.refractorinessIdentifier) { amendment, recorded in
                Self.render(one, amendment: amendment, recorded: recorded)
            })
        }
        if reTreatmentScores {
            for score in ReTreatmentScores.both(timeline, on: day, configuration: refractoriness, scoring: scoring) {
                let one = RefractorinessAssessment(patient: identity, ordinal: 1, conditionReference: condition, evaluationDay: day,
                                                   verdicts: [], reTreatment: [score])
                kinds.append(Kind(kind: score.kind.rawValue, riskIdentifierSystem: TACECodeSystems.reTreatmentIdentifier) { amendment, recorded in
                    Self.render(one, amendment: amendment, recorded: recorded)
                })
            }
        }
        return kinds
    }

    static func render(_ a: RefractorinessAssessment, amendment: Amendment?, recorded: ClinicalTime) -> [UInt8] {
        var writer = RefractorinessWriter(recorded: recorded)
        writer.amendment = amendment
        var bundle = BundleStreamWriter(type: .collection, timestamp: recorded, pretty: false)
        writer.write(a, to: &bundle)
        return resources(of: bundle.finish())
    }

    /// The entries of a collection Bundle the writers made (`fullUrl` and `resource`: resources refer to
    /// each other by those `urn:uuid:` fullUrls), as a JSON array, their bytes copied as written.
    static func resources(of bundle: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        guard let document = try? JSONDocument.parse(bundle), let entries = document.root["entry"] else { return out + [UInt8(ascii: "]")] }
        var first = true
        for entry in entries.elements {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out += bundle[entry.byteOffset..<entry.byteEndOffset]
        }
        out.append(UInt8(ascii: "]"))
        return out
    }

    /// The RiskAssessments in a stored entry array, each as its own JSON object.
    static func riskAssessments(in entries: [UInt8]) -> [[UInt8]] {
        guard let document = try? JSONDocument.parse(entries) else { return [] }
        return document.root.elements.compactMap { entry in
            guard let r = entry["resource"], r["resourceType"]?.stringEquals("RiskAssessment") == true else { return nil }
            return Array(entries[r.byteOffset..<r.byteEndOffset])
        }
    }

    /// The identifier value of the first RiskAssessment in a stored entry array.
    static func riskIdentifier(in entries: [UInt8]) -> String? {
        guard let document = try? JSONDocument.parse(entries) else { return nil }
        for entry in document.root.elements {
            guard let r = entry["resource"], r["resourceType"]?.stringEquals("RiskAssessment") == true else { continue }
            return r["identifier"]?[0]?["value"]?.string
        }
        return nil
    }
}
