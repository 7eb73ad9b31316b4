/// A document that was refused, with the position where that was decided.
///
/// The input is usually patient data, so no property and no `description` ever
/// contains input text: libxml2's own messages quote names, values and encoding
/// names from the document, so they are never passed on. The reason is rebuilt
/// from libxml2's numeric error code (see `XMLDiagnostic.describe`).
public struct XMLParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// No bytes at all, or only whitespace / a byte-order mark.
        case emptyInput
        /// More bytes than `XMLLimits.maxInputBytes`; nothing was parsed.
        case inputTooLarge(limit: Int)
        /// A `<!DOCTYPE` declaration while `XMLLimits.allowDoctype` is false.
        case doctypeNotAllowed
        /// An `<!ENTITY …>` declaration (general, parameter or unparsed) while
        /// `XMLLimits.allowDoctype` is true: DOCTYPEs are then accepted, entities never.
        case entityDeclarationNotAllowed
        /// Elements nest deeper than `XMLLimits.maxDepth` (or libxml2's 256).
        case tooDeep(limit: Int)
        /// More elements plus attributes than `XMLLimits.maxNodes`.
        case tooManyNodes(limit: Int)
        /// Character data between two tags longer than `XMLLimits.maxTextBytes`, or
        /// an attribute value, comment or PI over libxml2's 10,000,000-byte limit.
        case textTooLong
        /// Bytes that are not valid in the document's encoding (e.g. invalid
        /// UTF-8), or an unknown or unsupported encoding declaration.
        case invalidEncoding(code: Int)
        /// The document is not well-formed XML; `code` is libxml2's `xmlParserErrors` value.
        case notWellFormed(code: Int)
        /// libxml2 could not allocate memory, or failed internally.
        case resourceFailure
    }

    public var reason: Reason
    /// 1-based line of the problem; 0 when it concerns the whole input (size, empty).
    public var line: Int
    /// 1-based column (in characters as libxml2 counts them); 0 when unknown.
    public var column: Int
    /// What went wrong, in words of our own; never contains document text.
    public var message: String

    public init(reason: Reason, line: Int, column: Int, message: String) {
        self.reason = reason
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        if line > 0 {
            return column > 0 ? "XML line \(line), column \(column): \(message)" : "XML line \(line): \(message)"
        }
        return "XML: \(message)"
    }
}

/// A libxml2 diagnostic that did not stop the parse, such as a namespace prefix
/// with no declaration. Like `XMLParseError`, it carries no document text.
public struct XMLDiagnostic: Sendable, Equatable, CustomStringConvertible {
    public enum Category: Sendable, Equatable {
        /// XML Namespaces problems: undeclared prefix, bad namespace URI, …
        case namespace
        /// Other XML well-formedness or syntax warnings.
        case syntax
        /// Anything else libxml2 reports (DTD, encoding, I/O).
        case other
    }

    public var category: Category
    /// libxml2's `xmlParserErrors` value.
    public var code: Int
    public var line: Int
    public var column: Int
    public var message: String

    public init(category: Category, code: Int, line: Int, column: Int, message: String) {
        self.category = category
        self.code = code
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        "XML line \(line), column \(column): \(message)"
    }
}
