import CLibXML2

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only view of one node of an `XMLDocument`'s tree. It keeps its
/// document alive, so a node is always safe to use, however long it is kept.
/// Two views are equal when they show the same node.
public struct XMLNode: Equatable, Hashable {
    public enum Kind: Sendable, Equatable {
        case element, attribute, text, comment, processingInstruction, entityReference, document, other
    }

    /// Default cap on `text(maxBytes:)`: clinical values are short; a caller that
    /// wants a whole narrative block asks for more explicitly.
    public static let defaultTextLimit = 1 << 20

    public let document: XMLDocument
    let pointer: xmlNodePtr

    init(document: XMLDocument, pointer: xmlNodePtr) {
        self.document = document
        self.pointer = pointer
    }

    public static func == (a: XMLNode, b: XMLNode) -> Bool { a.pointer == b.pointer }
    public func hash(into hasher: inout Hasher) { hasher.combine(pointer) }

    public var kind: Kind {
        switch pointer.pointee.type {
        case XML_ELEMENT_NODE: return .element
        case XML_ATTRIBUTE_NODE: return .attribute
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE: return .text
        case XML_COMMENT_NODE: return .comment
        case XML_PI_NODE: return .processingInstruction
        case XML_ENTITY_REF_NODE: return .entityReference
        case XML_DOCUMENT_NODE: return .document
        default: return .other
        }
    }

    /// Local name of an element or attribute (`observation`, `value`), the
    /// target of a processing instruction; "" for text, comments and the document.
    /// A name whose prefix had no declaration keeps the prefix (`xsi:type`)
    /// unless the document was parsed with an `XMLNamespaceRepair` covering it.
    public var name: String {
        switch kind {
        case .element, .attribute, .processingInstruction, .entityReference:
            return pointer.pointee.name.map { String(cString: $0) } ?? ""
        default:
            return ""
        }
    }

    /// Namespace URI of an element or attribute; nil when it has none.
    public var namespaceURI: String? {
        guard kind == .element || kind == .attribute, let ns = pointer.pointee.ns, let href = ns.pointee.href else { return nil }
        return String(cString: href)
    }

    /// The prefix the name was written with, nil for none (or the default namespace).
    public var prefix: String? {
        guard kind == .element || kind == .attribute, let ns = pointer.pointee.ns, let p = ns.pointee.prefix else { return nil }
        return String(cString: p)
    }

    /// 1-based line where the node starts (an attribute reports its element's line); 0 if unknown.
    public var line: Int {
        var node = pointer
        if node.pointee.type == XML_ATTRIBUTE_NODE, let parent = node.pointee.parent { node = parent }
        let line = xmlGetLineNo(node)
        return line > 0 ? Int(line) : 0
    }

    /// The element an element, text or comment is inside, or the element of an attribute;
    /// nil for the root element and the document.
    public var parent: XMLNode? {
        guard let parent = pointer.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return nil }
        return XMLNode(document: document, pointer: parent)
    }

    // MARK: Children

    /// All child nodes in document order (elements, text, comments, …); empty for attributes' values.
    public var children: XMLNodeSequence {
        XMLNodeSequence(document: document, first: kind == .attribute ? nil : pointer.pointee.children, elementsOnly: false)
    }

    /// Child elements only, in document order.
    public var elements: XMLNodeSequence {
        XMLNodeSequence(document: document, first: kind == .attribute ? nil : pointer.pointee.children, elementsOnly: true)
    }

    /// The first child element with this local name, in `namespace` (nil: in no namespace).
    public func firstElement(_ localName: String, namespace: String?) -> XMLNode? {
        elements.first { $0.name == localName && $0.namespaceURI == namespace }
    }

    // MARK: Attributes

    /// Every attribute of an element (namespace declarations are not attributes in libxml2's tree).
    public var attributes: [XMLAttribute] {
        guard pointer.pointee.type == XML_ELEMENT_NODE else { return [] }
        var result: [XMLAttribute] = []
        var attr = pointer.pointee.properties
        while let a = attr {
            let ns = a.pointee.ns
            result.append(XMLAttribute(
                name: a.pointee.name.map { String(cString: $0) } ?? "",
                prefix: ns?.pointee.prefix.map { String(cString: $0) },
                namespaceURI: ns?.pointee.href.map { String(cString: $0) },
                value: attributeValue(a)))
            attr = a.pointee.next
        }
        return result
    }

    /// Value of the attribute written as `qualifiedName`: `"value"` finds an
    /// attribute in no namespace; `"xsi:type"` finds one whose prefix is `xsi`,
    /// whether that prefix was declared or not (an undeclared one is kept by
    /// libxml2 under the literal name `xsi:type`). Nil when absent.
    public func attribute(_ qualifiedName: String) -> String? {
        guard pointer.pointee.type == XML_ELEMENT_NODE else { return nil }
        let colon = qualifiedName.firstIndex(of: ":")
        var attr = pointer.pointee.properties
        while let a = attr {
            if let name = a.pointee.name {
                if let ns = a.pointee.ns {
                    if let colon, let p = ns.pointee.prefix,
                       equals(p, qualifiedName[..<colon]), equals(name, qualifiedName[qualifiedName.index(after: colon)...]) {
                        return attributeValue(a)
                    }
                } else if equals(name, qualifiedName[...]) {
                    return attributeValue(a)
                }
            }
            attr = a.pointee.next
        }
        return nil
    }

    /// Value of the attribute with this local name in namespace `namespace`
    /// (nil: no namespace). Nil when absent.
    public func attribute(_ localName: String, namespace: String?) -> String? {
        guard pointer.pointee.type == XML_ELEMENT_NODE else { return nil }
        var attr = pointer.pointee.properties
        while let a = attr {
            if let name = a.pointee.name, equals(name, localName[...]) {
                let href = a.pointee.ns?.pointee.href
                switch (href, namespace) {
                case (nil, nil): return attributeValue(a)
                case (let h?, let n?) where equals(h, n[...]): return attributeValue(a)
                default: break
                }
            }
            attr = a.pointee.next
        }
        return nil
    }

    // MARK: Text

    /// The text of the node: for an element or the document, all descendant
    /// text in document order (like XPath `string()`); for an attribute, its
    /// value; for text, comments and PIs, their content.
    ///
    /// Stops with `XMLNodeError.textTooLong` once more than `maxBytes` UTF-8
    /// bytes would be produced, instead of building a huge string. Entity
    /// references (only possible with `XMLLimits.allowDoctype`) are not expanded.
    public func text(maxBytes: Int = XMLNode.defaultTextLimit) throws(XMLNodeError) -> String {
        var collector = TextCollector(limit: maxBytes)
        switch pointer.pointee.type {
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE, XML_COMMENT_NODE, XML_PI_NODE:
            try collector.append(pointer.pointee.content)
        case XML_ELEMENT_NODE, XML_DOCUMENT_NODE, XML_ATTRIBUTE_NODE:
            try collector.appendDescendants(of: pointer)
        default:
            break
        }
        return collector.string
    }
}

