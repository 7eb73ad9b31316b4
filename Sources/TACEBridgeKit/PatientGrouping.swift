import TACEFHIRReader
import TACEModel

/// A business identifier as used for grouping: one without a system is only meaningful inside the
/// source that wrote it (an HL7 PID-3 without assigning authority, a FHIR identifier without system,
/// a site-XML id without issuer), so it is scoped by its file and never joins another file's records.
struct GroupingIdentifier: Hashable {
    var system: String?
    var value: String
    /// The file of an identifier without system; `nil` when the identifier has a system.
    var scope: String?

    init(_ identifier: PatientIdentifier, file: String) {
        system = identifier.system
        value = identifier.value
        scope = identifier.system == nil ? file : nil
    }
}

/// Groups observations by patient:
/// - an observation with a patient reference belongs to that reference;
/// - observations are joined by ANY identifier they share (with each other or with a Patient resource),
///   not only the first one, in order of first appearance (union-find, deterministic for the input order);
/// - an identifier held by more than one Patient resource (or carried by observations with different
///   references) is ambiguous: it joins nothing, and an observation that can only be attributed through
///   such identifiers, or whose identifiers lead to different Patient resources, is reported as
///   `no-subject` and scored into no patient.
///
/// Reports name counts, never identifier values.
func groupByPatient(_ observations: [TypedObservation], patients: [String: PatientRecord],
                    report: inout ReadReport) -> PatientGroups {
    // Which references each identifier is tied to, in a deterministic order (Patient resources sorted).
    var referencesByIdentifier: [GroupingIdentifier: [String]] = [:]
    func tie(_ identifier: GroupingIdentifier, _ reference: String) {
        if !(referencesByIdentifier[identifier]?.contains(reference) ?? false) {
            referencesByIdentifier[identifier, default: []].append(reference)
        }
    }
    let patientReferences = patients.keys.sorted()
    for reference in patientReferences {
        guard let record = patients[reference] else { continue }
        for i in record.identity.identifiers { tie(GroupingIdentifier(i, file: record.file), reference) }
    }
    for o in observations {
        guard let reference = o.patient.reference else { continue }
        for i in o.patient.identifiers { tie(GroupingIdentifier(i, file: o.source.file), reference) }
    }
    func isAmbiguous(_ identifier: GroupingIdentifier) -> Bool { (referencesByIdentifier[identifier]?.count ?? 0) > 1 }

    var sets = UnionFind()
    func node(reference: String) -> Int { sets.node("r\u{1}" + reference, reference: reference) }
    func node(identifier: GroupingIdentifier) -> Int {
        sets.node("i\u{1}" + (identifier.system ?? "") + "\u{1}" + (identifier.scope ?? "") + "\u{1}" + identifier.value,
                  reference: nil)
    }

    // Patient resources and referenced observations first: each usable identifier is tied to one
    // reference only, so these unions never join two references.
    for reference in patientReferences {
        guard let record = patients[reference] else { continue }
        let r = node(reference: reference)
        for i in record.identity.identifiers {
            let g = GroupingIdentifier(i, file: record.file)
            if !isAmbiguous(g) { _ = sets.union(r, node(identifier: g)) }
        }
    }
    for o in observations {
        guard let reference = o.patient.reference else { continue }
        let r = node(reference: reference)
        for i in o.patient.identifiers {
            let g = GroupingIdentifier(i, file: o.source.file)
            if !isAmbiguous(g) { _ = sets.union(r, node(identifier: g)) }
        }
    }

    // Identifier-only observations, in input order: one whose identifiers lead to two different
    // references (or only to ambiguous identifiers) is reported, not attributed.
    var refused = Set<Int>()
    for (index, o) in observations.enumerated() where o.patient.reference == nil && !o.patient.identifiers.isEmpty {
        let all = o.patient.identifiers.map { GroupingIdentifier($0, file: o.source.file) }
        let usable = all.filter { !isAmbiguous($0) }
        if usable.isEmpty {
            let holders = all.map { referencesByIdentifier[$0]?.count ?? 0 }.max() ?? 0
            report.skip(.noSubject, SkippedItem(file: o.source.file, location: o.source.location, resourceType: "Observation",
                                                kind: .noSubject, detail: "identifier shared by \(holders) Patient resources"))
            refused.insert(index)
            continue
        }
        let nodes = usable.map { node(identifier: $0) }
        var references = Set<String>()
        for n in nodes { if let r = sets.reference(of: n) { references.insert(r) } }
        if references.count > 1 {
            report.skip(.noSubject, SkippedItem(file: o.source.file, location: o.source.location, resourceType: "Observation",
                                                kind: .noSubject, detail: "identifiers lead to \(references.count) different Patient resources"))
            refused.insert(index)
            continue
        }
        for n in nodes.dropFirst() { _ = sets.union(nodes[0], n) }
    }

    var groups = PatientGroups()
    for (index, var o) in observations.enumerated() where !refused.contains(index) {
        let root: Int?
        if let reference = o.patient.reference {
            root = sets.find(node(reference: reference))
        } else if let first = o.patient.identifiers.first(where: { !isAmbiguous(GroupingIdentifier($0, file: o.source.file)) }) {
            let n = sets.find(node(identifier: GroupingIdentifier(first, file: o.source.file)))
            o.patient.reference = sets.reference(of: n)
            root = n
        } else {
            root = nil
        }
        groups.add(o, key: root.map { "set:\($0)" } ?? "unknown")
    }
    return groups
}

/// Disjoint sets of grouping keys; each set remembers the one patient reference it holds, if any,
/// and refuses to join two sets holding different references.
struct UnionFind {
    private var indexByKey: [String: Int] = [:]
    private var parent: [Int] = []
    private var referenceOfRoot: [String?] = []

    mutating func node(_ key: String, reference: String?) -> Int {
        if let i = indexByKey[key] { return i }
        let i = parent.count
        indexByKey[key] = i
        parent.append(i)
        referenceOfRoot.append(reference)
        return i
    }

    mutating func find(_ i: Int) -> Int {
        var root = i
        while parent[root] != root { root = parent[root] }
        var j = i
        while parent[j] != root { let next = parent[j]; parent[j] = root; j = next }
        return root
    }

    mutating func reference(of i: Int) -> String? { referenceOfRoot[find(i)] }

    /// Joins the sets of `a` and `b` (the earlier-created root stays root, so keys are stable);
    /// `false`, and nothing joined, when they hold different references.
    mutating func union(_ a: Int, _ b: Int) -> Bool {
        let ra = find(a), rb = find(b)
        if ra == rb { return true }
        let refA = referenceOfRoot[ra], refB = referenceOfRoot[rb]
        if let x = refA, let y = refB, x != y { return false }
        let (root, child) = ra < rb ? (ra, rb) : (rb, ra)
        parent[child] = root
        referenceOfRoot[root] = refA ?? refB
        return true
    }
}
