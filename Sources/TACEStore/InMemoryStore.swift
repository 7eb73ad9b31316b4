import Synchronization
import TACEModel

/// A store in memory: the reference semantics of `ClinicalStore` in a few lines, for tests and dry runs.
/// Nothing survives the process.
public final class InMemoryStore: ClinicalStore {
    private struct State {
        var messages: [IngestKey: StoredMessageID] = [:]
        var messageOrder: [IngestKey] = []
        var raw: [StoredMessageID: [UInt8]] = [:]
        var patientIdentifiers: [StoredPatientID: Set<PatientIdentifier>] = [:]
        var patientByIdentifier: [PatientIdentifier: StoredPatientID] = [:]
        var dataVersion: [StoredPatientID: Int64] = [:]
        var assessedVersion: [StoredPatientID: Int64] = [:]
        var lastChange: [StoredPatientID: Int64] = [:]
        var observations: [Row] = []
        var assessments: [StoredAssessment] = []
        var deadLetters: [DeadLetter] = []
        var nextID: Int64 = 0
        var changeClock: Int64 = 0

        mutating func makeID() -> Int64 {
            nextID += 1
            return nextID
        }
    }

    private struct Row {
        var patient: StoredPatientID
        var message: IngestKey
        var record: ObservationRecord
        var superseded: Bool
    }

    private let state = Mutex(State())

    public init() {}

    public func migrate() async throws {}

    public func close() async throws {}

    public func commit(_ units: [IncomingUnit]) async throws -> [CommitOutcome] {
        state.withLock { s in units.map { Self.commit($0, into: &s) } }
    }

    private static func commit(_ unit: IncomingUnit, into s: inout State) -> CommitOutcome {
        if let existing = s.messages[unit.key] { return .duplicate(of: existing) }
        // Resolve every claim before writing anything: a conflict writes nothing.
        var known: [PatientIdentifier: StoredPatientID] = [:]
        for claim in unit.patients {
            for identifier in claim.identifiers { known[identifier] = s.patientByIdentifier[identifier] }
        }
        let resolved: [ClaimResolution]
        switch ClaimResolution.resolve(unit.patients, stored: known) {
        case .conflict(let claim): return .patientConflict(claim: claim)
        case .resolved(let resolutions): resolved = resolutions
        }
        let messageID = StoredMessageID(rawValue: s.makeID())
        s.messages[unit.key] = messageID
        s.messageOrder.append(unit.key)
        s.raw[messageID] = unit.raw
        var patients: [StoredPatientID] = []
        for (index, claim) in unit.patients.enumerated() {
            let id: StoredPatientID
            switch resolved[index] {
            case .existing(let existing): id = existing
            case .new(let first) where first < index: id = patients[first]
            case .new: id = StoredPatientID(rawValue: s.makeID())
            }
            for identifier in claim.identifiers {
                s.patientByIdentifier[identifier] = id
                s.patientIdentifiers[id, default: []].insert(identifier)
            }
            patients.append(id)
        }
        for o in unit.observations {
            let patient = patients[o.patient]
            var superseded = false
            if o.supersedesEarlier {
                for i in s.observations.indices where s.observations[i].patient == patient && s.observations[i].record.resultKey == o.resultKey {
                    s.observations[i].superseded = true
                }
            } else {
                superseded = s.observations.contains {
                    $0.patient == patient && $0.record.resultKey == o.resultKey && $0.record.supersedesEarlier
                }
            }
            s.observations.append(Row(patient: patient, message: unit.key, record: o, superseded: superseded))
        }
        var touched = Set(patients)
        for replaced in unit.replacesUnits {
            for i in s.observations.indices where s.observations[i].message == replaced {
                s.observations[i].superseded = true
                touched.insert(s.observations[i].patient)
            }
        }
        for p in touched.sorted() {
            s.dataVersion[p, default: 0] += 1
            s.changeClock += 1
            s.lastChange[p] = s.changeClock
        }
        return .stored(messageID, patients: patients)
    }

    public func patient(_ id: StoredPatientID) async throws -> PatientSnapshot? {
        state.withLock { s in
            guard let identifiers = s.patientIdentifiers[id] else { return nil }
            let rows = s.observations.filter { $0.patient == id && !$0.superseded }.map(\.record)
            return PatientSnapshot(id: id, identifiers: identifiers.sorted(), dataVersion: s.dataVersion[id] ?? 0, observations: rows)
        }
    }

