import TACEStore

/// Commits units in batches: while one batch is being written, the units that arrive queue up and go
/// into the next, so many concurrent senders share one transaction (and one fsync) instead of one each.
/// Each caller resumes when its own unit is durable.
actor GroupCommitter {
    private let store: any ClinicalStore
    private let maxBatch: Int
    private var pending: [(unit: IncomingUnit, waiter: CheckedContinuation<CommitOutcome, any Error>)] = []
    private var draining = false

    init(store: any ClinicalStore, maxBatch: Int) {
        self.store = store
        self.maxBatch = max(1, maxBatch)
    }

    func commit(_ unit: IncomingUnit) async throws -> CommitOutcome {
        try await withCheckedThrowingContinuation { waiter in
            pending.append((unit, waiter))
            if !draining {
                draining = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(maxBatch))
            pending.removeFirst(batch.count)
            do {
                let outcomes = try await store.commit(batch.map(\.unit))
                guard outcomes.count == batch.count else {
                    throw StoreError(operation: "commit", reason: "the store answered \(outcomes.count) outcomes for \(batch.count) units")
                }
                for (entry, outcome) in zip(batch, outcomes) { entry.waiter.resume(returning: outcome) }
            } catch {
                // One unit the store cannot take must not fail the others queued with it: commit them one
                // by one, so each caller gets its own unit's outcome or error.
                for entry in batch {
                    do {
                        let outcome = try await store.commit([entry.unit])
                        guard outcome.count == 1 else {
                            throw StoreError(operation: "commit", reason: "the store answered \(outcome.count) outcomes for 1 unit")
                        }
                        entry.waiter.resume(returning: outcome[0])
                    } catch {
                        entry.waiter.resume(throwing: error)
                    }
                }
            }
        }
        draining = false
    }
}
