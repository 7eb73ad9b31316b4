#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import TACEHL7v2

/// ACKs the listener writes itself, for frames that never reach the ingest layer (oversized frames).
enum ListenerAcknowledgment {
    /// AR with one ERR (207, application internal error) saying the frame was over the limit. Built with
    /// TACEHL7v2's ACK builder when the frame's first line is a readable MSH, else a minimal AR with the
    /// default delimiters and no MSA-2 (the control id is unknown).
    static func oversized(header: [UInt8], length: Int, limit: Int) -> [UInt8] {
        let error = HL7AcknowledgmentError(code: .applicationInternalError,
                                           diagnostic: "message of \(length) bytes exceeds the listener's frame limit of \(limit) bytes")
        return reject(header: header, error: error)
    }

    /// AR for the message whose first line is `header`.
    static func reject(header: [UInt8], error: HL7AcknowledgmentError) -> [UInt8] {
        HL7Acknowledgment.build(forUnparsed: header, code: .reject, controlID: controlID(), timestamp: timestamp(), errors: [error])
    }

    private static let sequence = Atomic<Int>(0)

    /// A control id unique within this process: `TB` + start time + a sequence number.
    static func controlID() -> String {
        let n = sequence.add(1, ordering: .relaxed).newValue
        return "TBL\(processStart)\(n)"
    }

    private static let processStart: Int = Int(time(nil))

    /// Now in UTC as an HL7 TS: YYYYMMDDHHMMSS+0000.
    static func timestamp() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return pad(parts.tm_year + 1900, 4) + pad(parts.tm_mon + 1, 2) + pad(parts.tm_mday, 2)
            + pad(parts.tm_hour, 2) + pad(parts.tm_min, 2) + pad(parts.tm_sec, 2) + "+0000"
    }
}