    public func patients(with identifier: PatientIdentifier) async throws -> [StoredPatientID] {
        state.withLock { s in s.patientByIdentifier[identifier].map { [$0] } ?? [] }
    }

    public func messageRaw(_ id: StoredMessageID) async throws -> [UInt8]? {
        state.withLock { s in s.raw[id] }
    }

    public func dirtyPatients(limit: Int) async throws -> [StoredPatientID] {
        state.withLock { s in
            s.dataVersion.filter { $0.value > (s.assessedVersion[$0.key] ?? 0) }
                .map(\.key)
                .sorted { (s.lastChange[$0] ?? 0) < (s.lastChange[$1] ?? 0) }
                .prefix(limit).map { $0 }
        }
    }

    public func recordAssessments(_ drafts: [AssessmentDraft], patient: StoredPatientID, dataVersion: Int64, at: String) async throws -> AssessmentWriteOutcome {
        try state.withLock { s in
            guard s.patientIdentifiers[patient] != nil else {
                throw StoreError(operation: "record assessments", reason: "\(patient) does not exist")
            }
            if (s.assessedVersion[patient] ?? 0) > dataVersion { return .staleData }
            for d in drafts {
                let current = s.assessments.last { $0.patient == patient && $0.kind == d.kind && !$0.isSuperseded }?.version ?? 0
                if current != d.version - 1 { return .versionConflict(kind: d.kind) }
            }
            for d in drafts {
                for i in s.assessments.indices where s.assessments[i].patient == patient && s.assessments[i].kind == d.kind {
                    s.assessments[i].isSuperseded = true
                }
                s.assessments.append(StoredAssessment(sequence: s.makeID(), patient: patient, kind: d.kind, version: d.version,
                                                      fingerprint: d.fingerprint, resourceID: d.resourceID, recordedAt: at,
                                                      isSuperseded: false, resource: d.resource))
            }
            s.assessedVersion[patient] = max(s.assessedVersion[patient] ?? 0, dataVersion)
            return .recorded
        }
    }

    public func currentAssessments(patient: StoredPatientID) async throws -> [StoredAssessment] {
        state.withLock { s in s.assessments.filter { $0.patient == patient && !$0.isSuperseded } }
    }

    public func assessments(after: Int64, since: String?, limit: Int) async throws -> [StoredAssessment] {
        state.withLock { s in
            s.assessments.filter { a in a.sequence > after && (since.map { a.recordedAt >= $0 } ?? true) }
                .prefix(limit).map { $0 }
        }
    }

    public func addDeadLetter(_ letter: NewDeadLetter) async throws -> DeadLetterID {
        state.withLock { s in
            if let key = letter.key, let i = s.deadLetters.firstIndex(where: { $0.letter.key == key && $0.state == .open }) {
                s.deadLetters[i].letter = letter
                s.deadLetters[i].attempts += 1
                s.deadLetters[i].updatedAt = letter.receivedAt
                return s.deadLetters[i].id
            }
            let id = DeadLetterID(rawValue: s.makeID())
            s.deadLetters.append(DeadLetter(id: id, letter: letter, state: .open, attempts: 1, updatedAt: letter.receivedAt, resolvedAs: nil))
            return id
        }
    }

    public func deadLetters(state wanted: DeadLetter.State?) async throws -> [DeadLetter] {
        state.withLock { s in s.deadLetters.filter { wanted == nil || $0.state == wanted } }
    }

    public func deadLetter(_ id: DeadLetterID) async throws -> DeadLetter? {
        state.withLock { s in s.deadLetters.first { $0.id == id } }
    }

    public func resolveDeadLetter(_ id: DeadLetterID, as message: StoredMessageID, at: String) async throws {
        try state.withLock { s in
            guard let i = s.deadLetters.firstIndex(where: { $0.id == id }) else {
                throw StoreError(operation: "resolve dead letter", reason: "\(id) does not exist")
            }
            s.deadLetters[i].state = .resolved
            s.deadLetters[i].resolvedAs = message
            s.deadLetters[i].updatedAt = at
        }
    }

    public func recordRetryFailure(_ id: DeadLetterID, reason: String, location: String?, at: String) async throws {
        try state.withLock { s in
            guard let i = s.deadLetters.firstIndex(where: { $0.id == id }) else {
                throw StoreError(operation: "record retry failure", reason: "\(id) does not exist")
            }
            s.deadLetters[i].letter.reason = reason
            s.deadLetters[i].letter.location = location
            s.deadLetters[i].attempts += 1
            s.deadLetters[i].updatedAt = at
        }
    }
}
