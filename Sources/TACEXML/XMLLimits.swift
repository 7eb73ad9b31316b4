/// Resource limits and safety switches applied while parsing. Each one turns a
/// hostile or broken input into an `XMLParseError` rather than unbounded memory
/// use, a crash, or a read from disk or network.
///
/// Limits that libxml2 itself enforces (we never pass `XML_PARSE_HUGE`) and that
/// are therefore not repeated here:
/// - one attribute value, comment or processing instruction: at most
///   10,000,000 bytes (`XML_MAX_TEXT_LENGTH`) → `.textTooLong`;
/// - one name: at most 50,000 bytes;
/// - nesting: at most 256 open elements (`xmlParserMaxDepth`), so a `maxDepth`
///   above 256 behaves as 256.
public struct XMLLimits: Sendable, Equatable {
    /// Largest accepted input, in bytes. Checked before libxml2 sees a byte.
    /// Values above `Int32.max` behave as `Int32.max` (libxml2 takes an `int`).
    public var maxInputBytes: Int
    /// Deepest accepted element nesting; the root element has depth 1.
    /// Checked as each start tag is read, so a 100,000-deep document stops at
    /// depth `maxDepth + 1` without building the rest.
    public var maxDepth: Int
    /// Longest run of character data between two tags, in bytes (after
    /// character references are decoded). libxml2 2.9 does not bound a single
    /// text node by itself (a 100 MB one parses), so this is ours.
    public var maxTextBytes: Int
    /// Most elements plus attributes in one document. Bounds the tree's memory
    /// (libxml2 spends roughly 120-220 bytes per element or attribute).
    public var maxNodes: Int
    /// Whether a `<!DOCTYPE …>` declaration is accepted at all. `false` (the
    /// default) refuses the document as soon as the declaration is seen, which
    /// rules out entity-expansion bombs (billion laughs, quadratic blowup),
    /// external entities (XXE) and parameter entities before any of them is read.
    /// With `true`, a DOCTYPE is accepted but any entity declaration in it is
    /// still refused (`.entityDeclarationNotAllowed`), the external DTD it names
    /// is never loaded, and nothing is validated or defaulted from it.
    public var allowDoctype: Bool
    /// Most warnings kept on `XMLDocument.warnings` (the rest are only counted).
    public var maxWarnings: Int

    public static let `default` = XMLLimits()

    public init(
        maxInputBytes: Int = 256 << 20,
        maxDepth: Int = 256,
        maxTextBytes: Int = 10_000_000,
        maxNodes: Int = 10_000_000,
        allowDoctype: Bool = false,
        maxWarnings: Int = 100
    ) {
        self.maxInputBytes = maxInputBytes
        self.maxDepth = maxDepth
        self.maxTextBytes = maxTextBytes
        self.maxNodes = maxNodes
        self.allowDoctype = allowDoctype
        self.maxWarnings = maxWarnings
    }
}

/// Repairs applied after parsing for documents that are not namespace-well-formed
/// or carry no namespace at all, such as the C-CDA section fragments that have
/// neither `xmlns="urn:hl7-org:v3"` nor a binding for their `xsi:` prefix.
///
/// The repair changes only namespace bindings of names in the tree, never text
/// or attribute values; every libxml2 namespace diagnostic stays on
/// `XMLDocument.warnings`, so a caller can still see the input was not clean.
public struct XMLNamespaceRepair: Sendable, Equatable {
    /// Namespace given to every element that has none (attributes without a
    /// prefix stay in no namespace, as XML Namespaces specifies).
    public var defaultElementNamespace: String?
    /// Prefix → namespace URI, bound for element and attribute names that use a
    /// prefix with no declaration in scope (libxml2 keeps such a name as the
    /// literal `prefix:local` in no namespace).
    public var undeclaredPrefixes: [String: String]

    public init(defaultElementNamespace: String? = nil, undeclaredPrefixes: [String: String] = [:]) {
        self.defaultElementNamespace = defaultElementNamespace
        self.undeclaredPrefixes = undeclaredPrefixes
    }
}
