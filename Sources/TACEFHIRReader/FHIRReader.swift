import TACEJSON
import TACEMappings
import TACEModel

/// Reads FHIR R4 JSON resources into typed observations through the mapping tables.
///
/// Handles a single resource, a Bundle of any type (entries resolved through `fullUrl`,
/// `urn:uuid:` and relative references; DiagnosticReport results inherit subject and
/// time), and single NDJSON lines. Everything it cannot use is counted in the report.
public struct FHIRReader: Sendable {
    public var mappings: MappingTables
    public var invalidPolicy: InvalidResourcePolicy

    public init(mappings: MappingTables, invalidPolicy: InvalidResourcePolicy = .fail) {
        self.mappings = mappings
        self.invalidPolicy = invalidPolicy
    }

    /// Reads one parsed JSON document (a whole file, or one NDJSON line when `line` is given).
    public func read(_ document: JSONDocument, file: String, format: SourceFormat, line: Int? = nil,
                     into output: inout FHIRReadOutput) throws(FHIRReadError) {
        let root = document.root
        let prefix = line.map { "line \($0): $" } ?? "$"
        guard root.kind == .object, let type = root["resourceType"]?.string else {
            throw FHIRReadError(kind: .notFHIR, file: file, location: prefix,
                                reason: "not a FHIR resource: the top-level JSON value has no \"resourceType\"")
        }
        var context = ReadContext(file: file, format: format, reader: self)
        try context.readResource(root, type: type, path: prefix, inherited: nil, bundle: nil, depth: 0, into: &output)
    }
}

/// Subject and time a DiagnosticReport passes on to the results it lists.
struct InheritedContext {
    var subject: PatientIdentity?
    var effective: ClinicalTime?
}

/// Index of one Bundle's entries for reference resolution.
struct BundleIndex {
    var byFullUrl: [String: Int] = [:]
    var byTypeAndId: [String: Int] = [:]
    var entries: [JSONValue] = []

    init(_ bundle: JSONValue) {
        for (i, entry) in elements(of: bundle["entry"]).enumerated() {
            entries.append(entry)
            if let url = entry["fullUrl"]?.string { byFullUrl[url] = i }
            if let resource = entry["resource"], let type = resource["resourceType"]?.string, let id = resource["id"]?.string {
                byTypeAndId[type + "/" + id] = i
            }
        }
    }

    /// The entry index a reference points at: exact fullUrl, `Type/id`, or an absolute URL ending in `Type/id`.
    func resolve(_ reference: String) -> Int? {
        if let i = byFullUrl[reference] { return i }
        if let i = byTypeAndId[reference] { return i }
        let parts = reference.split(separator: "/")
        if parts.count >= 2 {
            var tail = parts.suffix(2).joined(separator: "/")
            if parts.count >= 4, parts[parts.count - 2] == "_history" {
                tail = parts[parts.count - 4] + "/" + parts[parts.count - 3]
            }
            return byTypeAndId[tail]
        }
        return nil
    }
}

struct ReadContext {
    let file: String
    let format: SourceFormat
    let reader: FHIRReader
    var mappings: MappingTables { reader.mappings }
    static let maxBundleDepth = 8

    // MARK: resources

