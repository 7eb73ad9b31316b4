import CLibXML2

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A parsed XML document: libxml2's tree, owned by this object and freed with it.
///
/// Parse with `XMLDocument.parse(_:limits:namespaceRepair:)`; read it through
/// `root` (an `XMLNode`), `select(_:namespaces:from:)` and `string(_:namespaces:from:)`.
///
/// Not `Sendable`: a libxml2 tree has no locks, libxml2 does not document
/// concurrent reads of one tree as safe, and `XMLNode` hands out views into it
/// freely. Use a document within one task; parse again (it is fast) to use one
/// elsewhere. Separate documents may be parsed and queried in parallel.
public final class XMLDocument {
    let pointer: xmlDocPtr

    /// Diagnostics that did not refuse the document (at most
    /// `XMLLimits.maxWarnings`), e.g. namespace prefixes with no declaration.
    public let warnings: [XMLDiagnostic]
    /// How many diagnostics there were in all, including those not kept.
    public let warningCount: Int

    init(pointer: xmlDocPtr, warnings: [XMLDiagnostic], warningCount: Int) {
        self.pointer = pointer
        self.warnings = warnings
        self.warningCount = warningCount
    }

    deinit {
        xmlFreeDoc(pointer)
    }

    /// The root element (nil only for a document that has none, which `parse` refuses).
    public var root: XMLNode? {
        guard let node = xmlDocGetRootElement(pointer) else { return nil }
        return XMLNode(document: self, pointer: node)
    }

    /// True when libxml2 reported no namespace problem (every prefix was declared, …).
    public var isNamespaceWellFormed: Bool {
        !warnings.contains { $0.category == .namespace }
    }
}

// MARK: - Parsing

extension XMLDocument {
    /// The libxml2 options every parse uses, and why:
    /// - `NONET`: never touch the network, whatever else happens;
    /// - `NOCDATA`: CDATA sections become ordinary text nodes, so readers and
    ///   XPath `text()` see one kind of text whichever way it was written;
    /// - `COMPACT`: short text stored inline in the node, fewer allocations;
    /// - `BIG_LINES`: correct line numbers past 65,535 (big generated documents).
    /// Never used: `NOENT` (substitutes entities and loads external ones),
    /// `DTDLOAD`, `DTDATTR`, `DTDVALID` (read external DTDs), `XINCLUDE`
    /// (reads other files), `HUGE` (lifts libxml2's size and depth limits),
    /// `RECOVER` (builds a tree from broken input as if it were fine).
    static let parseOptions: Int32 = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_COMPACT.rawValue
            | XML_PARSE_BIG_LINES.rawValue
    )

    /// Parses `bytes` (any encoding libxml2 detects from a BOM or the XML
    /// declaration; UTF-8 by default) into a tree, or refuses it.
    ///
    /// Nothing is ever read from disk or network: no DTD, no external entity, no
    /// XInclude. A document with a `<!DOCTYPE` is refused unless
    /// `limits.allowDoctype`. Namespace problems (an unbound `xsi:` prefix) do
    /// not refuse the document: they are listed in `warnings`, and
    /// `namespaceRepair` can bind the names after parsing.
    public static func parse(
        _ bytes: [UInt8],
        limits: XMLLimits = .default,
        namespaceRepair: XMLNamespaceRepair? = nil
    ) throws(XMLParseError) -> XMLDocument {
        LibXML2.prepare()
        let maxBytes = min(limits.maxInputBytes, Int(Int32.max))
        if bytes.count > maxBytes {
            throw XMLParseError(
                reason: .inputTooLarge(limit: maxBytes), line: 0, column: 0,
                message: "input is \(bytes.count) bytes, more than the limit of \(maxBytes)")
        }
        if bytes.isEmpty {
            throw XMLParseError(reason: .emptyInput, line: 0, column: 0, message: "input is empty")
        }

        let state = ParseState(limits: limits)
        let outcome: Result<xmlDocPtr, XMLParseError> = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                // Copies the bytes into libxml2's input buffer.
                guard let ctxt = xmlCreateMemoryParserCtxt(chars.baseAddress, Int32(chars.count)) else {
                    return .failure(XMLParseError(
                        reason: .resourceFailure, line: 0, column: 0,
                        message: "libxml2 could not create a parser"))
                }
                defer { xmlFreeParserCtxt(ctxt) }
                return state.run(ctxt)
            }
        }
        let doc = try outcome.get()
        if let namespaceRepair {
            NamespaceRepairer(doc: doc, repair: namespaceRepair).run()
        }
        return XMLDocument(pointer: doc, warnings: state.warnings, warningCount: state.warningCount)
    }

    /// Convenience for text already in memory as a `String` (parsed as UTF-8).
    public static func parse(
        _ text: String,
        limits: XMLLimits = .default,
        namespaceRepair: XMLNamespaceRepair? = nil
    ) throws(XMLParseError) -> XMLDocument {
        try parse(Array(text.utf8), limits: limits, namespaceRepair: namespaceRepair)
    }
}

