import TACEFHIRReader
import TACEHL7v2Reader
import TACEModel
import TACEStore

/// A unit read from input: ready to commit, or a dead letter saying why not.
enum UnitReading: Sendable {
    /// `deadLetterRaw`: what a dead letter of this unit keeps if the store refuses it later (a patient
    /// conflict): for FHIR the whole document, so a retry can resolve the Patient it refers to.
    case unit(IncomingUnit, skipped: [SkippedItem], deadLetterRaw: [UInt8])
    case deadLetter(NewDeadLetter, skipped: [SkippedItem])

    /// The key of the unit or letter.
    var key: IngestKey? {
        switch self {
        case .unit(let u, _, _): return u.key
        case .deadLetter(let l, _): return l.key
        }
    }
}

/// What every format's unit has in common: turning observations and reader findings into an
/// `IncomingUnit` (claims, result keys, payloads) or a dead letter.
struct UnitAssembler: Sendable {
    var policy: IngestPolicy

    struct Context {
        var key: IngestKey
        var format: SourceFormat
        var receivedFrom: String
        var receivedAt: String
        /// Kept with a stored unit.
        var raw: [UInt8]
        /// Kept with a dead letter (for FHIR the whole document, so a retry can resolve its references).
        var deadLetterRaw: [UInt8]
        /// The system given to identifiers that come without one (HL7 v2: the sending facility), or nil
        /// to refuse them.
        var unscopedIdentifierSystem: String?
        var replacesUnits: [IngestKey] = []
        /// FHIR `meta.versionId` of the unit's resource, if any.
        var fhirVersionId: String? = nil
    }

    func assemble(_ c: Context, observations: [TypedObservation], patients: [String: PatientRecord], skipped: [SkippedItem]) -> UnitReading {
        func dead(_ reason: String, _ location: String?) -> UnitReading {
            .deadLetter(NewDeadLetter(key: c.key, format: c.format.rawValue, receivedFrom: c.receivedFrom, receivedAt: c.receivedAt,
                                      reason: reason, location: location, raw: c.deadLetterRaw), skipped: skipped)
        }
        if let bad = skipped.first(where: { policy.deadLetterKinds.contains($0.kind) }) {
            let more = skipped.filter { policy.deadLetterKinds.contains($0.kind) }.count - 1
            return dead("\(bad.kind.rawValue): \(bad.detail)" + (more > 0 ? " (and \(more) more)" : ""), Self.locate(bad))
        }
        // Claims: every observation's identifiers (with those of its Patient resource), overlapping sets merged.
        var claimSets: [Set<PatientIdentifier>] = []
        var claimOfObservation: [Int] = []
        for o in observations {
            var ids = Set(o.patient.identifiers)
            if let reference = o.patient.reference, let record = patients[reference] { ids.formUnion(record.identity.identifiers) }
            var scoped = Set<PatientIdentifier>()
            for id in ids {
                if let system = id.system, system.hasPrefix(HL7v2Reader.unmappedAuthorityPrefix), let facility = c.unscopedIdentifierSystem {
                    // A local assigning authority no table maps ("MR", "HOSP") is only unique within the
                    // sending facility: two facilities' MRN spaces must not merge.
                    scoped.insert(PatientIdentifier(system: facility + ":authority:" + system.dropFirst(HL7v2Reader.unmappedAuthorityPrefix.count),
                                                    value: id.value))
                } else if id.system != nil {
                    scoped.insert(id)
                } else if let system = c.unscopedIdentifierSystem {
                    scoped.insert(PatientIdentifier(system: system, value: id.value))
                } else {
                    return dead("patient identifier without a system: TACEBridge links patients only by system and value "
                                + "(FHIR Identifier.system, CDA id/@root)", o.source.location)
                }
            }
            guard !scoped.isEmpty else {
                return dead("no business identifier for the patient (FHIR Patient.identifier, HL7 v2 PID-3, CDA recordTarget id); "
                            + "a bare reference cannot be linked across sources", o.source.location)
            }
            let overlapping = claimSets.indices.filter { !claimSets[$0].isDisjoint(with: scoped) }
            if let first = overlapping.first {
                for i in overlapping.dropFirst().reversed() {
                    claimSets[first].formUnion(claimSets[i])
                    claimSets.remove(at: i)
                    claimOfObservation = claimOfObservation.map { $0 == i ? first : ($0 > i ? $0 - 1 : $0) }
                }
                claimSets[first].formUnion(scoped)
                claimOfObservation.append(first)
            } else {
                claimSets.append(scoped)
                claimOfObservation.append(claimSets.count - 1)
            }
        }
        // Provenance made unique per unit: the readers' positions (`message 1 OBX[2]`, `$.entry[3]`) repeat
        // across units from one connection or file name, and the writers derive output ids from them.
        let unitTag = "unit-" + ContentHash.hex(Array((c.key.kind.rawValue + "|" + c.key.value).utf8))
        let claims = claimSets.map { $0.sorted() }
        let records = observations.enumerated().map { n, original in
            var o = original
            o.source.file = unitTag
            o.source.recordKey = unitTag + "#" + o.source.recordKey
            // The patient as the store links it (scoped identifiers), so outputs name it the same way.
            o.patient = PatientIdentity(reference: o.patient.reference, identifiers: claims[claimOfObservation[n]])
            return ObservationRecord(patient: claimOfObservation[n], concept: o.concept, status: o.status, resultKey: Self.resultKey(original),
                                     supersedesEarlier: Self.supersedes(original, versionId: c.fhirVersionId), payload: ObservationCodec.encode(o))
        }
        let unit = IncomingUnit(key: c.key, format: c.format, receivedFrom: c.receivedFrom, receivedAt: c.receivedAt, raw: c.raw,
                                patients: claims.map { PatientClaim(identifiers: $0) }, observations: records,
                                replacesUnits: c.replacesUnits)
        return .unit(unit, skipped: skipped, deadLetterRaw: c.deadLetterRaw)
    }

