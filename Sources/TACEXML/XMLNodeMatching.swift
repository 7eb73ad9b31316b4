import CLibXML2

/// Comparisons made in place on libxml2's strings, without building a `String` per node: readers
/// that walk every element of a large document (CDA) test names and attribute values with these.
extension XMLNode {
    /// True for an element with this local name in `namespace` (nil: in no namespace).
    public func isElement(_ localName: String, namespace: String?) -> Bool {
        guard pointer.pointee.type == XML_ELEMENT_NODE, let name = pointer.pointee.name, equals(name, localName[...]) else {
            return false
        }
        return namespaceMatches(namespace)
    }

    /// True for an element in `namespace` (nil: in no namespace), whatever its name.
    public func isElement(inNamespace namespace: String?) -> Bool {
        pointer.pointee.type == XML_ELEMENT_NODE && namespaceMatches(namespace)
    }

    /// True when the local name of an element or attribute is `localName`.
    public func hasLocalName(_ localName: String) -> Bool {
        guard let name = pointer.pointee.name else { return false }
        return equals(name, localName[...])
    }

    /// The child elements with this local name in `namespace`, in document order.
    public func elements(named localName: String, namespace: String?) -> [XMLNode] {
        var result: [XMLNode] = []
        var child = kind == .attribute ? nil : pointer.pointee.children
        while let c = child {
            if c.pointee.type == XML_ELEMENT_NODE, let name = c.pointee.name, equals(name, localName[...]) {
                let node = XMLNode(document: document, pointer: c)
                if node.namespaceMatches(namespace) { result.append(node) }
            }
            child = c.pointee.next
        }
        return result
    }

    /// The first child element with this local name in `namespace`; compares in place.
    public func firstChild(named localName: String, namespace: String?) -> XMLNode? {
        var child = kind == .attribute ? nil : pointer.pointee.children
        while let c = child {
            if c.pointee.type == XML_ELEMENT_NODE, let name = c.pointee.name, equals(name, localName[...]) {
                let node = XMLNode(document: document, pointer: c)
                if node.namespaceMatches(namespace) { return node }
            }
            child = c.pointee.next
        }
        return nil
    }

    /// Whether the element has an attribute in no namespace with this local name.
    public func hasAttribute(_ localName: String) -> Bool {
        guard pointer.pointee.type == XML_ELEMENT_NODE else { return false }
        var attr = pointer.pointee.properties
        while let a = attr {
            if a.pointee.ns == nil, let name = a.pointee.name, equals(name, localName[...]) { return true }
            attr = a.pointee.next
        }
        return false
    }

