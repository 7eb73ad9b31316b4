import TACEFHIRReader
import TACEHL7v2
import TACEMappings
import TACEModel

extension HL7v2Reader {
    /// PR1 (procedures, in ADT, BAR, DFT and other messages) to a procedure event: a TACE session or
    /// another treatment that interrupts a TACE chain, for the refractoriness timeline.
    ///
    /// PR1-3 (CNE/CE code, else its alternate) through `hl7v2-coding-systems.csv` and `codes.csv`;
    /// the concept must be a procedure. PR1-5 is the time performed. PR1-20 (procedure action code,
    /// table 0206) `D` withdraws the record: counted `procedure-not-completed`. PR1 carries no other
    /// status: a reported procedure is one that was performed (status final). Not used on the hot
    /// path of lab results, so it reads through `HL7Segment` for clarity.
    func readPR1(_ pr1: HL7Segment, location: String, recordKey: String, file: String,
                 identity: PatientIdentity?) throws(InvalidField) -> Result<TypedObservation, Unused> {
        func unused(_ kind: SkipKind, _ detail: String) -> Result<TypedObservation, Unused> {
            .failure(Unused(kind: kind, detail: detail))
        }
        let code = pr1[3].component(1).string.isEmpty ? nil : pr1[3]
        var tried: [String] = []
        var mapped: (Concept, OriginalCoding)? = nil
        if let code {
            for alternate in 0..<2 {
                let value = code.component(1 + 3 * alternate).string.trimmed
                guard !value.isEmpty else { continue }
                let name = code.component(3 + 3 * alternate).string.trimmed
                let system = name.isEmpty ? nil : mappings.codeSystem(hl7v2Name: name)
                if let concept = mappings.concept(system: system, code: value) {
                    let display = code.component(2 + 3 * alternate).string
                    mapped = (concept, OriginalCoding(system: system, code: value, display: display.isEmpty ? nil : display))
                    break
                }
                if let reason = mappings.rejectionReason(system: system, code: value) {
                    return unused(.unmappedCode, codingText(system, value) + " is deliberately not used: " + reason)
                }
                tried.append(codingText(system, value))
            }
        }
        guard let (concept, coding) = mapped else {
            return unused(.unmappedCode, tried.isEmpty ? "PR1-3 has no code" : "no codes.csv row for " + tried.joined(separator: ", "))
        }
        guard concept.kind == .procedure else {
            return unused(.unsupportedValueType, "PR1-3 maps to \(concept.rawValue), which is not a procedure concept")
        }
        if pr1[20].component(1).string.trimmed.uppercased() == "D" {
            return unused(.procedureNotCompleted, "\(concept.rawValue): PR1-20 'D' (the procedure record is deleted)")
        }
        guard let patient = identity else {
            return unused(.noSubject, "\(concept.rawValue): no PID-3 identifier in the message")
        }
        var performed: ClinicalTime? = nil
        let time = pr1[5].component(1).string.trimmed
        if !time.isEmpty {
            guard let t = HL7TimeStamp.parse(time) else {
                throw InvalidField(field: 5, reason: "PR1-5 is not an HL7 v2 date/time (YYYY[MM[DD[HH[MM[SS[.S]]]]]][+/-ZZZZ])")
            }
            performed = t
        }
        let source = SourceProvenance(file: file, format: sourceFormat, resourceReference: nil, location: location, recordKey: recordKey)
        return .success(TypedObservation(patient: patient, concept: concept, value: .event, effective: performed, status: .final,
                                         original: coding, source: source))
    }
}
