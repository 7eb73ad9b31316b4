import TACEJSON

/// Elements whose presence (or JSON shape) marks a resource as an earlier FHIR version.
/// TACEBridge reads R4 only; a version error is clearer than a puzzling "unmapped" count.
enum FHIRVersionMarkers {
    struct Marker {
        let resourceType: String
        let element: String
        let version: String
        let why: String
        /// When true the marker fires only if the element is a JSON object (DSTU2 single CodeableConcept) or a string.
        let shape: Shape
        enum Shape { case present, object, string, arrayInName }
    }

    static let markers: [Marker] = [
        Marker(resourceType: "DiagnosticReport", element: "codedDiagnosis", version: "STU3",
               why: "DiagnosticReport.codedDiagnosis is STU3 (R4: conclusionCode)", shape: .present),
        Marker(resourceType: "DiagnosticReport", element: "request", version: "DSTU2",
               why: "DiagnosticReport.request is DSTU2 (R4: basedOn)", shape: .present),
        Marker(resourceType: "DiagnosticReport", element: "context", version: "STU3",
               why: "DiagnosticReport.context is STU3 (R4: encounter)", shape: .present),
        Marker(resourceType: "RiskAssessment", element: "comment", version: "STU3",
               why: "RiskAssessment.comment is STU3 (R4: note)", shape: .present),
        Marker(resourceType: "Observation", element: "comments", version: "DSTU2",
               why: "Observation.comments is DSTU2 (R4: note)", shape: .present),
        Marker(resourceType: "Observation", element: "comment", version: "STU3",
               why: "Observation.comment is STU3 (R4: note)", shape: .present),
        Marker(resourceType: "Observation", element: "context", version: "STU3",
               why: "Observation.context is STU3 (R4: encounter)", shape: .present),
        Marker(resourceType: "Observation", element: "category", version: "DSTU2",
               why: "Observation.category is a single object in DSTU2 (R4: an array)", shape: .object),
        Marker(resourceType: "Procedure", element: "notPerformed", version: "DSTU2",
               why: "Procedure.notPerformed is DSTU2 (R4: status not-done)", shape: .present),
        Marker(resourceType: "Procedure", element: "notDone", version: "STU3",
               why: "Procedure.notDone is STU3 (R4: status not-done)", shape: .present),
        Marker(resourceType: "Condition", element: "clinicalStatus", version: "STU3 or DSTU2",
               why: "Condition.clinicalStatus is a plain code before R4 (R4: CodeableConcept)", shape: .string),
        Marker(resourceType: "Condition", element: "verificationStatus", version: "STU3 or DSTU2",
               why: "Condition.verificationStatus is a plain code before R4 (R4: CodeableConcept)", shape: .string),
        Marker(resourceType: "Patient", element: "name", version: "DSTU2",
               why: "Patient.name.family is an array in DSTU2 (R4: a string)", shape: .arrayInName),
        Marker(resourceType: "Bundle", element: "base", version: "DSTU2",
               why: "Bundle.base is DSTU1/DSTU2", shape: .present),
    ]

    static let markersByType: [String: [Marker]] = Dictionary(grouping: markers, by: \.resourceType)

    /// The first marker found in `resource` of type `type`, if any.
    static func detect(type: String, resource: JSONValue) -> Marker? {
        guard let candidates = markersByType[type] else { return nil }
        for m in candidates {
            guard let v = resource[m.element] else { continue }
            switch m.shape {
            case .present: return m
            case .object: if v.kind == .object { return m }
            case .string: if v.kind == .string { return m }
            case .arrayInName:
                for name in v.elements where name["family"]?.kind == .array { return m }
            }
        }
        return nil
    }
}
