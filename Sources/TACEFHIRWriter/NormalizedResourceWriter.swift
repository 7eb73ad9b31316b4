import TACEJSON
import TACEModel

/// Writes a typed observation back as FHIR R4 with canonical codes and UCUM units:
/// an Observation, or a Procedure (TACE session) / Condition (HCC diagnosis) for event concepts.
/// The code, value and unit as the source wrote them are kept in extensions beside the canonical ones.
public enum NormalizedResourceWriter {
    public static let originalCodingExtension = TACECodeSystems.base + "/StructureDefinition/original-coding"
    public static let originalValueExtension = TACECodeSystems.base + "/StructureDefinition/original-value"
    public static let conversionExtension = TACECodeSystems.base + "/StructureDefinition/unit-conversion"
    public static let sourceExtension = TACECodeSystems.base + "/StructureDefinition/source-location"
    /// The local time of day of a source time that had no UTC offset (`2025-03-10T07:45:00`): the
    /// FHIR element then holds only the date, since FHIR requires a zone and none may be invented.
    public static let localTimeExtension = TACECodeSystems.base + "/StructureDefinition/source-local-time"

    public static func resourceType(of o: TypedObservation) -> String {
        switch o.concept.kind {
        case .procedure: return "Procedure"
        case .condition: return "Condition"
        default: return "Observation"
        }
    }

    /// Deterministic business identifier of the normalized resource: the same source record and concept
    /// give the same value in every run and from every file (conditional creates are idempotent).
    public static func id(of o: TypedObservation) -> StableID { id(o.source, o.concept) }

    static func id(_ source: SourceProvenance, _ concept: Concept) -> StableID {
        StableID(source.recordKey, concept.rawValue)
    }

    /// The entry's fullUrl id: the position the observation was read from (file, location, concept), so it is
    /// unique within a run by construction and no set of written ids has to be kept (memory stays flat).
    public static func entryID(of o: TypedObservation) -> StableID { entryID(o.source, o.concept) }

    static func entryID(_ source: SourceProvenance, _ concept: Concept) -> StableID {
        StableID(source.file, source.location, concept.rawValue)
    }

    public static func fullUrl(of o: TypedObservation) -> String { entryID(of: o).urnUUID }

    public static func request(for o: TypedObservation, id: StableID) -> EntryRequest {
        .conditionalCreate(type: resourceType(of: o), identifierSystem: TACECodeSystems.normalizedObservationIdentifier,
                           identifierValue: id.hex)
    }

    /// Writes the observation as one Bundle entry. `traceSource` adds the source file and position as an
    /// extension (off by default: local file paths do not belong in resources sent to a server).
    public static func entry(_ o: TypedObservation, traceSource: Bool = false, into bundle: inout BundleStreamWriter) {
        // `source` is read out of the observation's shared box once (each read copies its Strings).
        let source = o.source
        let id = id(source, o.concept)
        bundle.entry(id: entryID(source, o.concept), request: request(for: o, id: id)) { json in
            write(o, id: id, traceSource: traceSource, into: &json)
        }
    }

    /// A reference to the input as it can be resolved outside this run: the source resource if it had an id,
    /// otherwise `nil` (callers then include the normalized resource and reference its fullUrl).
    public static func externalReference(of o: TypedObservation) -> String? { o.source.resourceReference }

    public static func write(_ o: TypedObservation, id: StableID, traceSource: Bool = false, into json: inout JSONWriter) {
        let type = resourceType(of: o)
        json.beginObject()
        json.key(.resourceType); json.string(type)
        writeExtensions(o, traceSource: traceSource, into: &json)
        FHIRValues.identifier(&json, system: TACECodeSystems.normalizedObservationIdentifier, id: id)
        switch type {
        case "Procedure":
            // A TACE record kept although not completed carries its FHIR status (stopped / not-done).
            json.key(.status); json.string(o.value.notCompletedProcedureStatus?.rawValue ?? "completed")
            json.key(.code); FHIRValues.codeableConcept(&json, system: TACECodeSystems.procedures, code: o.concept.procedureCode ?? "tace",
                                                         display: o.concept.displayName)
            json.key(.subject); FHIRValues.subject(&json, o.patient)
            if let t = o.effective { json.key(.performedDateTime); json.string(t.fhirDateTime) }
        case "Condition":
            json.key(.code); FHIRValues.codeableConcept(&json, system: TACECodeSystems.snomed, code: "109841003",
                                                         display: "Liver cell carcinoma (disorder)")
            json.key(.subject); FHIRValues.subject(&json, o.patient)
            if let t = o.effective { json.key(.onsetDateTime); json.string(t.fhirDateTime) }
        default:
            json.key(.status); json.string(o.status.rawValue)
            let constant = ConstantParts.of(o.concept)
            json.key(.category); json.raw(compactSource: constant.category.root)
            json.key(.code); json.raw(compactSource: constant.code.root)
            json.key(.subject); FHIRValues.subject(&json, o.patient)
            if let t = o.effective { json.key(.effectiveDateTime); json.string(t.fhirDateTime) }
            switch o.value {
            case .quantity(let m):
                json.key(.valueQuantity); FHIRValues.quantity(&json, m.value, unit: m.unit, comparator: m.comparator)
            case .coded(let code):
                json.key(.valueCodeableConcept)
                FHIRValues.codeableConcept(&json, system: TACECodeSystems.values(of: o.concept), code: code)
            case .text(let text):
                json.key(.valueString); json.string(text)
            case .event:
                break
            }
            if !o.notes.isEmpty {
                json.key(.note); json.beginArray()
                for n in o.notes { json.beginObject(); json.key(.text); json.string(n); json.endObject() }
                json.endArray()
            }
            let source = o.source
            if let ref = source.resourceReference, source.format == .fhirJSON || source.format == .fhirNDJSON {
                json.key(.derivedFrom); json.beginArray(); FHIRValues.reference(&json, ref); json.endArray()
            }
        }
        json.endObject()
    }

