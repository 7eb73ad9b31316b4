import TACEIngest
import TACEModel
import TACEStore

/// Reads how an HTTP caller names a patient.
enum PatientQueryParsing {
    /// `system|value` (an identifier; `|value` has no system), `Patient/123` or `123` (a stored id), or a
    /// bare value without `|` that is not a number (an identifier without system). Nil when empty.
    static func query(_ text: String) -> PatientQuery? {
        let trimmed = text.trimmingBlanks
        guard !trimmed.isEmpty else { return nil }
        if let bar = trimmed.firstIndex(of: "|") {
            let system = String(trimmed[..<bar])
            let value = String(trimmed[trimmed.index(after: bar)...])
            guard !value.isEmpty else { return nil }
            return .identifier(PatientIdentifier(system: system.isEmpty ? nil : system, value: value))
        }
        var id = Substring(trimmed)
        if id.hasPrefix("Patient/") { id = id.dropFirst("Patient/".count) }
        if let row = Int64(id), row > 0 { return .stored(StoredPatientID(rawValue: row)) }
        if trimmed.hasPrefix("Patient/") { return nil }
        return .identifier(PatientIdentifier(system: nil, value: trimmed))
    }

    /// A stored patient id from a FHIR logical id (`/fhir/Patient/{id}`); nil when it is not one.
    static func storedID(_ text: String) -> PatientQuery? {
        guard let row = Int64(text), row > 0 else { return nil }
        return .stored(StoredPatientID(rawValue: row))
    }
}

extension String {
    var trimmingBlanks: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
