/// MSA-1 acknowledgment codes (HL7 table 0008, original mode).
public enum HL7AcknowledgmentCode: String, Sendable, Hashable {
    /// AA: processed.
    case accept = "AA"
    /// AE: processed with errors (the sender should fix and resend).
    case error = "AE"
    /// AR: rejected (unsupported type, event, version or processing id, or unparseable).
    case reject = "AR"
}

/// HL7 table 0357, message error condition codes.
public struct HL7ErrorCode: Sendable, Hashable, RawRepresentable {
    public var rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let messageAccepted = HL7ErrorCode(rawValue: 0)
    public static let segmentSequenceError = HL7ErrorCode(rawValue: 100)
    public static let requiredFieldMissing = HL7ErrorCode(rawValue: 101)
    public static let dataTypeError = HL7ErrorCode(rawValue: 102)
    public static let tableValueNotFound = HL7ErrorCode(rawValue: 103)
    /// From v2.6 on.
    public static let valueTooLong = HL7ErrorCode(rawValue: 104)
    public static let unsupportedMessageType = HL7ErrorCode(rawValue: 200)
    public static let unsupportedEventCode = HL7ErrorCode(rawValue: 201)
    public static let unsupportedProcessingID = HL7ErrorCode(rawValue: 202)
    public static let unsupportedVersionID = HL7ErrorCode(rawValue: 203)
    public static let unknownKeyIdentifier = HL7ErrorCode(rawValue: 204)
    public static let duplicateKeyIdentifier = HL7ErrorCode(rawValue: 205)
    public static let applicationRecordLocked = HL7ErrorCode(rawValue: 206)
    public static let applicationInternalError = HL7ErrorCode(rawValue: 207)

    /// The table's display text; nil for codes outside it (site-defined).
    public var text: String? {
        switch rawValue {
        case 0: return "Message accepted"
        case 100: return "Segment sequence error"
        case 101: return "Required field missing"
        case 102: return "Data type error"
        case 103: return "Table value not found"
        case 104: return "Value too long"
        case 200: return "Unsupported message type"
        case 201: return "Unsupported event code"
        case 202: return "Unsupported processing id"
        case 203: return "Unsupported version id"
        case 204: return "Unknown key identifier"
        case 205: return "Duplicate key identifier"
        case 206: return "Application record locked"
        case 207: return "Application internal error"
        default: return nil
        }
    }
}

/// ERR-4 severity (HL7 table 0516).
public enum HL7ErrorSeverity: String, Sendable, Hashable {
    case error = "E"
    case warning = "W"
    case information = "I"
}

/// Where an error is (ERL, ERR-2; in v2.3/2.4 the first three components of ERR-1).
public struct HL7ErrorLocation: Sendable, Hashable {
    /// Segment id, for example `OBX`.
    public var segmentID: String
    /// Which occurrence of that segment, 1 for the first.
    public var sequence: Int
    public var field: Int?
    public var fieldRepetition: Int?
    public var component: Int?
    public var subcomponent: Int?

    public init(
        segmentID: String, sequence: Int = 1, field: Int? = nil, fieldRepetition: Int? = nil,
        component: Int? = nil, subcomponent: Int? = nil
    ) {
        self.segmentID = segmentID
        self.sequence = sequence
        self.field = field
        self.fieldRepetition = fieldRepetition
        self.component = component
        self.subcomponent = subcomponent
    }
}

/// One problem reported in an acknowledgment's ERR segment.
public struct HL7AcknowledgmentError: Sendable, Hashable {
    public var code: HL7ErrorCode
    public var severity: HL7ErrorSeverity
    public var location: HL7ErrorLocation?
    /// Free text for the sender's support staff: ERR-7 (diagnostic
    /// information) from v2.5 on, MSA-3 (text message) before. Must not hold
    /// patient data: acknowledgments are logged by both sides.
    public var diagnostic: String?

    public init(code: HL7ErrorCode, severity: HL7ErrorSeverity = .error, location: HL7ErrorLocation? = nil, diagnostic: String? = nil) {
        self.code = code
        self.severity = severity
        self.location = location
        self.diagnostic = diagnostic
    }
}

/// Builds original-mode acknowledgments (ACK) for received messages.
///
/// The ACK's MSH swaps sending and receiving application and facility,
/// has MSH-9 `ACK^<trigger>^ACK`, the caller's control id and timestamp,
/// and the original processing id (MSH-11), version (MSH-12) and character
/// set (MSH-18). MSA-1 is AA, AE or AR and MSA-2 the original MSH-10.
/// Values taken from the original are copied byte for byte, so they keep
/// their escapes; the ACK uses the original's delimiters.
///
/// Errors are written the way the message's version expects:
/// - v2.5 and later (and when MSH-12 is absent or unreadable): one ERR per
///   error, ERR-2 location (`segment^sequence^field^repetition^component^subcomponent`),
///   ERR-3 code from table 0357 (`code^text^HL70357`), ERR-4 severity, ERR-7
///   diagnostic text;
/// - v2.3 and v2.4, where ERR has only ERR-1 (ELD): one ERR whose ERR-1
///   repeats per error as `segment^sequence^field^code&text&HL70357`;
///   severities cannot be expressed and diagnostics go to MSA-3.
///
/// An AE or AR given no error gets one ERR with code 207 (application
/// internal error) and no location, so the sender always sees a reason.
public enum HL7Acknowledgment {
    /// The ACK for `message` as ER7 bytes, each segment ended by CR;
    /// MLLP-framed when `mllp` is true.
    public static func build(
        for message: HL7Message, code: HL7AcknowledgmentCode, controlID: String, timestamp: String,
        errors: [HL7AcknowledgmentError] = [], mllp: Bool = false
    ) -> [UInt8] {
        build(forHeader: message.header, code: code, controlID: controlID, timestamp: timestamp, errors: errors, mllp: mllp)
    }

