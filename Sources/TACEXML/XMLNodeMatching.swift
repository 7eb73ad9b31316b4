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