    static func writeExtensions(_ o: TypedObservation, traceSource: Bool, into json: inout JSONWriter) {
        json.key(.`extension`); json.beginArray()
        json.beginObject()
        json.key(.url); json.string(originalCodingExtension)
        json.key(.valueCoding); json.beginObject()
        // Read out of the observation's shared box once (each read copies its Strings).
        let original = o.original
        if let s = original.system, !s.isEmpty { json.key(.system); json.string(s) }
        json.key(.code); json.string(original.code)
        if let d = original.display { json.key(.display); json.string(d) }
        json.endObject()
        json.endObject()
        if let valueText = original.valueText {
            json.beginObject()
            json.key(.url); json.string(originalValueExtension)
            // The comparator is the source's too (conversions are positive factors): `>60500 IU/mL`.
            var text = valueText
            if case .quantity(let m) = o.value, m.comparator != .equal { text = m.comparator.rawValue + text }
            json.key(.valueString); json.string(original.unit.map { text + " " + $0 } ?? text)
            json.endObject()
        }
        if let t = o.effective, t.lacksOffsetForFHIR {
            json.beginObject()
            json.key(.url); json.string(localTimeExtension)
            json.key(.valueString); json.string(t.localText)
            json.endObject()
        }
        if let c = o.conversion {
            json.beginObject()
            json.key(.url); json.string(conversionExtension)
            var text = "\(c.from.rawValue) -> \(c.to.rawValue) x \(formatFactor(c.factor))"
            if let p = c.parameter { text += " (\(p))" }
            json.key(.valueString); json.string(text)
            json.endObject()
        }
        if traceSource {
            json.beginObject()
            json.key(.url); json.string(sourceExtension)
            json.key(.valueString); json.string(o.source.format.rawValue + " " + o.source.file + " " + o.source.location)
            json.endObject()
        }
        json.endArray()
    }

    /// The parts of a normalized Observation that depend only on its concept, built once by a compact
    /// writer and copied (`JSONWriter.raw(compactSource:)`: in one piece into compact output, token by
    /// token into pretty output), which is several times faster than writing them call by call.
    struct ConstantParts: Sendable {
        let category: JSONDocument
        let code: JSONDocument

        /// In `Concept.allCases` order: found by position, since hashing a String-backed enum hashes its name.
        static let all: [ConstantParts] = concepts.map(build)
        static let concepts = Concept.allCases

        static func of(_ concept: Concept) -> ConstantParts {
            concepts.firstIndex(of: concept).map { all[$0] } ?? build(concept)
        }

        static func build(_ concept: Concept) -> ConstantParts {
            func document(_ write: (inout JSONWriter) -> Void) -> JSONDocument {
                var json = JSONWriter(pretty: false)
                write(&json)
                // Our own writer's output: parsing it cannot fail short of a bug, caught by the writer tests.
                return (try? JSONDocument.parse(json.bytes)) ?? (try? JSONDocument.parse(Array("{}".utf8)))!
            }
            let category = document { json in
                json.beginArray()
                FHIRValues.codeableConcept(&json, system: "http://terminology.hl7.org/CodeSystem/observation-category",
                                           code: concept.kind == .laboratory ? "laboratory" : concept.kind == .imaging ? "imaging" : "exam")
                json.endArray()
            }
            let code = document { json in
                FHIRValues.codeableConcept(&json, system: TACECodeSystems.concepts, code: concept.rawValue, display: concept.displayName)
            }
            return ConstantParts(category: category, code: code)
        }
    }

    static func formatFactor(_ f: Double) -> String {
        let c = FHIRValues.clean(f)
        if c == c.rounded(), abs(c) < 1e15 { return String(Int(c)) }
        return String(c)
    }
}
