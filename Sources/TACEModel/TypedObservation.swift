/// The input format an observation was read from.
public enum SourceFormat: String, Sendable, Hashable {
    case fhirJSON = "fhir-json"
    case fhirNDJSON = "fhir-ndjson"
    case hl7v2ER7 = "hl7v2-er7"
    case hl7v2XML = "hl7v2-xml"
    case cda = "cda"
    case legacyXML = "legacy-xml"
}

/// Where an observation came from, precise enough to find it again in the source.
public struct SourceProvenance: Sendable, Hashable {
    /// The file name as given on the command line (or `-` for standard input).
    public var file: String
    public var format: SourceFormat
    /// A reference that resolves outside the source, such as `Observation/abc`,
    /// or `nil` when the source resource had no id.
    public var resourceReference: String?
    /// Position inside the file: a JSON path (`$.entry[3].resource.component[0]`),
    /// `line 12` for NDJSON, a segment/field path or an XPath for other formats.
    public var location: String
    /// A stable identifier of the source record (FHIR identifier or fullUrl, HL7 v2 message id + OBX index),
    /// used to derive deterministic ids of normalized resources.
    public var recordKey: String

    public init(file: String, format: SourceFormat, resourceReference: String?, location: String, recordKey: String) {
        self.file = file
        self.format = format
        self.resourceReference = resourceReference
        self.location = location
        self.recordKey = recordKey
    }
}

/// The code and value as the source wrote them, kept beside the canonical ones.
public struct OriginalCoding: Sendable, Hashable {
    public var system: String?
    public var code: String
    public var display: String?
    /// The unit as written (UCUM code or free text), if any.
    public var unit: String?
    /// The value as written, for quantities whose unit was converted (e.g. `1.2` with unit `mg/dL`).
    public var valueText: String?

    public init(system: String?, code: String, display: String? = nil, unit: String? = nil, valueText: String? = nil) {
        self.system = system
        self.code = code
        self.display = display
        self.unit = unit
        self.valueText = valueText
    }
}

/// A unit conversion applied at the parse boundary, echoed in output.
public struct AppliedConversion: Sendable, Hashable {
    public var from: UCUMUnit
    public var to: UCUMUnit
    public var factor: Double
    /// The named configuration parameter that supplied the factor (e.g. `afp.ngPerIU`), if any.
    public var parameter: String?
    public init(from: UCUMUnit, to: UCUMUnit, factor: Double, parameter: String?) {
        self.from = from
        self.to = to
        self.factor = factor
        self.parameter = parameter
    }
}

/// One clinical fact, normalised: the unit of exchange between readers, the scoring core and writers.
///
/// The fields scoring reads on every comparison (patient, concept, value, time, status) are stored
/// inline; where the fact came from (original coding, conversion, source position, notes) lives in
/// one shared immutable box, so copying an observation costs one reference count, not a dozen.
public struct TypedObservation: Sendable, Hashable {
    public var patient: PatientIdentity
    public var concept: Concept
    public var value: ObservationValue
    /// When the fact holds (FHIR `effective[x]`, OBX-14, CDA effectiveTime); `nil` if the source gave none.
    public var effective: ClinicalTime?
    public var status: ObservationStatus
    private var origin: Origin

    /// The code and value as the source wrote them.
    public var original: OriginalCoding {
        get { origin.original }
        set { origin = Origin(original: newValue, conversion: conversion, source: source, notes: notes) }
    }
    /// The unit conversion applied, if any.
    public var conversion: AppliedConversion? {
        get { origin.conversion }
        set { origin = Origin(original: original, conversion: newValue, source: source, notes: notes) }
    }
    /// Where the fact was read.
    public var source: SourceProvenance {
        get { origin.source }
        set { origin = Origin(original: original, conversion: conversion, source: newValue, notes: notes) }
    }
    /// Free-text comments attached to the result (FHIR `note`, HL7 v2 NTE).
    public var notes: [String] {
        get { origin.notes }
        set { origin = Origin(original: original, conversion: conversion, source: source, notes: newValue) }
    }

    public init(patient: PatientIdentity, concept: Concept, value: ObservationValue, effective: ClinicalTime?,
                status: ObservationStatus, original: OriginalCoding, conversion: AppliedConversion? = nil,
                source: SourceProvenance, notes: [String] = []) {
        self.patient = patient
        self.concept = concept
        self.value = value
        self.effective = effective
        self.status = status
        self.origin = Origin(original: original, conversion: conversion, source: source, notes: notes)
    }

    public static func == (a: TypedObservation, b: TypedObservation) -> Bool {
        a.patient == b.patient && a.concept == b.concept && a.value == b.value && a.effective == b.effective
            && a.status == b.status && (a.origin === b.origin || a.origin.isEqual(to: b.origin))
    }

    public func hash(into h: inout Hasher) {
        h.combine(patient)
        h.combine(concept)
        h.combine(value)
        h.combine(effective)
        h.combine(status)
        h.combine(origin.source)
    }

    /// Immutable provenance of an observation (shared between copies).
    final class Origin: Sendable {
        let original: OriginalCoding
        let conversion: AppliedConversion?
        let source: SourceProvenance
        let notes: [String]

        init(original: OriginalCoding, conversion: AppliedConversion?, source: SourceProvenance, notes: [String]) {
            self.original = original
            self.conversion = conversion
            self.source = source
            self.notes = notes
        }

        func isEqual(to other: Origin) -> Bool {
            original == other.original && conversion == other.conversion && source == other.source && notes == other.notes
        }
    }
}
