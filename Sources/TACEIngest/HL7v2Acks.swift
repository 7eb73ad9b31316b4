import TACEHL7v2
import TACEModel

/// ACKs for received HL7 v2 messages, including those whose MSH cannot be read.
enum HL7v2Acks {
    /// An ACK for `bytes`: built from its MSH when readable, otherwise a minimal AR.
    static func build(for bytes: [UInt8], message: HL7Message?, code: HL7AcknowledgmentCode, errors: [HL7AcknowledgmentError],
                      at: ClinicalTime) -> [UInt8] {
        let timestamp = hl7Timestamp(at)
        let controlID = "TB" + ContentHash.hex(bytes + Array(timestamp.utf8)).prefix(18)
        if let message {
            return HL7Acknowledgment.build(for: message, code: code, controlID: controlID, timestamp: timestamp, errors: errors)
        }
        return HL7Acknowledgment.build(forUnparsed: bytes, code: code, controlID: controlID, timestamp: timestamp, errors: errors)
    }

    /// HL7 v2 DTM in UTC: `YYYYMMDDHHMMSS+0000`.
    static func hl7Timestamp(_ t: ClinicalTime) -> String {
        let seconds = Int(t.epochSeconds.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let (y, m, d) = ClinicalTimeFormat.civilFromDays(days)
        let s = seconds - days * 86_400
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return String(y) + two(m) + two(d) + two(s / 3600) + two(s % 3600 / 60) + two(s % 60) + "+0000"
    }

    /// The ERR location of a reader location text such as `message 1, OBX[2] (segment 5), OBX-6`:
    /// the first `SEG[n]` gives segment and occurrence, the first `SEG-f` the field.
    static func location(_ text: String?) -> HL7ErrorLocation? {
        guard let text else { return nil }
        let b = Array(text.utf8)
        func isSegmentChar(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) }
        var segment: String?
        var occurrence = 1
        var field: Int?
        var i = 0
        while i + 3 < b.count {
            let isID = (b[i] >= 0x41 && b[i] <= 0x5A) && isSegmentChar(b[i + 1]) && isSegmentChar(b[i + 2]) && (i == 0 || !isSegmentChar(b[i - 1]))
            if isID {
                let id = String(decoding: b[i..<(i + 3)], as: UTF8.self)
                let next = b[i + 3]
                var j = i + 4
                var n = 0
                var digits = false
                while j < b.count, b[j] >= 0x30, b[j] <= 0x39 {
                    n = n * 10 + Int(b[j] - 0x30)
                    digits = true
                    j += 1
                }
                if next == UInt8(ascii: "["), digits, segment == nil {
                    segment = id
                    occurrence = max(1, n)
                } else if next == UInt8(ascii: "-"), digits, field == nil, segment == nil || segment == id {
                    segment = segment ?? id
                    field = n
                }
            }
            i += 1
        }
        guard let segment else { return nil }
        return HL7ErrorLocation(segmentID: segment, sequence: occurrence, field: field)
    }
}
