/// Resource limits applied while parsing. Every limit turns a hostile or broken
/// input into a `JSONParseError` instead of unbounded memory use or a crash.
public struct JSONLimits: Sendable, Equatable {
    /// Maximum nesting of objects and arrays. `[]` has depth 1, a scalar depth 0.
    /// Deeper input fails with `.tooDeep(limit:)`; the parser is iterative, so
    /// this limit only bounds memory, it is not needed to protect the stack.
    public var maxDepth: Int
    /// Maximum length of one string (or key), counted in raw input bytes between
    /// the quotes (escapes count as written).
    public var maxStringBytes: Int
    /// Maximum length of one number token in characters (sign, digits, `.`, exponent).
    public var maxNumberDigits: Int

    public static let `default` = JSONLimits()

    public init(maxDepth: Int = 256, maxStringBytes: Int = 64 << 20, maxNumberDigits: Int = 64) {
        self.maxDepth = maxDepth
        self.maxStringBytes = maxStringBytes
        self.maxNumberDigits = maxNumberDigits
    }
}
