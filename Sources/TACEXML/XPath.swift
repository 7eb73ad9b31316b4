import CLibXML2

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Namespace prefixes for XPath over HL7 CDA documents.
public enum XMLNamespaces {
    public static let hl7 = "urn:hl7-org:v3"
    public static let xsi = "http://www.w3.org/2001/XMLSchema-instance"
    public static let sdtc = "urn:hl7-org:sdtc"
    /// `hl7`, `xsi` and `sdtc`, ready for `XMLDocument.select(_:namespaces:from:)`.
    public static let cda: [String: String] = ["hl7": hl7, "xsi": xsi, "sdtc": sdtc]
}

/// An XPath expression that could not be evaluated as asked. The expression is
/// the caller's, not the document's, so it is quoted; no document text is.
public struct XPathError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// libxml2 rejected the expression; `code` is its `xmlXPathError` value.
        case invalidExpression(code: Int)
        /// A namespace prefix or URI could not be registered (empty prefix, …).
        case invalidNamespace(prefix: String)
        /// `select` on an expression whose value is a string, number or boolean.
        case notANodeSet
        /// The node set holds namespace nodes, which have no stable identity in libxml2.
        case namespaceNodes
        /// The `from` node belongs to another document.
        case foreignNode
        /// The string value is longer than the cap asked for.
        case resultTooLong(limit: Int)
        /// libxml2 could not allocate its XPath context.
        case resourceFailure
    }

    public var reason: Reason
    public var expression: String
    /// 0-based character offset in `expression` where libxml2 stopped, when known.
    public var offset: Int?
    public var message: String

    public var description: String {
        if let offset { return "XPath \"\(expression)\" at offset \(offset): \(message)" }
        return "XPath \"\(expression)\": \(message)"
    }
}

extension XMLDocument {
    /// The nodes `xpath` selects, in document order.
    ///
    /// - Parameters:
    ///   - namespaces: prefix → URI for the prefixes used in `xpath` (for CDA,
    ///     `XMLNamespaces.cda`). XPath 1.0 has no default namespace: an element
    ///     in `urn:hl7-org:v3` must be written `hl7:observation`.
    ///   - from: context node for a relative expression; nil means the document.
    /// Attribute nodes (`…/@value`) are returned as nodes of kind `.attribute`;
    /// their `text()` is the value.
    public func select(_ xpath: String, namespaces: [String: String] = [:], from: XMLNode? = nil) throws(XPathError) -> [XMLNode] {
        try evaluate(xpath, namespaces: namespaces, from: from) { (object) throws(XPathError) -> [XMLNode] in
            guard object.pointee.type == XPATH_NODESET else {
                throw XPathError(reason: .notANodeSet, expression: xpath, offset: nil,
                                 message: "the expression's value is not a node set; use string(_:)")
            }
            guard let set = object.pointee.nodesetval, set.pointee.nodeNr > 0, let tab = set.pointee.nodeTab else { return [] }
            xmlXPathNodeSetSort(set)
            var nodes: [XMLNode] = []
            nodes.reserveCapacity(Int(set.pointee.nodeNr))
            for i in 0..<Int(set.pointee.nodeNr) {
                guard let node = tab[i] else { continue }
                if node.pointee.type == XML_NAMESPACE_DECL {
                    throw XPathError(reason: .namespaceNodes, expression: xpath, offset: nil,
                                     message: "namespace nodes cannot be returned; select elements or attributes")
                }
                nodes.append(XMLNode(document: self, pointer: node))
            }
            return nodes
        }
    }

    /// The first node `xpath` selects in document order, or nil.
    public func first(_ xpath: String, namespaces: [String: String] = [:], from: XMLNode? = nil) throws(XPathError) -> XMLNode? {
        try select(xpath, namespaces: namespaces, from: from).first
    }