/// Process-wide libxml2 set-up, done once (Swift runs a `static let`
/// initializer exactly once, thread-safely).
enum LibXML2 {
    private static let ready: Bool = {
        xmlInitParser()
        // Deny every external load: DTDs, external entities, anything. libxml2
        // calls this loader for every resource other than the in-memory
        // document itself. It is process-wide, so it also protects any other
        // libxml2 user in this process.
        xmlSetExternalEntityLoader(denyExternalEntity)
        return true
    }()

    static func prepare() {
        precondition(ready)
    }
}

private func denyExternalEntity(
    _ url: UnsafePointer<CChar>?, _ id: UnsafePointer<CChar>?, _ ctxt: xmlParserCtxtPtr?
) -> xmlParserInputPtr? {
    nil
}

/// Everything one parse collects, reachable from libxml2's callbacks through
/// the parser context's `_private` pointer.
final class ParseState {
    let limits: XMLLimits
    /// The first refusal decided by our own hooks (DOCTYPE, depth, node count).
    var refusal: XMLParseError?
    /// The first error-level libxml2 diagnostic outside the namespace domain.
    var firstError: XMLParseError?
    var warnings: [XMLDiagnostic] = []
    var warningCount = 0
    /// What the per-element hooks touch, kept outside the object so that they
    /// run without reference counting (they are called millions of times).
    let hot: UnsafeMutablePointer<HotState>

    init(limits: XMLLimits) {
        self.limits = limits
        hot = .allocate(capacity: 1)
        hot.initialize(to: HotState(
            maxDepth: limits.maxDepth, maxNodes: limits.maxNodes, maxTextBytes: limits.maxTextBytes,
            nodeCount: 0, textRun: 0, owner: nil))
    }

    deinit {
        hot.deinitialize(count: 1)
        hot.deallocate()
    }

    func run(_ ctxt: xmlParserCtxtPtr) -> Result<xmlDocPtr, XMLParseError> {
        _ = xmlCtxtUseOptions(ctxt, XMLDocument.parseOptions)
        // Belt and braces: these are what NOENT / DTDLOAD / DTDVALID would set;
        // xmlCtxtUseOptions already cleared them, whatever libxml2's globals say.
        ctxt.pointee.replaceEntities = 0
        ctxt.pointee.loadsubset = 0
        ctxt.pointee.validate = 0
        hot.pointee.owner = Unmanaged.passUnretained(self)
        ctxt.pointee._private = UnsafeMutableRawPointer(hot)

        guard let sax = ctxt.pointee.sax else {
            return .failure(XMLParseError(reason: .resourceFailure, line: 0, column: 0, message: "libxml2 parser has no SAX handler"))
        }
        // Errors reach us as structured records (code, position) through the
        // context's own handler, never through the global stderr printer.
        sax.pointee.serror = parserErrorHook
        sax.pointee.internalSubset = internalSubsetHook
        sax.pointee.externalSubset = nil
        sax.pointee.entityDecl = entityDeclarationHook
        sax.pointee.unparsedEntityDecl = unparsedEntityDeclarationHook
        sax.pointee.startElementNs = startElementHook
        sax.pointee.endElementNs = endElementHook
        sax.pointee.characters = charactersHook
        // Must stay the same function as `characters`: libxml2 only tries to
        // tell "ignorable" whitespace apart (a heuristic that drops text) when
        // the two callbacks differ.
        sax.pointee.ignorableWhitespace = charactersHook

        // Errors raised where libxml2 has no context at hand (encoding
        // converters) go to the thread's channels: route them to us meanwhile.
        let previous = tace_xml_route_errors(threadErrorHook, Unmanaged.passUnretained(self).toOpaque())
        _ = xmlParseDocument(ctxt)
        tace_xml_restore_errors(previous)

        let doc = ctxt.pointee.myDoc
        ctxt.pointee.myDoc = nil
        ctxt.pointee._private = nil

        var failure = refusal ?? firstError
        if failure == nil && (ctxt.pointee.wellFormed == 0 || doc == nil) {
            failure = XMLParseError(
                reason: .notWellFormed(code: Int(ctxt.pointee.errNo)),
                line: Int(ctxt.pointee.input?.pointee.line ?? 0),
                column: Int(ctxt.pointee.input?.pointee.col ?? 0),
                message: LibXML2ErrorText.parser(Int(ctxt.pointee.errNo)))
        }
        if let failure {
            if let doc { xmlFreeDoc(doc) }
            return .failure(failure)
        }
        guard let doc else {
            return .failure(XMLParseError(reason: .emptyInput, line: 0, column: 0, message: "no document"))
        }
        if xmlDocGetRootElement(doc) == nil {
            xmlFreeDoc(doc)
            return .failure(XMLParseError(reason: .emptyInput, line: 0, column: 0, message: LibXML2ErrorText.parser(4)))
        }
        return .success(doc)
    }

