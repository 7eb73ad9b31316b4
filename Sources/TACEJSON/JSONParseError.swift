/// A parse failure with its position.
///
/// The input is usually patient data, so neither `description` nor any other
/// property ever contains input text: only positions, the kind of problem and,
/// for structural ASCII punctuation (`{ } [ ] , : "`), the offending byte.
public struct JSONParseError: Error, Sendable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// The input ended in the middle of a value.
        case unexpectedEnd
        /// A byte that cannot appear at this position (outside strings).
        case unexpectedByte(UInt8)
        /// A string contains bytes that are not well-formed UTF-8 (RFC 3629).
        case invalidUTF8
        /// A backslash escape is malformed, or a `\u` escape is a lone surrogate.
        case invalidEscape
        /// A string contains an unescaped byte below 0x20.
        case controlCharacterInString
        /// A number token breaks the RFC 8259 grammar (`01`, `+1`, `.5`, `1.`, `1e`, `-`).
        case invalidNumber
        /// A number token is longer than `JSONLimits.maxNumberDigits`.
        case numberTooLong
        /// Objects/arrays nest deeper than `JSONLimits.maxDepth`.
        case tooDeep(limit: Int)
        /// A string is longer than `JSONLimits.maxStringBytes`.
        case stringTooLong
        /// Non-whitespace content follows the value (and `allowTrailing` was false).
        case trailingContent
        /// The input holds no value at all (empty, only whitespace, or only a BOM).
        case emptyInput
        /// The input is 4 GiB or larger; offsets are stored in 32 bits.
        case inputTooLarge
    }

    /// Where the parser was when it failed; only used to word `description`.
    enum Context: Sendable {
        case none, value, string, number, literal, objectKey, objectColon, objectNext, arrayNext
    }

    public var reason: Reason
    /// 0-based offset into the input (a leading BOM counts).
    public var byteOffset: Int
    /// 1-based line (lines end at `\n`).
    public var line: Int
    /// 1-based column, in bytes.
    public var column: Int
    var context: Context

    public init(reason: Reason, byteOffset: Int, line: Int, column: Int) {
        self.init(reason: reason, byteOffset: byteOffset, line: line, column: column, context: .none)
    }

    init(reason: Reason, byteOffset: Int, line: Int, column: Int, context: Context) {
        self.reason = reason
        self.byteOffset = byteOffset
        self.line = line
        self.column = column
        self.context = context
    }

    public var description: String {
        "line \(line), column \(column): \(message)"
    }

    private var message: String {
        switch reason {
        case .unexpectedEnd:
            switch context {
            case .string: return "unexpected end of input inside a string"
            case .number: return "unexpected end of input inside a number"
            case .literal: return "unexpected end of input inside a literal"
            case .objectKey, .objectColon, .objectNext: return "unexpected end of input inside an object"
            case .arrayNext: return "unexpected end of input inside an array"
            case .value, .none: return "unexpected end of input where a value was expected"
            }
        case .unexpectedByte(let byte):
            let what = "unexpected " + Self.describe(byte: byte)
            switch context {
            case .objectKey: return what + ", expected a string key"
            case .objectColon: return what + ", expected ':'"
            case .objectNext: return what + ", expected ',' or '}'"
            case .arrayNext: return what + ", expected ',' or ']'"
            case .value: return what + ", expected a value"
            case .literal: return what + " in a literal (true, false or null)"
            case .string, .number, .none: return what
            }
        case .invalidUTF8: return "invalid UTF-8 in a string"
        case .invalidEscape: return "invalid escape sequence in a string"
        case .controlCharacterInString: return "unescaped control character in a string"
        case .invalidNumber: return "invalid number"
        case .numberTooLong: return "number token is too long"
        case .tooDeep(let limit): return "nesting deeper than the limit of \(limit)"
        case .stringTooLong: return "string is longer than the limit"
        case .trailingContent: return "unexpected content after the JSON value"
        case .emptyInput: return "empty input, no JSON value"
        case .inputTooLarge: return "input is too large (4 GiB or more)"
        }
    }

    /// Names a byte without revealing content: structural punctuation is shown,
    /// letters, digits and everything else are not.
    static func describe(byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "["), UInt8(ascii: "]"),
             UInt8(ascii: ","), UInt8(ascii: ":"), UInt8(ascii: "\""):
            return "byte \(hex(byte)) '\(Character(Unicode.Scalar(byte)))'"
        case 0x20, 0x09, 0x0A, 0x0D:
            return "whitespace"
        case 0..<0x20, 0x7F:
            return "control character"
        case 0x80...:
            return "non-ASCII byte"
        default:
            return "character"
        }
    }

    static func hex(_ byte: UInt8) -> String {
        let digits: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", "D", "E", "F"]
        return "0x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0xF)])
    }
}

/// 1-based line and byte column of `offset` (clamped to the buffer).
func computeLineColumn(in bytes: UnsafeBufferPointer<UInt8>, offset: Int) -> (line: Int, column: Int) {
    let limit = max(0, min(offset, bytes.count))
    var line = 1
    var lineStart = 0
    var i = 0
    while i < limit {
        if bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        i += 1
    }
    return (line, limit - lineStart + 1)
}