    mutating func readResource(_ resource: JSONValue, type: String, path: String, inherited: InheritedContext?,
                               bundle: BundleIndex?, depth: Int, into out: inout FHIRReadOutput) throws(FHIRReadError) {
        out.report.resourcesByType[type, default: 0] += 1
        if type != "Observation", let marker = FHIRVersionMarkers.detect(type: type, resource: resource) {
            throw FHIRReadError(kind: .unsupportedVersion(marker.version), file: file, location: path + "." + marker.element,
                                reason: "FHIR \(marker.version) content: \(marker.why). TACEBridge reads FHIR R4 (4.0.1) only; convert the file to R4 first")
        }
        do {
            switch type {
            case "Bundle": try readBundle(resource, path: path, depth: depth, into: &out)
            case "Observation": try readObservation(resource, path: path, inherited: inherited, bundle: bundle, into: &out)
            case "Procedure": try readProcedure(resource, path: path, bundle: bundle, into: &out)
            case "Condition": try readCondition(resource, path: path, bundle: bundle, into: &out)
            case "Patient": try readPatient(resource, path: path, into: &out)
            case "DiagnosticReport": try readDiagnosticReport(resource, path: path, bundle: bundle, depth: depth, into: &out)
            default:
                out.report.skip(SkippedItem(file: file, location: path, resourceType: type, kind: .ignoredResourceType,
                                            detail: "\(type) is not read by TACEBridge"))
            }
        } catch let error as InvalidElement {
            let location = path + error.relativePath
            if reader.invalidPolicy == .fail {
                throw FHIRReadError(kind: .invalidResource, file: file, location: location, reason: error.reason)
            }
            out.report.skip(SkippedItem(file: file, location: location, resourceType: type, kind: .invalidResource, detail: error.reason))
        } catch let error as FHIRReadError {
            throw error
        } catch {
            throw FHIRReadError(kind: .invalidResource, file: file, location: path, reason: "\(error)")
        }
    }

    mutating func readBundle(_ bundle: JSONValue, path: String, depth: Int, into out: inout FHIRReadOutput) throws {
        guard depth < Self.maxBundleDepth else { throw InvalidElement("", "Bundles nested more than \(Self.maxBundleDepth) deep") }
        guard let entries = bundle["entry"] else { return }
        guard entries.kind == .array else { throw InvalidElement(".entry", "must be an array") }
        let index = BundleIndex(bundle)
        // DiagnosticReport results inherit the report's subject and time.
        var inheritance: [Int: InheritedContext] = [:]
        for (i, entry) in index.entries.enumerated() {
            guard let resource = entry["resource"], resource["resourceType"]?.stringEquals("DiagnosticReport") == true else { continue }
            let subject = try? subjectIdentity(resource, path: "", bundle: index)
            let effective = try? effectiveTime(resource, path: "", element: "effective")
            for result in elements(of: resource["result"]) {
                if let ref = result["reference"]?.string, let target = index.resolve(ref), target != i {
                    inheritance[target] = InheritedContext(subject: subject ?? nil, effective: effective ?? nil)
                }
            }
        }
        for (i, entry) in index.entries.enumerated() {
            let entryPath = path + ".entry[\(i)]"
            guard let resource = entry["resource"] else { continue }  // e.g. DELETE entries, batch-response status only
            guard resource.kind == .object, let type = resource["resourceType"]?.string else {
                throw InvalidElement(".entry[\(i)].resource", "has no resourceType")
            }
            try readResource(resource, type: type, path: entryPath + ".resource", inherited: inheritance[i],
                             bundle: index, depth: depth + 1, into: &out)
        }
    }

    mutating func readDiagnosticReport(_ report: JSONValue, path: String, bundle: BundleIndex?, depth: Int,
                                       into out: inout FHIRReadOutput) throws {
        // Contained results (referenced as "#id") are read here; results that are Bundle entries are read as entries.
        guard let contained = report["contained"]?.elements, !contained.isEmpty else { return }
        let subject = try subjectIdentity(report, path: "", bundle: bundle)
        let effective = try effectiveTime(report, path: "", element: "effective")
        for (i, resource) in contained.enumerated() {
            guard let type = resource["resourceType"]?.string, type == "Observation" else { continue }
            try readObservation(resource, path: path + ".contained[\(i)]",
                                inherited: InheritedContext(subject: subject, effective: effective), bundle: bundle, into: &out)
        }
    }

