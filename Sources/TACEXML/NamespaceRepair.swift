import CLibXML2

/// Applies an `XMLNamespaceRepair` to a freshly parsed tree: declares the
/// namespaces on the root element and moves unqualified / undeclared-prefix
/// names into them. Only names change; text and attribute values do not.
struct NamespaceRepairer {
    let doc: xmlDocPtr
    let repair: XMLNamespaceRepair

    func run() {
        guard let root = xmlDocGetRootElement(doc) else { return }
        var declared: [String: xmlNsPtr] = [:]   // prefix → namespace declared on root
        func namespace(prefix: String?, uri: String) -> xmlNsPtr? {
            let key = prefix ?? ""
            if let ns = declared[key] { return ns }
            let ns: xmlNsPtr?
            if let prefix {
                ns = xmlNewNs(root, uri, prefix) ?? xmlSearchNs(doc, root, prefix)
            } else {
                ns = xmlNewNs(root, uri, nil) ?? xmlSearchNs(doc, root, nil)
            }
            declared[key] = ns
            return ns
        }

        var node: xmlNodePtr? = root
        while let n = node {
            if n.pointee.type == XML_ELEMENT_NODE {
                if n.pointee.ns == nil, let name = n.pointee.name {
                    let qname = String(cString: name)
                    if let (prefix, local) = split(qname) {
                        if let uri = repair.undeclaredPrefixes[prefix], let ns = namespace(prefix: prefix, uri: uri) {
                            xmlNodeSetName(n, local)
                            xmlSetNs(n, ns)
                        }
                    } else if let uri = repair.defaultElementNamespace, let ns = namespace(prefix: nil, uri: uri) {
                        xmlSetNs(n, ns)
                    }
                }
                var attr = n.pointee.properties
                while let a = attr {
                    if a.pointee.ns == nil, let name = a.pointee.name, let (prefix, local) = split(String(cString: name)),
                       let uri = repair.undeclaredPrefixes[prefix], let ns = namespace(prefix: prefix, uri: uri) {
                        UnsafeMutableRawPointer(a).withMemoryRebound(to: xmlNode.self, capacity: 1) { xmlNodeSetName($0, local) }
                        a.pointee.ns = ns
                    }
                    attr = a.pointee.next
                }
                if let child = n.pointee.children {
                    node = child
                    continue
                }
            }
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

    private func split(_ qname: String) -> (String, String)? {
        guard let colon = qname.firstIndex(of: ":") else { return nil }
        let prefix = String(qname[..<colon]), local = String(qname[qname.index(after: colon)...])
        guard !prefix.isEmpty, !local.isEmpty else { return nil }
        return (prefix, local)
    }
}