    private func namespaceMatches(_ namespace: String?) -> Bool {
        let href = pointer.pointee.ns?.pointee.href
        switch (href, namespace) {
        case (nil, nil): return true
        case (let h?, let n?): return equals(h, n[...])
        default: return false
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The same comparisons against compile-time constants (`StaticString`), with `strcmp` on the
/// bytes: for readers that classify every child of every element they visit.
extension XMLNode {
    /// True when the local name of an element or attribute is `name`.
    public func localNameIs(_ name: StaticString) -> Bool {
        guard let own = pointer.pointee.name else { return false }
        return cstrEqual(own, name)
    }

    /// The first byte of the local name (0 when none): a cheap first test before `localNameIs`.
    public var localNameFirstByte: UInt8 {
        pointer.pointee.name?.pointee ?? 0
    }

    /// True for an element in namespace `uri`.
    public func isElement(in uri: StaticString) -> Bool {
        guard pointer.pointee.type == XML_ELEMENT_NODE, let href = pointer.pointee.ns?.pointee.href else { return false }
        return cstrEqual(href, uri)
    }

    /// The value of the attribute in no namespace named `name`, or nil (the name compared in place).
    public func value(ofAttribute name: StaticString) -> String? {
        guard let a = plainAttribute(name) else { return nil }
        return plainAttributeValue(a)
    }

    /// The value of the attribute in no namespace named `name` without surrounding XML blanks
    /// (space, tab, CR, LF), or nil: the same text as `value(ofAttribute:)` trimmed, but trimmed
    /// on libxml2's bytes, so that only the kept part is copied (once) into a `String`.
    public func trimmedValue(ofAttribute name: StaticString) -> String? {
        withTrimmedValue(ofAttribute: name) { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the UTF-8 bytes of the attribute in no namespace named `name`, without
    /// surrounding XML blanks, and returns its result; nil when the attribute is absent. The bytes
    /// are libxml2's own (no copy) in the usual case of a value held in one text node; they are
    /// valid only inside `body`.
    public func withTrimmedValue<R>(ofAttribute name: StaticString, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        guard let a = plainAttribute(name) else { return nil }
        if let text = a.pointee.children, text.pointee.next == nil, text.pointee.type == XML_TEXT_NODE, let content = text.pointee.content {
            let count = strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))
            return body(trimmingXMLBlanks(UnsafeBufferPointer(start: content, count: count)))
        }
        var value = attributeText(a)
        return value.withUTF8 { body(trimmingXMLBlanks($0)) }
    }

    /// The value of the attribute named `name` in namespace `uri` (whatever its prefix), or nil.
    public func value(ofAttribute name: StaticString, inNamespace uri: StaticString) -> String? {
        guard pointer.pointee.type == XML_ELEMENT_NODE else { return nil }
        var attr = pointer.pointee.properties
        while let a = attr {
            if let href = a.pointee.ns?.pointee.href, let n = a.pointee.name, cstrEqual(n, name), cstrEqual(href, uri) {
                return plainAttributeValue(a)
            }
            attr = a.pointee.next
        }
        return nil
    }

    /// Whether the attribute in no namespace named `name` exists and its value is exactly `value`
    /// (compared in place, no `String` built).
    public func attribute(_ name: StaticString, is value: StaticString) -> Bool {
        guard let a = plainAttribute(name), let text = a.pointee.children, text.pointee.next == nil,
              text.pointee.type == XML_TEXT_NODE, let content = text.pointee.content else { return false }
        return cstrEqual(content, value)
    }

    private func plainAttribute(_ name: StaticString) -> xmlAttrPtr? {
        guard pointer.pointee.type == XML_ELEMENT_NODE else { return nil }
        var attr = pointer.pointee.properties
        while let a = attr {
            if a.pointee.ns == nil, let n = a.pointee.name, cstrEqual(n, name) { return a }
            attr = a.pointee.next
        }
        return nil
    }

    private func plainAttributeValue(_ a: xmlAttrPtr) -> String {
        // The usual case: one text child.
        if let text = a.pointee.children, text.pointee.next == nil, text.pointee.type == XML_TEXT_NODE, let content = text.pointee.content {
            return String(cString: content)
        }
        return XMLNode(document: document, pointer: UnsafeMutableRawPointer(a).assumingMemoryBound(to: xmlNode.self))
            .attributeText(a)
    }

    private func attributeText(_ a: xmlAttrPtr) -> String {
        var collector = TextCollector(limit: Int.max)
        var child = a.pointee.children
        while let c = child {
            if c.pointee.type == XML_TEXT_NODE || c.pointee.type == XML_CDATA_SECTION_NODE { try? collector.append(c.pointee.content) }
            child = c.pointee.next
        }
        return collector.string
    }
}

/// The bytes without leading and trailing XML blanks (space, tab, CR, LF); empty when all are blanks.
@inline(__always)
func trimmingXMLBlanks(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    func blank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
    var lower = 0, upper = bytes.count
    while lower < upper, blank(bytes[lower]) { lower += 1 }
    while upper > lower, blank(bytes[upper - 1]) { upper -= 1 }
    return UnsafeBufferPointer(rebasing: bytes[lower..<upper])
}

@inline(__always)
private func cstrEqual(_ c: UnsafePointer<xmlChar>, _ s: StaticString) -> Bool {
    s.withUTF8Buffer { buffer in
        strncmp(UnsafeRawPointer(c).assumingMemoryBound(to: CChar.self),
                UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self), buffer.count) == 0
            && c[buffer.count] == 0
    }
}
