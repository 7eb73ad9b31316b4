import TACEBridgeKit
import TACEFHIRReader
import TACEFHIRWriter
import TACEHL7v2
import TACEMappings
import TACEModel
import TACERefractoriness
import TACEScoring
import TACEStore

/// Everything the ingest layer is configured with.
public struct IngestSettings: Sendable {
    public var mappings: MappingTables
    public var scoring: ScoringConfiguration
    public var refractoriness: RefractorinessConfiguration
    /// Refractoriness definitions evaluated on recompute (default all, JSH-LCSGJ 2014 first).
    public var definitions: [RefractorinessDefinition] = RefractorinessDefinition.allCases
    public var reTreatmentScores = true
    public var policy = IngestPolicy()
    /// Most units written in one store transaction.
    public var maxBatch = 512

    public init(mappings: MappingTables, scoring: ScoringConfiguration, refractoriness: RefractorinessConfiguration) {
        self.mappings = mappings
        self.scoring = scoring
        self.refractoriness = refractoriness
    }
}

/// The ingest layer over a store: reads units, commits them (in shared batches), dead-letters what cannot
/// be used, and recomputes the assessments of patients with new data.
public final class IngestService: ClinicalIngest {
    public let store: any ClinicalStore
    let reader: UnitReader
    let recomputer: Recomputer
    let committer: GroupCommitter
    let clock: @Sendable () -> ClinicalTime
    /// Wakes `recomputeContinuously` after commits.
    private let changes: AsyncStream<Void>
    private let changed: AsyncStream<Void>.Continuation

