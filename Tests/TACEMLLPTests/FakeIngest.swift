import Synchronization
import TACEHL7v2
import TACEIngest
import TACEStore

/// A ClinicalIngest that keeps received messages in memory: AA for a readable MSH, AR otherwise, a resend
/// (same MSH-10) is a duplicate. `delay` makes each commit slow, to test ordering and draining.
final class FakeIngest: ClinicalIngest {
    let delay: Duration
    private let state = Mutex<(messages: [[UInt8]], controlIDs: [String: Int])>(([], [:]))

    init(delay: Duration = .zero) { self.delay = delay }

    var received: [[UInt8]] { state.withLock { $0.messages } }
    var storedCount: Int { state.withLock { $0.controlIDs.count } }

    func receiveHL7v2(_ message: [UInt8], from peer: String) async -> HL7v2Receipt {
        if delay > .zero { try? await Task.sleep(for: delay) }
        guard let header = try? HL7Parser.parseHeader(message) else {
            return HL7v2Receipt(outcome: .refused, ack: Array("MSH|^~\\&|||||x||ACK|1|P|2.5\rMSA|AR|\r".utf8), reason: "no MSH")
        }
        let control = header[10].string
        let outcome: HL7v2Receipt.Outcome = state.withLock { s in
            s.messages.append(message)
            if let id = s.controlIDs[control] { return .duplicate(of: StoredMessageID(rawValue: Int64(id))) }
            let id = s.controlIDs.count + 1
            s.controlIDs[control] = id
            return .stored(StoredMessageID(rawValue: Int64(id)))
        }
        let ack = HL7Acknowledgment.build(forHeader: header, code: .accept, controlID: "A" + control, timestamp: "20250101000000")
        return HL7v2Receipt(outcome: outcome, ack: ack, reason: nil)
    }

    func receiveDocument(_ bytes: [UInt8], name: String, from peer: String) async -> DocumentReceipt { DocumentReceipt() }
    func riskAssessments(for patient: PatientQuery) async throws -> [[UInt8]] { [] }
    func assess(_ patient: PatientQuery) async throws -> [[UInt8]] { [] }
    func recomputeDirty(limit: Int) async throws -> RecomputeSummary { RecomputeSummary() }
}

/// A minimal ORU^R01 with control id `control`.
func oru(_ control: String) -> [UInt8] {
    Array("MSH|^~\\&|LAB|HOSP|TACE|HOSP|20250101120000||ORU^R01|\(control)|P|2.5\rPID|1||123^^^HOSP^MR\rOBX|1|NM|1751-7^Albumin^LN||35|g/L|||||F\r".utf8)
}