    /// The ACK for the message whose MSH is `header` (see `HL7Parser.parseHeader`
    /// for messages that do not parse beyond their MSH).
    public static func build(
        forHeader header: HL7Segment, code: HL7AcknowledgmentCode, controlID: String, timestamp: String,
        errors: [HL7AcknowledgmentError] = [], mllp: Bool = false
    ) -> [UInt8] {
        precondition(header.id == "MSH", "an acknowledgment is built from an MSH segment")
        let d = header.delimiters
        var out: [UInt8] = []
        out.reserveCapacity(256)
        let version = header[12].component(1).nonEmptyString.flatMap(HL7Version.init)
        let legacy = version.map { $0 < .v2_5 } ?? false

        // MSH
        out += "MSH".utf8
        out.append(d.field)
        out += d.encodingCharacters
        for raw in [header[5].rawBytes, header[6].rawBytes, header[3].rawBytes, header[4].rawBytes] {
            out.append(d.field)
            out += raw
        }
        out.append(d.field)
        out += HL7Escaping.encode(timestamp, delimiters: d)
        out.append(d.field)  // MSH-8 security
        out.append(d.field)
        out += "ACK".utf8
        out.append(d.component)
        out += header[9].component(2).rawBytes
        out.append(d.component)
        out += "ACK".utf8
        out.append(d.field)
        out += HL7Escaping.encode(controlID, delimiters: d)
        out.append(d.field)
        out += header[11].rawBytes
        out.append(d.field)
        out += header[12].rawBytes
        let characterSet = header[18]
        if !characterSet.isEmpty {
            for _ in 13...18 { out.append(d.field) }
            out += characterSet.rawBytes
        }
        out.append(ASCII.cr)

        var reported = errors
        if reported.isEmpty && code != .accept {
            reported = [HL7AcknowledgmentError(code: .applicationInternalError)]
        }

        // MSA
        out += "MSA".utf8
        out.append(d.field)
        out += code.rawValue.utf8
        out.append(d.field)
        out += header[10].rawBytes
        if legacy {
            let text = reported.compactMap(\.diagnostic).joined(separator: "; ")
            if !text.isEmpty {
                out.append(d.field)
                out += HL7Escaping.encode(text, delimiters: d)
            }
        }
        out.append(ASCII.cr)

        // ERR
        if legacy {
            if !reported.isEmpty {
                out += "ERR".utf8
                out.append(d.field)
                for (n, error) in reported.enumerated() {
                    if n > 0 { out.append(d.repetition) }
                    let location = error.location
                    out += HL7Escaping.encode(location?.segmentID ?? "", delimiters: d)
                    out.append(d.component)
                    if let location { out += String(location.sequence).utf8 }
                    out.append(d.component)
                    if let field = location?.field { out += String(field).utf8 }
                    out.append(d.component)
                    out += codedError(error.code, separator: d.subcomponent, delimiters: d)
                }
                out.append(ASCII.cr)
            }
        } else {
            for error in reported {
                out += "ERR".utf8
                out.append(d.field)  // ERR-1 (ELD) is withdrawn from v2.5 on
                out.append(d.field)
                if let location = error.location { out += errorLocation(location, delimiters: d) }
                out.append(d.field)
                out += codedError(error.code, separator: d.component, delimiters: d)
                out.append(d.field)
                out += error.severity.rawValue.utf8
                if let diagnostic = error.diagnostic {
                    for _ in 5...7 { out.append(d.field) }
                    out += HL7Escaping.encode(diagnostic, delimiters: d)
                }
                out.append(ASCII.cr)
            }
        }
        return mllp ? HL7MLLP.frame(out) : out
    }

    /// `code^text^HL70357` with `separator` between the parts.
    static func codedError(_ code: HL7ErrorCode, separator: UInt8, delimiters: HL7Delimiters) -> [UInt8] {
        var out = Array(String(code.rawValue).utf8)
        out.append(separator)
        if let text = code.text { out += HL7Escaping.encode(text, delimiters: delimiters) }
        out.append(separator)
        out += "HL70357".utf8
        return out
    }

    /// ERL components, trailing empty ones omitted.
    static func errorLocation(_ location: HL7ErrorLocation, delimiters d: HL7Delimiters) -> [UInt8] {
        var parts: [[UInt8]] = [HL7Escaping.encode(location.segmentID, delimiters: d), Array(String(location.sequence).utf8)]
        let optional = [location.field, location.fieldRepetition, location.component, location.subcomponent]
        if let last = optional.lastIndex(where: { $0 != nil }) {
            for n in optional[...last] { parts.append(n.map { Array(String($0).utf8) } ?? []) }
        }
        var out: [UInt8] = []
        for (i, part) in parts.enumerated() {
            if i > 0 { out.append(d.component) }
            out += part
        }
        return out
    }
}
