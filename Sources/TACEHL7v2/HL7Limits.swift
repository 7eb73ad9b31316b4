/// Upper bounds the parser enforces so that hostile or broken input fails
/// with an error instead of consuming unbounded time or memory.
///
/// The parser never copies field contents: its memory is the input buffer
/// plus one `Int` per field and one small record per segment. A field larger
/// than `maxFieldBytes` is refused as soon as the scan has passed the limit,
/// without looking for the field's end.
public struct HL7Limits: Sendable, Equatable {
    /// Largest message (MSH up to the next MSH or the end), in bytes.
    public var maxMessageBytes: Int
    /// Largest single field (between two field separators), in bytes.
    public var maxFieldBytes: Int
    /// Most segments in one message.
    public var maxSegmentsPerMessage: Int

    public static let `default` = HL7Limits()

    public init(
        maxMessageBytes: Int = 256 << 20,
        maxFieldBytes: Int = 64 << 20,
        maxSegmentsPerMessage: Int = 1_000_000
    ) {
        self.maxMessageBytes = maxMessageBytes
        self.maxFieldBytes = maxFieldBytes
        self.maxSegmentsPerMessage = maxSegmentsPerMessage
    }
}