    public init(store: any ClinicalStore, settings: IngestSettings, clock: @escaping @Sendable () -> ClinicalTime = Setup.clockNow) {
        self.store = store
        reader = UnitReader(mappings: settings.mappings, policy: settings.policy)
        recomputer = Recomputer(scoring: settings.scoring, refractoriness: settings.refractoriness, definitions: settings.definitions,
                                reTreatmentScores: settings.reTreatmentScores)
        committer = GroupCommitter(store: store, maxBatch: settings.maxBatch)
        self.clock = clock
        (changes, changed) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    static func isoText(_ t: ClinicalTime) -> String {
        ClinicalTime(epochSeconds: t.epochSeconds.rounded(.down), utcOffsetSeconds: 0, precision: .second).fhirDateTime
    }

    // MARK: HL7 v2

    public func receiveHL7v2(_ bytes: [UInt8], from peer: String) async -> HL7v2Receipt {
        let now = clock()
        let at = Self.isoText(now)
        func receipt(_ outcome: HL7v2Receipt.Outcome, _ message: HL7Message?, _ code: HL7AcknowledgmentCode,
                     _ errors: [HL7AcknowledgmentError] = [], reason: String? = nil) -> HL7v2Receipt {
            HL7v2Receipt(outcome: outcome, ack: HL7v2Acks.build(for: bytes, message: message, code: code, errors: errors, at: now), reason: reason)
        }
        let interchange: HL7Interchange
        do {
            interchange = try HL7Parser.parse(bytes)
        } catch {
            let reason = "malformed HL7 v2: " + error.description
            let letter = NewDeadLetter(key: nil, format: SourceFormat.hl7v2ER7.rawValue, receivedFrom: peer, receivedAt: at, reason: reason,
                                       location: "line \(error.line), column \(error.column)", raw: bytes)
            let errors = [HL7AcknowledgmentError(code: .segmentSequenceError, diagnostic: reason)]
            do {
                let id = try await store.addDeadLetter(letter)
                return receipt(.deadLettered(id), nil, .reject, errors, reason: reason)
            } catch {
                return receipt(.refused, nil, .reject, [HL7AcknowledgmentError(code: .applicationInternalError, diagnostic: "store unavailable; resend later")],
                               reason: "store: \(error)")
            }
        }
        guard interchange.messages.count == 1, let message = interchange.messages.first else {
            let reason = "a frame must hold exactly one message; it holds \(interchange.messages.count)"
            let letter = NewDeadLetter(key: nil, format: SourceFormat.hl7v2ER7.rawValue, receivedFrom: peer, receivedAt: at, reason: reason,
                                       location: nil, raw: bytes)
            let id = try? await store.addDeadLetter(letter)
            return receipt(id.map { .deadLettered($0) } ?? .refused, interchange.messages.first, .reject,
                           [HL7AcknowledgmentError(code: .segmentSequenceError, diagnostic: reason)], reason: reason)
        }
        do {
            switch try await commit(reader.read(message, received: bytes, from: peer, at: at)) {
            case .stored(let id):
                return receipt(.stored(id), message, .accept)
            case .duplicate(let id):
                return receipt(.duplicate(of: id), message, .accept)
            case .deadLettered(let id, let reason, let location):
                let error = HL7AcknowledgmentError(code: .applicationInternalError, location: HL7v2Acks.location(location),
                                                   diagnostic: "not stored (\(id)): " + reason)
                return receipt(.deadLettered(id), message, .error, [error], reason: reason)
            }
        } catch {
            // AR: refused for a reason unrelated to the content, so the sender resends it later (AE would say
            // the content is wrong, and many senders do not resend those).
            return receipt(.refused, message, .reject, [HL7AcknowledgmentError(code: .applicationInternalError, diagnostic: "store unavailable; resend later")],
                           reason: "store: \(error)")
        }
    }

    enum UnitOutcome {
        case stored(StoredMessageID)
        case duplicate(StoredMessageID)
        case deadLettered(DeadLetterID, reason: String, location: String?)
    }

    /// Commits a unit or writes its dead letter.
    ///
    /// A key already stored with *different* bytes is never taken for a resend: an HL7 v2 control id or a
    /// CDA document id reused for another message is dead-lettered; a FHIR resource changed without a new
    /// `meta.versionId` is stored as a new version (its key extended by a digest of its bytes).
    func commit(_ reading: UnitReading) async throws -> UnitOutcome {
        switch reading {
        case .deadLetter(let letter, _):
            return .deadLettered(try await store.addDeadLetter(letter), reason: letter.reason, location: letter.location)
        case .unit(let first, _, let deadLetterRaw):
            var unit = first
            for attempt in 0..<2 {
                switch try await committer.commit(unit) {
                case .stored(let id, _):
                    changed.yield()
                    return .stored(id)
                case .duplicate(let id):
                    if unit.key.kind == .content || attempt > 0 { return .duplicate(id) }
                    guard let stored = try await store.messageRaw(id), stored != unit.raw else { return .duplicate(id) }
                    if unit.key.kind == .fhir {
                        unit.key = IngestKey(kind: .fhir, value: unit.key.value + "|content:" + ContentHash.hex(unit.raw))
                        continue
                    }
                    let what = unit.key.kind == .hl7v2 ? "message control id (MSH-3, MSH-4, MSH-10)" : "document id (ClinicalDocument/id)"
                    let reason = "the \(what) was already used by \(id) with different content: not taken for a resend; "
                        + "give the message a new id (a sender's counter reset?)"
                    let letter = NewDeadLetter(key: unit.key, format: unit.format.rawValue, receivedFrom: unit.receivedFrom,
                                               receivedAt: unit.receivedAt, reason: reason, location: nil, raw: deadLetterRaw)
                    return .deadLettered(try await store.addDeadLetter(letter), reason: reason, location: nil)
                case .patientConflict:
                    let reason = "the patient's identifiers belong to more than one stored patient: linking them is a clinical decision"
                    let letter = NewDeadLetter(key: unit.key, format: unit.format.rawValue, receivedFrom: unit.receivedFrom, receivedAt: unit.receivedAt,
                                               reason: reason, location: nil, raw: deadLetterRaw)
                    return .deadLettered(try await store.addDeadLetter(letter), reason: reason, location: nil)
                }
            }
            throw StoreError(operation: "commit", reason: "unreachable: a re-keyed unit was neither stored nor a duplicate")
        }
    }

    // MARK: Documents

    public func receiveDocument(_ bytes: [UInt8], name: String, from peer: String) async -> DocumentReceipt {
        let at = Self.isoText(clock())
        var receipt = DocumentReceipt()
        for reading in reader.read(document: bytes, name: name, from: peer, at: at) {
            switch reading {
            case .unit(_, let skipped, _), .deadLetter(_, let skipped):
                for item in skipped where !reader.assembler.policy.deadLetterKinds.contains(item.kind) {
                    receipt.skippedByKind[item.kind.rawValue, default: 0] += 1
                }
            }
            do {
                switch try await commit(reading) {
                case .stored: receipt.stored += 1
                case .duplicate: receipt.duplicates += 1
                case .deadLettered(let id, _, _): receipt.deadLettered.append(id)
                }
            } catch {
                receipt.failure = "store: \(error)"
                return receipt
            }
        }
        return receipt
    }

    // MARK: Dead letters

    /// What a retry did.
    public enum RetryOutcome: Sendable, Hashable {
        case stored(units: Int, duplicates: Int)
        case stillFailing(reason: String)
        case alreadyResolved
    }

    /// Reads a dead letter's bytes again (with the mappings as they are now) and stores it if it can now be
    /// used. The letter is resolved when every unit in it is stored (or already was).
    public func retry(_ id: DeadLetterID) async throws -> RetryOutcome {
        guard let letter = try await store.deadLetter(id) else { throw StoreError(operation: "retry", reason: "\(id) does not exist") }
        guard letter.state == .open else { return .alreadyResolved }
        let at = Self.isoText(clock())
        let readings: [UnitReading]
        if letter.letter.format == SourceFormat.hl7v2ER7.rawValue, let message = try? HL7Parser.parseMessage(letter.letter.raw) {
            readings = [reader.read(message, received: letter.letter.raw, from: letter.letter.receivedFrom, at: at)]
        } else {
            readings = reader.read(document: letter.letter.raw, name: "dead-letter-\(id.rawValue)", from: letter.letter.receivedFrom, at: at)
        }
        // Only the letter's own unit decides; other units of the same document (Bundle entries) are
        // committed too (idempotently) but resolve or fail their own letters.
        let own = letter.letter.key.flatMap { key in readings.first { $0.key == key } } ?? (readings.count == 1 ? readings.first : nil)
        var stored = 0
        var duplicates = 0
        var ownMessage: StoredMessageID?
        var ownFailure: (String, String?)?
        for reading in readings {
            let isOwn = own.map { $0.key == reading.key } ?? false
            if isOwn, case .deadLetter(let again, _) = reading {
                ownFailure = (again.reason, again.location)  // counted once, below, not as a new arrival
                continue
            }
            let outcome = try await commit(reading)
            switch outcome {
            case .stored(let m):
                stored += 1
                if isOwn { ownMessage = m }
            case .duplicate(let m):
                duplicates += 1
                if isOwn { ownMessage = m }
            case .deadLettered(let other, let reason, let location):
                if isOwn { ownFailure = (reason, location) }
                _ = other
            }
        }
        if own == nil { ownFailure = ("the letter's unit is no longer in its bytes as read now (no result of it maps)", nil) }
        if let (reason, location) = ownFailure {
            try await store.recordRetryFailure(id, reason: reason, location: location, at: at)
            return .stillFailing(reason: reason)
        }
        guard let ownMessage else {
            try await store.recordRetryFailure(id, reason: "no unit in the letter could be read", location: nil, at: at)
            return .stillFailing(reason: "no unit in the letter could be read")
        }
        try await store.resolveDeadLetter(id, as: ownMessage, at: at)
        return .stored(units: stored, duplicates: duplicates)
    }

    // MARK: Recompute

    public func recomputeDirty(limit: Int) async throws -> RecomputeSummary {
        var summary = RecomputeSummary()
        var remaining = limit
        while remaining > 0 {
            let dirty = try await store.dirtyPatients(limit: min(remaining, 256))
            if dirty.isEmpty { break }
            var progressed = false
            for patient in dirty {
                do {
                    let one = try await recompute(patient)
                    summary.patients += 1
                    summary.created += one.created
                    summary.amended += one.amended
                    summary.unchanged += one.unchanged
                    progressed = true
                } catch let error as StoreError where error.operation.hasPrefix("recompute") {
                    // One patient that cannot be recomputed (a payload this version cannot read, endless
                    // conflicts) must not stop the others: counted, left dirty, tried again next pass.
                    summary.failed.append("\(patient): \(error.reason)")
                }
            }
            remaining -= dirty.count
            if !progressed { break }
        }
        return summary
    }

    /// Recomputes until stopped (the task cancelled), woken by commits; for long-running services.
    ///
    /// Also wakes every `interval` seconds, for patients left dirty by another instance or a crash.
    /// After a pass it waits `spacing` seconds before the next one: commits arriving meanwhile are
    /// recomputed together, so a patient receiving a stream of results is recomputed a few times per
    /// second at most instead of once per message (each recompute reads the patient's whole record).
    /// An assessment therefore lags its data by at most about one pass plus `spacing`.
    /// `report` receives each pass's summary (and store errors), for logs and metrics.
    public func recomputeContinuously(interval: Double = 10, spacing: Double = 0.25,
                                      report: @escaping @Sendable (Result<RecomputeSummary, any Error>) -> Void = { _ in }) async {
        let ticker = Task { [changed] in
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(interval * 1_000_000_000))
                changed.yield()
            }
        }
        defer { ticker.cancel() }
        do { report(.success(try await recomputeDirty(limit: .max))) } catch { report(.failure(error)) }
        for await _ in changes {
            if Task.isCancelled { break }
            do { report(.success(try await recomputeDirty(limit: .max))) } catch { report(.failure(error)) }
            if spacing > 0 { try? await Task.sleep(nanoseconds: UInt64(spacing * 1_000_000_000)) }
        }
    }

    /// Stops `recomputeContinuously` after its current pass.
    public func finishRecomputing() { changed.finish() }

    /// Recomputes one patient: a kind whose result is unchanged writes nothing; a changed one is recorded
    /// as a new version whose RiskAssessment amends the earlier one.
    public func recompute(_ patient: StoredPatientID) async throws -> RecomputeSummary {
        for _ in 0..<5 {
            guard let snapshot = try await store.patient(patient) else {
                throw StoreError(operation: "recompute", reason: "\(patient) does not exist")
            }
            let now = clock()
            let kinds: [Recomputer.Kind]
            do {
                kinds = try recomputer.kinds(for: snapshot)
            } catch {
                throw StoreError(operation: "recompute \(patient)", reason: error.description)
            }
            let current = Dictionary(try await store.currentAssessments(patient: patient).map { ($0.kind, $0) }, uniquingKeysWith: { a, b in a.version > b.version ? a : b })
            var summary = RecomputeSummary()
            summary.patients = 1
            var drafts: [AssessmentDraft] = []
            for kind in kinds {
                let fingerprint = ContentHash.hex(kind.render(nil, Recomputer.fingerprintTime))
                let previous = current[kind.kind]
                if previous?.fingerprint == fingerprint {
                    summary.unchanged += 1
                    continue
                }
                let amendment = previous.flatMap { p in
                    p.resourceID.isEmpty ? nil : Amendment(replacedIdentifierSystem: kind.riskIdentifierSystem, replacedIdentifierValue: p.resourceID)
                }
                let resources = kind.render(amendment, now)
                drafts.append(AssessmentDraft(kind: kind.kind, version: (previous?.version ?? 0) + 1, fingerprint: fingerprint,
                                              resourceID: Recomputer.riskIdentifier(in: resources) ?? "", resource: resources))
                if amendment != nil { summary.amended += 1 } else { summary.created += 1 }
            }
            // A kind recorded before and not computable now (its TACE session withdrawn, say) must not stay
            // current: a version without RiskAssessment withdraws it from queries.
            let produced = Set(kinds.map(\.kind))
            for (kind, previous) in current where !produced.contains(kind) && previous.fingerprint != Self.withdrawnFingerprint {
                drafts.append(AssessmentDraft(kind: kind, version: previous.version + 1, fingerprint: Self.withdrawnFingerprint, resourceID: "",
                                              resource: Self.withdrawal(kind: kind, patient: patient, version: previous.version + 1)))
                summary.withdrawn += 1
            }
            switch try await store.recordAssessments(drafts, patient: patient, dataVersion: snapshot.dataVersion, at: Self.isoText(now)) {
            case .recorded: return summary
            case .versionConflict, .staleData: continue  // another recompute recorded first: read again
            }
        }
        throw StoreError(operation: "recompute \(patient)", reason: "assessments kept changing under concurrent writers (5 attempts)")
    }

    static let withdrawnFingerprint = "withdrawn"

    /// The entries of a withdrawn kind: one OperationOutcome saying why (no patient data).
    static func withdrawal(kind: String, patient: StoredPatientID, version: Int) -> [UInt8] {
        let uuid = StableID(["withdrawn", String(patient.rawValue), kind, String(version)]).uuid
        let text = "[{\"fullUrl\":\"urn:uuid:\(uuid)\",\"resource\":{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"information\","
            + "\"code\":\"informational\",\"diagnostics\":\"\(kind) is no longer computable from the stored data (for example the TACE "
            + "session it depended on was withdrawn or not performed): the earlier result is withdrawn\"}]}}]"
        return Array(text.utf8)
    }

    // MARK: Queries

    func patients(_ query: PatientQuery) async throws -> [StoredPatientID] {
        switch query {
        case .stored(let id): return [id]
        case .identifier(let identifier): return try await store.patients(with: identifier)
        }
    }

    public func riskAssessments(for patient: PatientQuery) async throws -> [[UInt8]] {
        var out: [[UInt8]] = []
        for id in try await patients(patient) {
            for a in try await store.currentAssessments(patient: id).sorted(by: { $0.kind < $1.kind }) {
                out += Recomputer.riskAssessments(in: a.resource)
            }
        }
        return out
    }

    public func assess(_ patient: PatientQuery) async throws -> [[UInt8]] {
        for id in try await patients(patient) { _ = try await recompute(id) }
        return try await riskAssessments(for: patient)
    }
}
