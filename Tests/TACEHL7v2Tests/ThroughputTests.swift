import Foundation
import Testing
import TACEHL7v2

/// Generated ORU^R01 lab messages (MSH, PID, PV1, ORC, OBR, 24 OBX, 4 NTE;
/// about 6 KB each) until `targetBytes`, CR-terminated.
func generatedORU(targetBytes: Int) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(targetBytes + 8192)
    let analytes = [("1751-7", "Albumin", "g/L"), ("1975-2", "Bilirubin", "umol/L"), ("6301-6", "INR", "{INR}"),
                    ("1742-6", "ALT", "U/L"), ("1920-8", "AST", "U/L"), ("1834-1", "AFP", "ug/L")]
    var n = 0
    while out.count < targetBytes {
        n += 1
        var m = "MSH|^~\\&|LABSYS^2.16.840.1.113883.3.72.7.1^ISO|CENTRAL LAB^2.16.840.1.113883.3.72.7.2^ISO|TACEBRIDGE|ONCOLOGY|20240304081500+0100||ORU^R01^ORU_R01|MSG\(n)|P|2.5.1|||AL|NE||UNICODE UTF-8\r"
        m += "PID|1||\(100000 + n)^^^HOSP&2.16.840.1.113883.19.3.2.1&ISO^MR~\(n)9876^^^NAT^NI||Patient\(n)^Test^A^^^^L||19600101|M|||1 Main St^^City^ST^12345^USA^H\r"
        m += "PV1|1|O|ONC^101^1^HOSP||||1234^Doctor^Alan^^^^^^HOSP&2.16.840.1.113883.19.4.6&ISO|||||||||||V\(n)\r"
        m += "ORC|RE|ORD\(n)^EHR^2.16.840.1.113883.3.72.5.24^ISO|FIL\(n)^LAB^2.16.840.1.113883.3.72.5.25^ISO||CM\r"
        m += "OBR|1|ORD\(n)^EHR^2.16.840.1.113883.3.72.5.24^ISO|FIL\(n)^LAB^2.16.840.1.113883.3.72.5.25^ISO|24362-6^Renal and hepatic function panel^LN|||20240304070000+0100|||||||||1234^Doctor^Alan||||||20240304080000+0100|||F\r"
        for k in 0..<24 {
            let (code, name, unit) = analytes[k % analytes.count]
            m += "OBX|\(k + 1)|NM|\(code)^\(name) [Mass/volume] in Serum or Plasma^LN^\(k)^\(name)^L||\((n * 7 + k) % 97).\(k % 10)|\(unit)^\(unit)^UCUM|10-50|N|||F|||20240304075900+0100|||||20240304080000+0100||||Central Lab^D^^^^CLIA&2.16.840.1.113883.4.7&ISO^XX^^^05D0897628\r"
            if k % 6 == 0 { m += "NTE|\(k + 1)|L|Result verified \\T\\ reviewed\\.br\\by lab staff\r" }
        }
        out += m.utf8
    }
    return out
}

@Suite struct ThroughputTests {
    @Test func generatedMessagesParse() throws {
        let input = generatedORU(targetBytes: 100_000)
        let parsed = try HL7Parser.parse(input)
        #expect(parsed.messages.count >= 10)
        #expect(parsed.messages[0].segments("OBX").count == 24)
        #expect(parsed.messages[0].string(at: "NTE-3") == "Result verified & reviewed\nby lab staff")
    }

    /// The hot path (segments and fields) on 64 MB of generated ORU^R01.
    /// Only with `TACE_HL7_BENCH=1`, and meaningful only in release:
    /// `TACE_HL7_BENCH=1 swift test -c release --filter ThroughputTests`.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["TACE_HL7_BENCH"] == "1"))
    func splitThroughputInRelease() throws {
        let input = generatedORU(targetBytes: 64 << 20)
        let clock = ContinuousClock()
        var best = Duration.seconds(1_000)
        for _ in 0..<5 {
            var segments = 0
            let elapsed = try clock.measure {
                segments = try HL7Parser.parse(input).messages.reduce(0) { $0 + $1.segments.count }
            }
            #expect(segments > 0)
            best = min(best, elapsed)
        }
        let seconds = Double(best.components.seconds) + Double(best.components.attoseconds) / 1e18
        let megabytesPerSecond = Double(input.count) / 1e6 / seconds
        print("HL7 v2 ER7 split: \(Int(megabytesPerSecond)) MB/s on \(input.count / 1_000_000) MB")
        #expect(megabytesPerSecond >= 300)
    }
}
