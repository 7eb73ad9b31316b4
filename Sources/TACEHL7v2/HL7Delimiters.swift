/// The delimiters of one HL7 v2 message, as declared by its header:
/// MSH-1 is the field separator, MSH-2 the encoding characters in the fixed
/// order component, repetition, escape, subcomponent and, from v2.7 on, an
/// optional fifth truncation character (conventionally `#`).
public struct HL7Delimiters: Sendable, Hashable {
    public var field: UInt8
    public var component: UInt8
    public var repetition: UInt8
    public var escape: UInt8
    public var subcomponent: UInt8
    /// The v2.7+ truncation character, when MSH-2 has five characters.
    public var truncation: UInt8?

    public init(
        field: UInt8, component: UInt8, repetition: UInt8, escape: UInt8,
        subcomponent: UInt8, truncation: UInt8? = nil
    ) {
        self.field = field
        self.component = component
        self.repetition = repetition
        self.escape = escape
        self.subcomponent = subcomponent
        self.truncation = truncation
    }

    /// `|^~\&`, the delimiters nearly every sender uses.
    public static let standard = HL7Delimiters(
        field: UInt8(ascii: "|"), component: UInt8(ascii: "^"), repetition: UInt8(ascii: "~"),
        escape: UInt8(ascii: "\\"), subcomponent: UInt8(ascii: "&"))

    /// The MSH-2 bytes these delimiters are written as.
    public var encodingCharacters: [UInt8] {
        var out = [component, repetition, escape, subcomponent]
        if let truncation { out.append(truncation) }
        return out
    }

    /// Whether `byte` may serve as a delimiter: printable ASCII that is
    /// neither a letter, a digit nor a space.
    static func isAllowedDelimiter(_ byte: UInt8) -> Bool {
        guard byte > 0x20, byte < 0x7F else { return false }
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "a")...UInt8(ascii: "z"):
            return false
        default:
            return true
        }
    }
}
