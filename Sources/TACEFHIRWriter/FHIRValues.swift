#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TACEJSON
import TACEModel

/// Small writers for FHIR datatypes shared by the resource writers.
enum FHIRValues {
    /// Removes binary floating-point noise from converted values (1.2 × 17.104 prints 20.5248, not 20.524800000000003)
    /// by rounding to 12 significant digits; values are computed at full precision before this.
    static func clean(_ x: Double) -> Double {
        guard x.isFinite, x != 0 else { return x }
        let magnitude = Int(floor(log10(abs(x))))
        let scale = pow(10.0, Double(11 - magnitude))
        guard scale.isFinite, scale > 0 else { return x }
        let r = (x * scale).rounded() / scale
        return r.isFinite ? r : x
    }

    static func coding(_ json: inout JSONWriter, system: String, code: String, display: String? = nil) {
        json.beginObject()
        json.key(.system); json.string(system)
        json.key(.code); json.string(code)
        if let display { json.key(.display); json.string(display) }
        json.endObject()
    }

    static func codeableConcept(_ json: inout JSONWriter, system: String, code: String, display: String? = nil, text: String? = nil) {
        json.beginObject()
        json.key(.coding); json.beginArray()
        coding(&json, system: system, code: code, display: display)
        json.endArray()
        if let text { json.key(.text); json.string(text) }
        json.endObject()
    }

    static func quantity(_ json: inout JSONWriter, _ value: Double, unit: UCUMUnit, comparator: Comparator = .equal) {
        json.beginObject()
        json.key(.value); json.number(clean(value))
        if comparator != .equal { json.key(.comparator); json.string(comparator.rawValue) }
        json.key(.unit); json.string(unit.displayText.isEmpty ? unit.rawValue : unit.displayText)
        json.key(.system); json.string(TACECodeSystems.ucum)
        json.key(.code); json.string(unit.rawValue)
        json.endObject()
    }

    static func reference(_ json: inout JSONWriter, _ reference: String, display: String? = nil) {
        json.beginObject()
        json.key(.reference); json.string(reference)
        if let display { json.key(.display); json.string(display) }
        json.endObject()
    }

    /// A patient reference: `Patient/123` when known, else a logical reference by business identifier.
    static func subject(_ json: inout JSONWriter, _ patient: PatientIdentity) {
        json.beginObject()
        if let reference = patient.reference {
            json.key(.reference); json.string(reference)
        } else if let identifier = patient.identifiers.first {
            json.key(.type); json.string("Patient")
            json.key(.identifier); json.beginObject()
            if let system = identifier.system { json.key(.system); json.string(system) }
            json.key(.value); json.string(identifier.value)
            json.endObject()
        }
        json.endObject()
    }

    static func identifier(_ json: inout JSONWriter, system: String, value: String) {
        json.key(.identifier); json.beginArray()
        json.beginObject()
        json.key(.system); json.string(system)
        json.key(.value); json.string(value)
        json.endObject()
        json.endArray()
    }

    /// An identifier whose value is a `StableID` in hex, written without creating a String.
    static func identifier(_ json: inout JSONWriter, system: String, id: StableID) {
        json.key(.identifier); json.beginArray()
        json.beginObject()
        json.key(.system); json.string(system)
        json.key(.value); id.withUTF8(.hex) { json.string(utf8: $0) }
        json.endObject()
        json.endArray()
    }

    /// The device that authored TACEBridge output, as a logical reference (no dangling `Device/x`).
    static func deviceReference(_ json: inout JSONWriter) {
        json.beginObject()
        json.key(.identifier); json.beginObject()
        json.key(.system); json.string(TACECodeSystems.deviceIdentifier)
        json.key(.value); json.string("tacebridge")
        json.endObject()
        json.key(.display); json.string("TACEBridge " + TACEBridgeVersion.current)
        json.endObject()
    }
}

/// The version written into Provenance and device displays.
public enum TACEBridgeVersion {
    public static let current = "0.1.0"
}
