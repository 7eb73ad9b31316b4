extension HL7Acknowledgment {
    /// An ACK for bytes that may not parse as a message (a junk frame, an oversized one cut off, a
    /// malformed message): built from their MSH when that line is readable, else a minimal ACK with the
    /// standard delimiters, no MSA-2 (the control id is unknown) and one v2.5 ERR per error (ERR-3 code
    /// from table 0357, ERR-4 severity, ERR-7 diagnostic), so the sender always reads why.
    public static func build(
        forUnparsed bytes: [UInt8], code: HL7AcknowledgmentCode, controlID: String, timestamp: String,
        errors: [HL7AcknowledgmentError]
    ) -> [UInt8] {
        if let header = try? HL7Parser.parseHeader(bytes) {
            return build(forHeader: header, code: code, controlID: controlID, timestamp: timestamp, errors: errors)
        }
        let d = HL7Delimiters.standard
        var out = Array("MSH|^~\\&|||||".utf8)
        out += HL7Escaping.encode(timestamp, delimiters: d)
        out += "||ACK|".utf8
        out += HL7Escaping.encode(controlID, delimiters: d)
        out += "|P|2.5\rMSA|\(code.rawValue)|\r".utf8
        let reported = errors.isEmpty && code != .accept ? [HL7AcknowledgmentError(code: .applicationInternalError)] : errors
        for error in reported {
            out += "ERR|||\(error.code.rawValue)^".utf8
            out += HL7Escaping.encode(error.code.text ?? "", delimiters: d)
            out += "^HL70357|\(error.severity.rawValue)".utf8
            if let diagnostic = error.diagnostic {
                out += "|||".utf8
                out += HL7Escaping.encode(diagnostic, delimiters: d)
            }
            out.append(0x0D)
        }
        return out
    }
}
