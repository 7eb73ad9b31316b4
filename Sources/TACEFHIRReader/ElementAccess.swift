import TACEJSON
import TACEMappings
import TACEModel

/// Typed access to FHIR elements; a wrong JSON type is an `InvalidElement` with its path.
extension ReadContext {
    // `path` is an autoclosure: it is only built for an error message, not for every element read
    // (building `.coding[0]` paths eagerly was ~4 % of `convert`).
    func requiredString(_ object: JSONValue, _ key: String, path: @autoclosure () -> String) throws -> String {
        guard let v = object[key] else { throw InvalidElement(path() + "." + key, "is required") }
        guard let s = v.string else { throw InvalidElement(path() + "." + key, "must be a string") }
        return s
    }

    func optionalString(_ object: JSONValue, _ key: String, path: @autoclosure () -> String) throws -> String? {
        guard let v = object[key], !v.isNull else { return nil }
        guard let s = v.string else { throw InvalidElement(path() + "." + key, "must be a string") }
        return s
    }

    /// As `optionalString`, but the string value itself (nothing decoded yet).
    func optionalStringValue(_ object: JSONValue, _ key: String, path: @autoclosure () -> String) throws -> JSONValue? {
        guard let v = object[key], !v.isNull else { return nil }
        guard v.kind == .string else { throw InvalidElement(path() + "." + key, "must be a string") }
        return v
    }

    /// The key of "no system" (a coding without `system` matches rows with an empty system).
    static func noSystem(_ mappings: MappingTables) -> CodingSystemKey {
        mappings.codingSystem(uri: UnsafeBufferPointer(start: nil, count: 0))
    }

    func array(_ object: JSONValue, _ key: String) throws -> [JSONValue] {
        guard let v = object[key], !v.isNull else { return [] }
        guard v.kind == .array else { throw InvalidElement("." + key, "must be an array") }
        return Array(v.elements)
    }

    /// The first coding of a CodeableConcept that the code table maps, with the coding as written.
    func mappedCoding(_ codeableConcept: JSONValue?, path: String) throws -> (Concept, OriginalCoding)? {
        guard let cc = codeableConcept else { return nil }
        guard cc.kind == .object else { throw InvalidElement(path, "must be a CodeableConcept object") }
        guard let codings = cc["coding"] else { return nil }
        guard codings.kind == .array else { throw InvalidElement(path + ".coding", "must be an array") }
        var index = 0
        for coding in codings.elements {
            defer { index += 1 }
            guard coding.kind == .object else { throw InvalidElement(path + ".coding[\(index)]", "must be an object") }
            // Looked up by the bytes of system and code; Strings are made only for the coding that maps.
            let system = try optionalStringValue(coding, "system", path: path + ".coding[\(index)]")
            guard let code = try optionalStringValue(coding, "code", path: path + ".coding[\(index)]") else { continue }
            let key = system?.withStringBytes { mappings.codingSystem(uri: $0) } ?? Self.noSystem(mappings)
            if case .concept(let concept, _)? = code.withStringBytes({ mappings.lookup(key, code: $0) }) ?? nil {
                let display = try optionalString(coding, "display", path: path + ".coding[\(index)]")
                return (concept, OriginalCoding(system: system?.string, code: code.string ?? "", display: display))
            }
        }
        return nil
    }

    /// `system|code` of every coding, for reports (codes are not patient data).
    func codingList(_ codeableConcept: JSONValue?) throws -> String {
        guard let codings = codeableConcept?["coding"]?.elements, !codings.isEmpty else {
            return "no coded code (text only)"
        }
        let list = codings.map { c in codingText(c["system"]?.string, c["code"]?.string ?? "") }
        return "no codes.csv row for " + list.joined(separator: ", ")
    }

    /// The patient a resource is about, resolved through the Bundle where possible.
    /// Returns `nil` when there is no subject or it cannot be resolved to something stable.
    func subjectIdentity(_ resource: JSONValue, path: String, bundle: BundleIndex?) throws -> PatientIdentity? {
        try subjectIdentity(reference: resource["subject"] ?? resource["patient"], path: path, bundle: bundle)
    }

    func subjectIdentity(reference subjectValue: JSONValue?, path: String, bundle: BundleIndex?) throws -> PatientIdentity? {
        guard let subject = subjectValue, !subject.isNull else { return nil }
        guard subject.kind == .object else { throw InvalidElement(path + ".subject", "must be a Reference object") }
        // Only a Patient is a patient: a Group, Device, Location, … subject gives no-subject.
        if let type = subject["type"]?.string, !Self.isPatientType(type) { return nil }
        var identifiers: [PatientIdentifier] = []
        if let identifier = subject["identifier"], let value = identifier["value"]?.string {
            identifiers.append(PatientIdentifier(system: identifier["system"]?.string, value: value))
        }
        guard let reference = try optionalString(subject, "reference", path: path + ".subject") else {
            return identifiers.isEmpty ? nil : PatientIdentity(reference: nil, identifiers: identifiers)
        }
        if let bundle, let i = bundle.resolve(reference), let patient = bundle.entries[i]["resource"] {
            guard patient["resourceType"]?.string == "Patient" else { return nil }
            if let id = patient["id"]?.string, let type = patient["resourceType"]?.string {
                return PatientIdentity(reference: type + "/" + id, identifiers: identifiers)
            }
            // A patient entry without id (urn:uuid only): identify it by its business identifiers.
            for identifier in elements(of: patient["identifier"]) {
                if let value = identifier["value"]?.string {
                    identifiers.append(PatientIdentifier(system: identifier["system"]?.string, value: value))
                }
            }
            return identifiers.isEmpty ? nil : PatientIdentity(reference: nil, identifiers: identifiers)
        }
        if bundle == nil, isPlainRelativeReference(reference) {
            guard reference.hasPrefix("Patient/") else { return nil }
            return PatientIdentity(reference: reference, identifiers: identifiers)  // `Patient/123`: the common case
        }
        if reference.hasPrefix("urn:uuid:") || reference.hasPrefix("urn:oid:") || reference.hasPrefix("#") {
            // Points into a Bundle we do not have: not stable outside it.
            return identifiers.isEmpty ? nil : PatientIdentity(reference: nil, identifiers: identifiers)
        }
        // Relative `Patient/123`, or absolute `https://server/fhir/Patient/123` → keep `Patient/123`.
        let parts = reference.split(separator: "/")
        if parts.count >= 2 {
            var type = parts[parts.count - 2], id = parts[parts.count - 1]
            if parts.count >= 4, parts[parts.count - 2] == "_history" {
                type = parts[parts.count - 4]
                id = parts[parts.count - 3]
            }
            guard type == "Patient" else { return nil }
            return PatientIdentity(reference: type + "/" + id, identifiers: identifiers)
        }
        return identifiers.isEmpty ? nil : PatientIdentity(reference: nil, identifiers: identifiers)
    }