    func refuse(_ reason: XMLParseError.Reason, _ message: String, _ ctxt: xmlParserCtxtPtr) {
        guard refusal == nil else { return }
        refusal = XMLParseError(
            reason: reason,
            line: Int(ctxt.pointee.input?.pointee.line ?? 0),
            column: Int(ctxt.pointee.input?.pointee.col ?? 0),
            message: message)
        xmlStopParser(ctxt)
    }

    func record(_ error: xmlError) {
        let code = Int(error.code)
        let line = Int(error.line)
        let column = Int(error.int2)
        let isNamespace = error.domain == Int32(XML_FROM_NAMESPACE.rawValue)
        let level = error.level.rawValue
        if level >= XML_ERR_ERROR.rawValue && !isNamespace {
            guard firstError == nil else { return }
            let reason: XMLParseError.Reason
            var text = LibXML2ErrorText.parser(code)
            if code == 4 {
                reason = .emptyInput
            } else if code == 2, let message = error.message, strstr(message, "huge text node") != nil {
                reason = .textTooLong
                text = "text node longer than libxml2's limit of 10,000,000 bytes"
            } else if code == 1, let message = error.message, strstr(message, "Excessive depth") != nil {
                reason = .tooDeep(limit: 256)
                text = "elements nest deeper than libxml2's limit of 256"
            } else if code == 2 {
                reason = .resourceFailure
            } else if code == 110 || ((code == 1 || code == 2) && error.message.map({ strstr($0, "too long") != nil }) == true) {
                reason = .textTooLong
            } else if LibXML2ErrorText.isEncoding(code) {
                reason = .invalidEncoding(code: code)
            } else {
                reason = .notWellFormed(code: code)
            }
            firstError = XMLParseError(reason: reason, line: line, column: column, message: text)
            return
        }
        warningCount += 1
        guard warnings.count < limits.maxWarnings else { return }
        let category: XMLDiagnostic.Category
        if isNamespace || code == 99 || code == 100 {
            category = .namespace
        } else if error.domain == Int32(XML_FROM_PARSER.rawValue) {
            category = .syntax
        } else {
            category = .other
        }
        warnings.append(XMLDiagnostic(category: category, code: code, line: line, column: column, message: LibXML2ErrorText.parser(code)))
    }
}

struct HotState {
    let maxDepth: Int
    let maxNodes: Int
    let maxTextBytes: Int
    var nodeCount: Int
    /// Bytes of character data since the last start or end tag.
    var textRun: Int
    var owner: Unmanaged<ParseState>?
}

@inline(__always)
private func hotState(_ ctx: UnsafeMutableRawPointer?) -> (xmlParserCtxtPtr, UnsafeMutablePointer<HotState>)? {
    guard let ctx else { return nil }
    let ctxt = ctx.assumingMemoryBound(to: xmlParserCtxt.self)
    // Contexts libxml2 creates internally (entity content, not reachable since
    // entity declarations are refused) would not carry our pointer: plain SAX2.
    guard let hot = ctxt.pointee._private else { return nil }
    return (ctxt, hot.assumingMemoryBound(to: HotState.self))
}

private func parseState(_ ctx: UnsafeMutableRawPointer?) -> (xmlParserCtxtPtr, ParseState)? {
    guard let (ctxt, hot) = hotState(ctx), let owner = hot.pointee.owner else { return nil }
    return (ctxt, owner.takeUnretainedValue())
}

private func parserErrorHook(_ ctx: UnsafeMutableRawPointer?, _ error: xmlErrorPtr?) {
    guard let error, let (_, state) = parseState(ctx) else { return }
    state.record(error.pointee)
}