    /// The reader's location, with the HL7 v2 field the finding is about when the location names only the
    /// segment (`message 1 OBX[2]` + unknown unit → `message 1 OBX[2], OBX-6`), so the ACK's ERR can point at it.
    static func locate(_ item: SkippedItem) -> String {
        guard item.resourceType == "OBX" else { return item.location }
        let field: Int
        switch item.kind {
        case .unknownUnit, .unconvertibleUnit, .missingUnit: field = 6
        case .unmappedValue, .nonNumericValue, .dataAbsent: field = 5
        case .unsupportedValueType: field = 2
        case .unmappedCode: field = 3
        default: return item.location
        }
        return item.location + ", OBX-\(field)"
    }

    /// Whether a record replaces the earlier ones with its result key: a correction (OBX-11 C/A, FHIR
    /// corrected/amended), and a later version of a FHIR resource with an id (`meta.versionId` a number
    /// above 1: a Procedure updated to not-done replaces its completed version 1). A version 1, or a
    /// resource without versionId, arriving after a superseding version is stored already superseded.
    static func supersedes(_ o: TypedObservation, versionId: String?) -> Bool {
        if o.status == .corrected || o.status == .amended { return true }
        guard o.source.format == .fhirJSON || o.source.format == .fhirNDJSON, o.source.resourceReference != nil,
              let v = versionId.flatMap({ Int($0) }) else { return false }
        return v > 1
    }

    /// The identity of a result across its versions. A FHIR resource keeps its id when amended; other
    /// formats send a correction as a new message, so the result is the same test of the same patient at
    /// the same time (a correction that also changes the time is not matched: documented in docs/store.md).
    static func resultKey(_ o: TypedObservation) -> String {
        if o.source.format == .fhirJSON || o.source.format == .fhirNDJSON, let reference = o.source.resourceReference {
            return reference + "#" + o.concept.rawValue
        }
        let time = o.effective.map { String($0.epochSeconds) } ?? "-"
        return o.concept.rawValue + "|" + (o.original.system ?? "") + "|" + o.original.code + "|" + time
    }
}