    /// Whether a Reference's `type` (a FHIR resource type, or its canonical URL) names Patient.
    static func isPatientType(_ type: String) -> Bool {
        type == "Patient" || type == "http://hl7.org/fhir/StructureDefinition/Patient"
    }

    /// `<element>DateTime`, `<element>Instant`, or `<element>Period.start` (else `.end`).
    func effectiveTime(_ resource: JSONValue, path: String, element: String) throws -> ClinicalTime? {
        try effectiveTime(dateTime: resource[element + "DateTime"], instant: resource[element + "Instant"],
                          period: resource[element + "Period"], path: path, element: element)
    }

    /// `<element>DateTime`, `<element>Instant`, or `<element>Period.start` (else `.end`).
    func effectiveTime(dateTime: JSONValue?, instant: JSONValue?, period: JSONValue?, path: String, element: String) throws -> ClinicalTime? {
        // Parsed from the JSON bytes (no String per date).
        if let dateTime, !dateTime.isNull {
            guard let t = dateTime.withStringBytes({ ClinicalTimeFormat.parse($0, strictFHIR: true) }) ?? nil else {
                throw InvalidElement(path + "." + element + "DateTime", "is not a valid FHIR dateTime")
            }
            return t
        }
        if let instant, !instant.isNull {
            guard let t = instant.withStringBytes({ ClinicalTimeFormat.parse($0, strictFHIR: true) }) ?? nil else {
                throw InvalidElement(path + "." + element + "Instant", "is not a valid FHIR instant")
            }
            return t
        }
        if let period, !period.isNull {
            guard period.kind == .object else { throw InvalidElement(path + "." + element + "Period", "must be a Period object") }
            for end in ["start", "end"] {
                if let text = try optionalString(period, end, path: path + "." + element + "Period") {
                    guard let t = ClinicalTime(fhir: text) else {
                        throw InvalidElement(path + "." + element + "Period." + end, "is not a valid FHIR dateTime")
                    }
                    return t
                }
            }
        }
        return nil
    }

    func provenance(_ resource: JSONValue, type: String, path: String) -> SourceProvenance {
        provenance(id: resource["id"], identifier: resource["identifier"], meta: resource["meta"], type: type, path: path)
    }

    func provenance(id idValue: JSONValue?, identifier identifiers: JSONValue?, meta: JSONValue?, type: String, path: String) -> SourceProvenance {
        let id = idValue?.string
        let reference = id.map { type + "/" + $0 }
        var key = reference ?? (file + "#" + path)
        if let identifier = identifiers?[0], let value = identifier["value"]?.string {
            key = "identifier:" + (identifier["system"]?.string ?? "") + "|" + value
        }
        if let version = meta?["versionId"]?.string { key += "/_history/" + version }
        return SourceProvenance(file: file, format: format, resourceReference: reference, location: path, recordKey: key)
    }

    func skip(_ out: inout FHIRReadOutput, _ path: String, _ type: String, _ kind: SkipKind, _ detail: String) {
        out.report.skip(SkippedItem(file: file, location: path, resourceType: type, kind: kind, detail: detail))
    }
}

/// The elements of a JSON array as an array; empty for a missing or non-array value.
func elements(of value: JSONValue?) -> [JSONValue] {
    guard let value, value.kind == .array else { return [] }
    return Array(value.elements)
}

/// `Type/id` with no scheme and exactly one slash. (Scans the contiguous UTF-8 bytes: iterating
/// `String.utf8` cost ~16 instructions a byte, and this runs for every subject reference.)
func isPlainRelativeReference(_ reference: String) -> Bool {
    var reference = reference
    return reference.withUTF8 { bytes in
        var slashes = 0
        for b in bytes {
            if b == 0x2F { slashes += 1 } else if b == 0x3A || b == 0x23 { return false }
        }
        return slashes == 1 && bytes.first != 0x2F && bytes.last != 0x2F
    }
}

/// Source text that may be echoed in a report: see `ReportText.echoable`.
func echoable(_ text: String) -> String { ReportText.echoable(text) }

/// `system|code` for reports: see `ReportText.codingText`.
func codingText(_ system: String?, _ code: String) -> String { ReportText.codingText(system, code) }