    /// The XPath string value of `xpath`: for a node set, the text of its first
    /// node in document order ("" if empty); for a number or boolean, XPath's
    /// `string()` of it. Fails with `.resultTooLong` beyond `maxBytes`.
    public func string(
        _ xpath: String, namespaces: [String: String] = [:], from: XMLNode? = nil,
        maxBytes: Int = XMLNode.defaultTextLimit
    ) throws(XPathError) -> String {
        try evaluate(xpath, namespaces: namespaces, from: from) { (object) throws(XPathError) -> String in
            if object.pointee.type == XPATH_NODESET {
                guard let set = object.pointee.nodesetval, set.pointee.nodeNr > 0, let tab = set.pointee.nodeTab else { return "" }
                xmlXPathNodeSetSort(set)
                guard let node = tab[0], node.pointee.type != XML_NAMESPACE_DECL else {
                    throw XPathError(reason: .namespaceNodes, expression: xpath, offset: nil,
                                     message: "namespace nodes have no string value here")
                }
                do {
                    return try XMLNode(document: self, pointer: node).text(maxBytes: maxBytes)
                } catch {
                    throw XPathError(reason: .resultTooLong(limit: maxBytes), expression: xpath, offset: nil,
                                     message: "string value longer than \(maxBytes) bytes")
                }
            }
            guard let chars = xmlXPathCastToString(object) else {
                throw XPathError(reason: .resourceFailure, expression: xpath, offset: nil, message: "out of memory")
            }
            defer { free(chars) }   // xmlFree is a macro for free()
            let count = strlen(UnsafeRawPointer(chars).assumingMemoryBound(to: CChar.self))
            if count > maxBytes {
                throw XPathError(reason: .resultTooLong(limit: maxBytes), expression: xpath, offset: nil,
                                 message: "string value longer than \(maxBytes) bytes")
            }
            return String(decoding: UnsafeBufferPointer(start: chars, count: count), as: UTF8.self)
        }
    }

    /// Runs `xpath` in a fresh libxml2 XPath context and hands the result to
    /// `body`; the context and the result are freed before returning.
    private func evaluate<R>(
        _ xpath: String, namespaces: [String: String], from: XMLNode?,
        _ body: (xmlXPathObjectPtr) throws(XPathError) -> R
    ) throws(XPathError) -> R {
        guard let ctx = xmlXPathNewContext(pointer) else {
            throw XPathError(reason: .resourceFailure, expression: xpath, offset: nil, message: "libxml2 could not create an XPath context")
        }
        defer { xmlXPathFreeContext(ctx) }

        for (prefix, uri) in namespaces {
            if prefix.isEmpty || xmlXPathRegisterNs(ctx, prefix, uri) != 0 {
                throw XPathError(reason: .invalidNamespace(prefix: prefix), expression: xpath, offset: nil,
                                 message: "namespace prefix \(prefix.debugDescription) could not be registered")
            }
        }
        if let from {
            guard from.document === self else {
                throw XPathError(reason: .foreignNode, expression: xpath, offset: nil, message: "context node belongs to another document")
            }
            ctx.pointee.node = from.pointer
        } else {
            ctx.pointee.node = UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: xmlNode.self)
        }

        // XPath errors come to this context's own handler as structured records;
        // anything libxml2 raises without a context goes to the thread's
        // channels, routed here meanwhile (never to stderr).
        let sink = XPathErrorSink()
        let sinkPointer = Unmanaged.passUnretained(sink).toOpaque()
        ctx.pointee.error = xpathErrorHook
        ctx.pointee.userData = sinkPointer
        let previous = tace_xml_route_errors(xpathErrorHook, sinkPointer)
        let object = withExtendedLifetime(sink) { xmlXPathEvalExpression(xpath, ctx) }
        tace_xml_restore_errors(previous)

        guard let object else {
            let code = sink.code ?? 1207
            return try failure(xpath, code: code, offset: sink.offset)
        }
        defer { xmlXPathFreeObject(object) }
        if let code = sink.code {
            return try failure(xpath, code: code, offset: sink.offset)
        }
        return try body(object)
    }

    private func failure<R>(_ xpath: String, code: Int, offset: Int?) throws(XPathError) -> R {
        throw XPathError(reason: .invalidExpression(code: code), expression: xpath, offset: offset,
                         message: LibXML2ErrorText.xpath(code))
    }
}

/// The first XPath error of one evaluation.
private final class XPathErrorSink {
    var code: Int?
    var offset: Int?
}

private func xpathErrorHook(_ ctx: UnsafeMutableRawPointer?, _ error: xmlErrorPtr?) {
    guard let ctx, let error else { return }
    let sink = Unmanaged<XPathErrorSink>.fromOpaque(ctx).takeUnretainedValue()
    guard sink.code == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
    sink.code = Int(error.pointee.code)
    // For XPath errors libxml2 puts the expression in str1 and the offset in int1.
    if error.pointee.domain == Int32(XML_FROM_XPATH.rawValue) {
        sink.offset = Int(error.pointee.int1)
    }
}
