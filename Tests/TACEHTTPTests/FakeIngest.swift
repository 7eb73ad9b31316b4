import Synchronization
import TACEIngest
import TACEStore

/// A ClinicalIngest for the HTTP routes: records what it was asked and answers from fixed data.
final class FakeIngest: ClinicalIngest {
    struct Calls {
        var documents: [(bytes: [UInt8], name: String, peer: String)] = []
        var queries: [PatientQuery] = []
        var assessed: [PatientQuery] = []
    }
    private let calls = Mutex(Calls())
    let documentReceipt: DocumentReceipt
    let assessments: [[UInt8]]
    let fails: Bool

    init(documentReceipt: DocumentReceipt = DocumentReceipt(), assessments: [[UInt8]] = [], fails: Bool = false) {
        self.documentReceipt = documentReceipt
        self.assessments = assessments
        self.fails = fails
    }

    var recorded: Calls { calls.withLock { $0 } }

    struct Failure: Error {}

    func receiveHL7v2(_ message: [UInt8], from peer: String) async -> HL7v2Receipt {
        HL7v2Receipt(outcome: .refused, ack: [], reason: nil)
    }
    func receiveDocument(_ bytes: [UInt8], name: String, from peer: String) async -> DocumentReceipt {
        calls.withLock { $0.documents.append((bytes, name, peer)) }
        return documentReceipt
    }
    func riskAssessments(for patient: PatientQuery) async throws -> [[UInt8]] {
        calls.withLock { $0.queries.append(patient) }
        if fails { throw Failure() }
        return assessments
    }
    func assess(_ patient: PatientQuery) async throws -> [[UInt8]] {
        calls.withLock { $0.assessed.append(patient) }
        if fails { throw Failure() }
        return assessments
    }
    func recomputeDirty(limit: Int) async throws -> RecomputeSummary { RecomputeSummary() }
}
