import TACEModel
import TACEStore

/// Synthetic test data: invented identifiers and keys, no real patient data.
enum Fixture {
    static let time = "2026-01-01T00:00:00Z"

    static func id(_ value: String, system: String? = "urn:test:mrn") -> PatientIdentifier {
        PatientIdentifier(system: system, value: value)
    }

    static func key(_ value: String, _ kind: IngestKey.Kind = .hl7v2) -> IngestKey {
        IngestKey(kind: kind, value: value)
    }

    static func observation(_ resultKey: String, patient: Int = 0, supersedes: Bool = false, payload: [UInt8]? = nil,
                            concept: Concept = .afp, status: ObservationStatus = .final) -> ObservationRecord {
        ObservationRecord(patient: patient, concept: concept, status: status, resultKey: resultKey,
                          supersedesEarlier: supersedes, payload: payload ?? Array("payload \(resultKey)".utf8))
    }

    static func unit(_ key: String, claims: [[PatientIdentifier]], observations: [ObservationRecord] = [],
                     replaces: [IngestKey] = [], raw: [UInt8]? = nil, kind: IngestKey.Kind = .hl7v2) -> IncomingUnit {
        IncomingUnit(key: IngestKey(kind: kind, value: key), format: .hl7v2ER7, receivedFrom: "conformance",
                     receivedAt: time, raw: raw ?? Array("raw \(key)".utf8),
                     patients: claims.map { PatientClaim(identifiers: $0) }, observations: observations,
                     replacesUnits: replaces)
    }

    /// Every byte value, then sequences that are not UTF-8 (a lone continuation byte, an overlong form,
    /// a surrogate, a truncated sequence) and the MLLP framing bytes.
    static let awkwardBytes: [UInt8] = Array(0...255) + [0x80, 0xC0, 0xAF, 0xED, 0xA0, 0x80, 0xF0, 0x9F, 0x0B, 0x1C, 0x0D, 0x00, 0xE2, 0x82]

    static func large(_ count: Int, seed: UInt8) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var x = UInt32(seed) | 1
        for i in bytes.indices {
            x = x &* 1_664_525 &+ 1_013_904_223
            bytes[i] = UInt8(truncatingIfNeeded: x >> 24)
        }
        return bytes
    }

    static func draft(_ kind: String, version: Int, fingerprint: String = "f", resource: [UInt8]? = nil) -> AssessmentDraft {
        AssessmentDraft(kind: kind, version: version, fingerprint: fingerprint, resourceID: "\(kind)-v\(version)",
                        resource: resource ?? Array("{\"kind\":\"\(kind)\",\"v\":\(version)}".utf8))
    }

    static func letter(_ key: IngestKey?, reason: String = "bad segment", raw: [UInt8] = [1, 2, 3],
                       location: String? = "MSH-9", at: String = time) -> NewDeadLetter {
        NewDeadLetter(key: key, format: "hl7v2-er7", receivedFrom: "conformance", receivedAt: at, reason: reason,
                      location: location, raw: raw)
    }
}

extension CommitOutcome {
    /// The stored message and patients, or a conformance failure naming what was found instead.
    func stored(_ what: String) throws -> (StoredMessageID, [StoredPatientID]) {
        guard case .stored(let message, let patients) = self else { throw fail("\(what): expected stored, found \(self)") }
        return (message, patients)
    }
}

extension ClinicalStore {
    /// Commits one unit and insists that it was stored.
    func store(_ unit: IncomingUnit, _ what: String) async throws -> (StoredMessageID, [StoredPatientID]) {
        let outcomes = try await commit([unit])
        try expectEqual(outcomes.count, 1, "\(what): outcome count")
        return try outcomes[0].stored(what)
    }

    func snapshot(_ id: StoredPatientID, _ what: String) async throws -> PatientSnapshot {
        guard let s = try await patient(id) else { throw fail("\(what): \(id) unknown") }
        return s
    }

    /// The result keys of the patient's current observations, in the snapshot's order.
    func currentKeys(_ id: StoredPatientID) async throws -> [String] {
        try await snapshot(id, "current observations").observations.map(\.resultKey)
    }
}
