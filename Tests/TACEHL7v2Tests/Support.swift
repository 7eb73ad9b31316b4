import Testing
import TACEHL7v2

/// `s` as bytes, with `\r` kept: tests write segment terminators explicitly.
func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

func parse(_ s: String, limits: HL7Limits = .default) throws(HL7ParseError) -> HL7Interchange {
    try HL7Parser.parse(bytes(s), limits: limits)
}

func message(_ s: String) throws(HL7ParseError) -> HL7Message {
    try HL7Parser.parseMessage(bytes(s))
}

/// The error thrown by parsing `input`, or nil if it parsed.
func parseError(_ input: [UInt8], limits: HL7Limits = .default) -> HL7ParseError? {
    do {
        _ = try HL7Parser.parse(input, limits: limits)
        return nil
    } catch {
        return error
    }
}

func parseError(_ input: String, limits: HL7Limits = .default) -> HL7ParseError? {
    parseError(bytes(input), limits: limits)
}

/// A small ORU^R01 in the style of a hospital lab feed, CR-terminated.
let sampleORU = [
    "MSH|^~\\&|LAB^1.2.3^ISO|HOSP|TACE|ONCO|20240304081500+0100||ORU^R01^ORU_R01|MSG00042|P|2.5.1|||AL|NE||UNICODE UTF-8",
    "PID|1||12345^^^HOSP&1.2.840.99&ISO^MR~987^^^NAT^NI||Dupont^Jean||19600101|M",
    "OBR|1||ORD1|24362-6^Liver panel^LN|||20240304070000",
    "OBX|1|NM|1751-7^Albumin^LN||38.5|g/L^gram per liter^UCUM|35-52|N|||F|||20240304075900+0100",
    "OBX|2|ST|1975-2^Bilirubin^LN||12 \\T\\ 14 \\S\\ high\\.br\\second line|umol/L|||||C",
    "NTE|1||Comment with \\F\\ pipe and \\E\\ backslash \\X43C3A9\\ \\H\\bold\\N\\",
].joined(separator: "\r") + "\r"