    mutating func readPatient(_ patient: JSONValue, path: String, into out: inout FHIRReadOutput) throws {
        guard let id = try optionalString(patient, "id", path: "") else { return }
        var identifiers: [PatientIdentifier] = []
        for (i, identifier) in try array(patient, "identifier").enumerated() {
            guard let value = try optionalString(identifier, "value", path: ".identifier[\(i)]") else { continue }
            identifiers.append(PatientIdentifier(system: try optionalString(identifier, "system", path: ".identifier[\(i)]"), value: value))
        }
        let reference = "Patient/" + id
        out.patients[reference] = PatientRecord(identity: PatientIdentity(reference: reference, identifiers: identifiers), file: file)
    }

    mutating func readProcedure(_ procedure: JSONValue, path: String, bundle: BundleIndex?, into out: inout FHIRReadOutput) throws {
        guard let (concept, coding) = try mappedCoding(procedure["code"], path: ".code") else {
            return skip(&out, path, "Procedure", .unmappedCode, try codingList(procedure["code"]))
        }
        // A TACE session, or another treatment that interrupts a TACE chain (resection, ablation, ...).
        guard concept.kind == .procedure else {
            return skip(&out, path, "Procedure", .unsupportedValueType, "code maps to \(concept.rawValue), which is not a procedure concept")
        }
        let statusText = try requiredString(procedure, "status", path: "")
        guard let status = ProcedureStatus(rawValue: statusText) else { throw InvalidElement(".status", "is not a Procedure status code") }
        // A TACE begun and not completed (stopped) or not performed (not-done) is kept: it is no session, but it
        // breaks a chain of consecutive sessions (clinical reference §4.2). Other treatments: completed only.
        let value: ObservationValue
        if let v = concept == .tace ? ObservationValue.tace(status) : (status == .completed ? .event : nil) { value = v } else {
            return skip(&out, path, "Procedure", .procedureNotCompleted, "status \(status.rawValue)")
        }
        guard let subject = try subjectIdentity(procedure, path: "", bundle: bundle) else {
            return skip(&out, path, "Procedure", .noSubject, "subject missing, not resolvable or not a Patient")
        }
        let performed = try effectiveTime(procedure, path: "", element: "performed")
        let observation = TypedObservation(
            patient: subject, concept: concept, value: value, effective: performed, status: .final,
            original: coding, source: provenance(procedure, type: "Procedure", path: path))
        out.observations.append(observation)
        out.report.observationsProduced += 1
    }

    mutating func readCondition(_ condition: JSONValue, path: String, bundle: BundleIndex?, into out: inout FHIRReadOutput) throws {
        guard let (concept, coding) = try mappedCoding(condition["code"], path: ".code") else {
            return skip(&out, path, "Condition", .unmappedCode, try codingList(condition["code"]))
        }
        guard concept == .hccDiagnosis else {
            return skip(&out, path, "Condition", .unsupportedValueType, "code maps to \(concept.rawValue), which is not a condition concept")
        }
        if let verification = condition["verificationStatus"] {
            for c in elements(of: verification["coding"]) {
                if let code = c["code"]?.string, code == "refuted" || code == "entered-in-error" {
                    return skip(&out, path, "Condition", .conditionNotConfirmed, "verificationStatus \(code)")
                }
            }
        }
        guard let subject = try subjectIdentity(condition, path: "", bundle: bundle) else {
            return skip(&out, path, "Condition", .noSubject, "subject missing, not resolvable or not a Patient")
        }
        var when = try effectiveTime(condition, path: "", element: "onset")
        if when == nil, let recorded = try optionalString(condition, "recordedDate", path: "") {
            guard let t = ClinicalTime(fhir: recorded) else { throw InvalidElement(".recordedDate", "is not a FHIR dateTime") }
            when = t
        }
        out.observations.append(TypedObservation(
            patient: subject, concept: .hccDiagnosis, value: .event, effective: when, status: .final,
            original: coding, source: provenance(condition, type: "Condition", path: path)))
        out.report.observationsProduced += 1
    }
}

/// A conformance problem inside one resource, located relative to the resource.
struct InvalidElement: Error {
    var relativePath: String
    var reason: String
    init(_ relativePath: String, _ reason: String) {
        self.relativePath = relativePath
        self.reason = reason
    }
}