/// One attribute, copied out of the tree.
public struct XMLAttribute: Sendable, Equatable {
    public var name: String
    public var prefix: String?
    public var namespaceURI: String?
    public var value: String
}

public enum XMLNodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text is longer than the cap asked for.
    case textTooLong(limit: Int)

    public var description: String {
        switch self {
        case .textTooLong(let limit): return "XML text longer than the limit of \(limit) bytes"
        }
    }
}

/// Children of a node, walked lazily along libxml2's sibling links.
public struct XMLNodeSequence: Sequence {
    let document: XMLDocument
    let first: xmlNodePtr?
    let elementsOnly: Bool

    public struct Iterator: IteratorProtocol {
        let document: XMLDocument
        var cursor: xmlNodePtr?
        let elementsOnly: Bool

        public mutating func next() -> XMLNode? {
            while let node = cursor {
                cursor = node.pointee.next
                if !elementsOnly || node.pointee.type == XML_ELEMENT_NODE {
                    return XMLNode(document: document, pointer: node)
                }
            }
            return nil
        }
    }

    public func makeIterator() -> Iterator {
        Iterator(document: document, cursor: first, elementsOnly: elementsOnly)
    }
}

// MARK: - Helpers

/// Compares a NUL-terminated libxml2 string with Swift text, without allocating.
func equals(_ c: UnsafePointer<xmlChar>, _ s: Substring) -> Bool {
    var i = 0
    for byte in s.utf8 {
        if c[i] != byte { return false }   // also stops at c's NUL (byte is never 0 in a name)
        i += 1
    }
    return c[i] == 0
}

private func attributeValue(_ attr: xmlAttrPtr) -> String {
    var collector = TextCollector(limit: Int.max)
    var child = attr.pointee.children
    while let c = child {
        if c.pointee.type == XML_TEXT_NODE || c.pointee.type == XML_CDATA_SECTION_NODE {
            try? collector.append(c.pointee.content)
        }
        child = c.pointee.next
    }
    return collector.string
}

/// Gathers text node content up to a byte limit, walking the tree without recursion.
struct TextCollector {
    let limit: Int
    var bytes: [UInt8] = []
    var single: UnsafePointer<xmlChar>?   // the common case: exactly one piece, no copy until the end
    var pieces = 0

    init(limit: Int) { self.limit = limit }

    mutating func append(_ content: UnsafePointer<xmlChar>?) throws(XMLNodeError) {
        guard let content else { return }
        let count = strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))
        if count == 0 { return }
        pieces += 1
        if pieces == 1 {
            if count > limit { throw .textTooLong(limit: limit) }
            single = content
            return
        }
        if let s = single {
            bytes.append(contentsOf: UnsafeBufferPointer(start: s, count: strlen(UnsafeRawPointer(s).assumingMemoryBound(to: CChar.self))))
            single = nil
        }
        if bytes.count + count > limit { throw .textTooLong(limit: limit) }
        bytes.append(contentsOf: UnsafeBufferPointer(start: content, count: count))
    }

    /// Appends the text of every text node below `root`, in document order.
    mutating func appendDescendants(of root: xmlNodePtr) throws(XMLNodeError) {
        var node = root.pointee.children
        while let n = node {
            switch n.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                try append(n.pointee.content)
            default:
                break
            }
            // Descend into elements only (not into entity references or DTD nodes).
            if n.pointee.type == XML_ELEMENT_NODE, let child = n.pointee.children {
                node = child
                continue
            }
            // Next sibling, or climb until an ancestor below root has one.
            var current: xmlNodePtr? = n
            node = nil
            while let c = current, c != root {
                if let next = c.pointee.next {
                    node = next
                    break
                }
                current = c.pointee.parent
            }
        }
    }

    var string: String {
        if let single { return String(cString: single) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