private func threadErrorHook(_ ctx: UnsafeMutableRawPointer?, _ error: xmlErrorPtr?) {
    guard let ctx, let error else { return }
    Unmanaged<ParseState>.fromOpaque(ctx).takeUnretainedValue().record(error.pointee)
}

private func internalSubsetHook(
    _ ctx: UnsafeMutableRawPointer?, _ name: UnsafePointer<xmlChar>?,
    _ externalID: UnsafePointer<xmlChar>?, _ systemID: UnsafePointer<xmlChar>?
) {
    guard let (ctxt, state) = parseState(ctx) else { return }
    if !state.limits.allowDoctype {
        state.refuse(
            .doctypeNotAllowed,
            "document type declaration (<!DOCTYPE>) not allowed: it can define entities (expansion bombs, external files)",
            ctxt)
        return
    }
    xmlSAX2InternalSubset(ctx, name, externalID, systemID)
}

private func entityDeclarationHook(
    _ ctx: UnsafeMutableRawPointer?, _ name: UnsafePointer<xmlChar>?, _ type: Int32,
    _ publicID: UnsafePointer<xmlChar>?, _ systemID: UnsafePointer<xmlChar>?, _ content: UnsafeMutablePointer<xmlChar>?
) {
    // Never reached with allowDoctype == false (the DOCTYPE was refused first).
    guard let (ctxt, state) = parseState(ctx) else { return }
    state.refuse(
        .entityDeclarationNotAllowed,
        "entity declaration not allowed: entities can expand without bound or name external files",
        ctxt)
}

private func unparsedEntityDeclarationHook(
    _ ctx: UnsafeMutableRawPointer?, _ name: UnsafePointer<xmlChar>?,
    _ publicID: UnsafePointer<xmlChar>?, _ systemID: UnsafePointer<xmlChar>?, _ notation: UnsafePointer<xmlChar>?
) {
    guard let (ctxt, state) = parseState(ctx) else { return }
    state.refuse(.entityDeclarationNotAllowed, "entity declaration not allowed: entities can name external files", ctxt)
}

private func charactersHook(_ ctx: UnsafeMutableRawPointer?, _ chars: UnsafePointer<xmlChar>?, _ length: Int32) {
    if let (ctxt, hot) = hotState(ctx) {
        hot.pointee.textRun += Int(length)
        if hot.pointee.textRun > hot.pointee.maxTextBytes, let state = hot.pointee.owner?.takeUnretainedValue() {
            state.refuse(.textTooLong, "character data longer than the limit of \(hot.pointee.maxTextBytes) bytes", ctxt)
            return
        }
    }
    xmlSAX2Characters(ctx, chars, length)
}

private func endElementHook(
    _ ctx: UnsafeMutableRawPointer?,
    _ localname: UnsafePointer<xmlChar>?, _ prefix: UnsafePointer<xmlChar>?, _ uri: UnsafePointer<xmlChar>?
) {
    if let (_, hot) = hotState(ctx) { hot.pointee.textRun = 0 }
    xmlSAX2EndElementNs(ctx, localname, prefix, uri)
}

private func startElementHook(
    _ ctx: UnsafeMutableRawPointer?,
    _ localname: UnsafePointer<xmlChar>?, _ prefix: UnsafePointer<xmlChar>?, _ uri: UnsafePointer<xmlChar>?,
    _ nbNamespaces: Int32, _ namespaces: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?,
    _ nbAttributes: Int32, _ nbDefaulted: Int32, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
) {
    if let (ctxt, hot) = hotState(ctx) {
        hot.pointee.textRun = 0
        // The element is not pushed yet: nameNr counts its open ancestors.
        let depth = Int(ctxt.pointee.nameNr) + 1
        let limit = hot.pointee.maxDepth
        if depth > limit, let state = hot.pointee.owner?.takeUnretainedValue() {
            state.refuse(.tooDeep(limit: limit), "elements nest deeper than the limit of \(limit)", ctxt)
            return
        }
        hot.pointee.nodeCount += 1 + Int(nbAttributes)
        if hot.pointee.nodeCount > hot.pointee.maxNodes, let state = hot.pointee.owner?.takeUnretainedValue() {
            let limit = hot.pointee.maxNodes
            state.refuse(.tooManyNodes(limit: limit), "more than \(limit) elements and attributes", ctxt)
            return
        }
    }
    xmlSAX2StartElementNs(ctx, localname, prefix, uri, nbNamespaces, namespaces, nbAttributes, nbDefaulted, attributes)
}
