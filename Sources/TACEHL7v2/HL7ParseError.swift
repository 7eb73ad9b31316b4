/// A parse failure with its position.
///
/// HL7 v2 input is patient data, so neither `description` nor any property
/// holds input text: only positions, the kind of problem, segment ids (three
/// letters or digits, and only when they are well formed) and, for delimiter
/// problems, the delimiter characters themselves.
public struct HL7ParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// The input is empty or holds only blank lines and a BOM.
        case emptyInput
        /// No MSH where one was expected: the input (or an MLLP frame) does
        /// not start with MSH, FHS or BHS, or a segment sits outside any
        /// message (for example after BTS).
        case noMessageHeader
        /// MSH-1 or MSH-2 (or FHS/BHS-1/2) is missing or unusable:
        /// `detail` says why, quoting only the delimiter characters.
        case invalidDelimiters(detail: String)
        /// The MSH ends before MSH-12 (version id): message type, control id,
        /// processing id and version are all required.
        case truncatedHeader(fieldCount: Int)
        /// A line is not a segment: its id is not three upper-case letters or
        /// digits followed by the field separator or the end of the line.
        case invalidSegmentID
        /// A control byte (NUL, and the other C0 controls except TAB, CR, LF
        /// and ESC) where text was expected.
        case binaryData(byte: UInt8)
        /// A field is larger than `HL7Limits.maxFieldBytes`.
        case fieldTooLarge(limit: Int)
        /// A message is larger than `HL7Limits.maxMessageBytes`.
        case messageTooLarge(limit: Int)
        /// A message has more segments than `HL7Limits.maxSegmentsPerMessage`.
        case tooManySegments(limit: Int)
        /// An MLLP frame (0x0B) has no end block (0x1C).
        case unterminatedMLLPFrame
        /// Bytes other than blank lines between MLLP frames.
        case invalidMLLPFraming
        /// `parseMessage` was given input holding more than one message.
        case multipleMessages(count: Int)
        /// The input is 4 GiB or larger; offsets are stored in 32 bits.
        case inputTooLarge
    }

    public var reason: Reason
    /// 1-based index of the message in the input (MSH order, across MLLP
    /// frames and batches); nil when the problem is outside any message.
    public var messageIndex: Int?
    /// 1-based index of the segment within its message (MSH is 1).
    public var segmentIndex: Int?
    /// The segment id, only when it is well formed.
    public var segmentID: String?
    /// The field number in HL7 numbering (MSH-1 is the field separator).
    public var field: Int?
    /// 0-based byte offset into the input (a BOM and MLLP bytes count).
    public var byteOffset: Int
    /// 1-based line; lines end at CR, LF or CRLF.
    public var line: Int
    /// 1-based column in bytes.
    public var column: Int

    public init(
        reason: Reason, messageIndex: Int? = nil, segmentIndex: Int? = nil, segmentID: String? = nil,
        field: Int? = nil, byteOffset: Int, line: Int, column: Int
    ) {
        self.reason = reason
        self.messageIndex = messageIndex
        self.segmentIndex = segmentIndex
        self.segmentID = segmentID
        self.field = field
        self.byteOffset = byteOffset
        self.line = line
        self.column = column
    }

    public var description: String {
        var place: [String] = []
        if let messageIndex { place.append("message \(messageIndex)") }
        if let segmentIndex {
            place.append("segment \(segmentIndex)" + (segmentID.map { " (\($0))" } ?? ""))
        } else if let segmentID {
            place.append("segment \(segmentID)")
        }
        if let field { place.append("field " + (segmentID.map { "\($0)-\(field)" } ?? "\(field)")) }
        place.append("line \(line), column \(column) (byte \(byteOffset))")
        return place.joined(separator: ", ") + ": " + message
    }

    private var message: String {
        switch reason {
        case .emptyInput: return "no HL7 v2 content (empty input)"
        case .noMessageHeader: return "expected an MSH segment (or an FHS/BHS batch header) here"
        case .invalidDelimiters(let detail): return "invalid delimiters: " + detail
        case .truncatedHeader(let count):
            return "truncated MSH: it ends after MSH-\(count), before MSH-12 (version id)"
        case .invalidSegmentID:
            return "not a segment: a segment starts with a three-character id (A-Z, 0-9) and the field separator"
        case .binaryData(let byte):
            let hex = String(byte, radix: 16, uppercase: true)
            return "binary data: control byte 0x\(hex.count == 1 ? "0" + hex : hex) where text was expected"
        case .fieldTooLarge(let limit): return "field larger than the limit of \(limit) bytes"
        case .messageTooLarge(let limit): return "message larger than the limit of \(limit) bytes"
        case .tooManySegments(let limit): return "message has more than \(limit) segments"
        case .unterminatedMLLPFrame: return "MLLP frame started (0x0B) but never ended (0x1C)"
        case .invalidMLLPFraming: return "unexpected bytes between MLLP frames"
        case .multipleMessages(let count): return "expected one message, found \(count)"
        case .inputTooLarge: return "input of 4 GiB or more"
        }
    }
}

extension HL7ParseError.Reason {
    /// A stable short name for logs and metrics.
    public var name: String {
        switch self {
        case .emptyInput: return "emptyInput"
        case .noMessageHeader: return "noMessageHeader"
        case .invalidDelimiters: return "invalidDelimiters"
        case .truncatedHeader: return "truncatedHeader"
        case .invalidSegmentID: return "invalidSegmentID"
        case .binaryData: return "binaryData"
        case .fieldTooLarge: return "fieldTooLarge"
        case .messageTooLarge: return "messageTooLarge"
        case .tooManySegments: return "tooManySegments"
        case .unterminatedMLLPFrame: return "unterminatedMLLPFrame"
        case .invalidMLLPFraming: return "invalidMLLPFraming"
        case .multipleMessages: return "multipleMessages"
        case .inputTooLarge: return "inputTooLarge"
        }
    }
}
