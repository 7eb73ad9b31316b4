import TACEFHIRReader
import TACEHL7v2
import TACEMappings
import TACEModel

/// A field that breaks its HL7 v2 data type; `field` is the OBX field number.
struct InvalidField: Error {
    var field: Int
    var reason: String
}

/// What one OBX inherits from its message and group.
struct ResultContext {
    var file: String
    var location: String
    var recordKey: String
    var identity: PatientIdentity?
    var obr: HL7Segment?
    var notes: [String]
}

/// A reason an OBX is not used, counted in the report.
struct Unused: Error {
    var kind: SkipKind
    var detail: String
}

extension HL7v2Reader {
    /// One OBX to an observation, or nil after counting why not.
    func readOBX(_ obx: HL7Segment, context: ResultContext, into out: inout FHIRReadOutput) throws(InvalidField) -> TypedObservation? {
        switch try mapOBX(obx, context: context) {
        case .success(let o): return o
        case .failure(let unused):
            skip(&out, context.file, context.location, "OBX", unused.kind, unused.detail)
            return nil
        }
    }

    func mapOBX(_ obx: HL7Segment, context: ResultContext) throws(InvalidField) -> Result<TypedObservation, Unused> {
        // Status first: a cancelled or order-only OBX is that, whatever its code.
        let statusText = obx[11].component(1).string.trimmed
        let status: ObservationStatus
        switch statusText.uppercased() {
        case "F", "U": status = .final
        case "C": status = .corrected
        case "A": status = .amended
        case "P": status = .preliminary
        case "R", "I", "S": status = .registered
        case "": status = .unknown
        case "X", "D", "W", "N":
            return .failure(Unused(kind: .excludedStatus, detail: "OBX-11 \(echoable(statusText)): result cancelled, deleted, wrong or not asked"))
        case "O":
            return .failure(Unused(kind: .orderNotResult, detail: "OBX-11 'O': order detail description only, no result"))
        default:
            throw InvalidField(field: 11, reason: "OBX-11 \(echoable(statusText)) is not an observation result status (HL7 table 0085)")
        }

        // Code: OBX-3 identifier and coding system, then its alternate.
        let code = obx[3]
        var tried: [String] = []
        var mapped: (Concept, OriginalCoding)? = nil
        for (c, t, s) in [(1, 2, 3), (4, 5, 6)] {
            let codeText = code.component(c).string.trimmed
            guard !codeText.isEmpty else { continue }
            let name = code.component(s).string.trimmed
            let system: String? = name.isEmpty ? nil : mappings.codeSystem(hl7v2Name: name)
            if let concept = mappings.concept(system: system, code: codeText) {
                let display = code.component(t).nonEmptyString
                mapped = (concept, OriginalCoding(system: system, code: codeText, display: display))
                break
            }
            if let reason = mappings.rejectionReason(system: system, code: codeText) {
                return .failure(Unused(kind: .unmappedCode, detail: codingText(system, codeText) + " is deliberately not used: " + reason))
            }
            tried.append(codingText(system, codeText))
        }
        guard let (concept, coding) = mapped else {
            return .failure(Unused(kind: .unmappedCode, detail: tried.isEmpty ? "OBX-3 has no code" : "no codes.csv row for " + tried.joined(separator: ", ")))
        }

        guard let patient = context.identity else {
            return .failure(Unused(kind: .noSubject, detail: "\(concept.rawValue): no PID-3 identifier in the message"))
        }

        let value: ObservationValue, original: OriginalCoding, conversion: AppliedConversion?
        switch try self.value(obx, concept: concept, coding: coding) {
        case .success(let mappedValue): (value, original, conversion) = mappedValue
        case .failure(let unused): return .failure(unused)
        }

        // Time: OBX-14, else OBR-7 (observation date/time of the group).
        var effective: ClinicalTime? = nil
        let obxTime = obx[14].component(1).string.trimmed
        if !obxTime.isEmpty {
            guard let t = HL7DateTime.parse(obxTime) else { throw InvalidField(field: 14, reason: "OBX-14 is not an HL7 v2 date/time (YYYY[MM[DD[HH[MM[SS[.S]]]]]][+/-ZZZZ])") }
            effective = t
        } else if let obr = context.obr {
            let obrTime = obr[7].component(1).string.trimmed
            if !obrTime.isEmpty {
                guard let t = HL7DateTime.parse(obrTime) else { throw InvalidField(field: 14, reason: "OBR-7 of the group is not an HL7 v2 date/time") }
                effective = t
            }
        }

        let source = SourceProvenance(file: context.file, format: sourceFormat, resourceReference: nil,
                                      location: context.location, recordKey: context.recordKey)
        return .success(TypedObservation(patient: patient, concept: concept, value: value, effective: effective, status: status,
                                         original: original, conversion: conversion, source: source, notes: context.notes))
    }

    typealias Mapped = Result<(ObservationValue, OriginalCoding, AppliedConversion?), Unused>

    /// OBX-5 by OBX-2 value type, in the concept's canonical unit or value list.
    func value(_ obx: HL7Segment, concept: Concept, coding: OriginalCoding) throws(InvalidField) -> Mapped {
        let type = obx[2].string.trimmed.uppercased()
        let field = obx[5]
        if field.isEmpty || field.isNull {
            return .failure(Unused(kind: .noValue, detail: "\(concept.rawValue): OBX-5 is empty"))
        }
        let repetitions = field.repetitions
        if repetitions.count > 1 {
            return .failure(Unused(kind: .nonNumericValue, detail: "\(concept.rawValue): OBX-5 repeats (\(repetitions.count) values for one result)"))
        }
        let v = repetitions[0]
        var original = coding
        switch concept.valueKind {
        case .event:
            return .failure(Unused(kind: .unsupportedValueType, detail: "\(concept.rawValue) is an event, not an OBX result"))
        case .coded:
            guard ["CE", "CWE", "CNE", "CF"].contains(type) else {
                return .failure(Unused(kind: .unsupportedValueType, detail: "\(concept.rawValue) needs a coded OBX-2 (CWE, CE, CNE), found \(echoable(type))"))
            }
            var tried: [String] = []
            for (c, s) in [(1, 3), (4, 6)] {
                let codeText = v.component(c).string.trimmed
                guard !codeText.isEmpty else { continue }
                let name = v.component(s).string.trimmed
                let system: String? = name.isEmpty ? nil : mappings.codeSystem(hl7v2Name: name)
                if let mappedValue = mappings.value(for: concept, system: system, code: codeText) {
                    original.valueText = codeText
                    return .success((.coded(mappedValue), original, nil))
                }
                tried.append(codingText(system, codeText))
            }
            return .failure(Unused(kind: .unmappedValue, detail: "\(concept.rawValue): no values.csv row for " + (tried.isEmpty ? "an answer without code" : tried.joined(separator: ", "))))
        case .quantity(let canonical):
            let number: ResultNumber
            switch type {
            case "NM":
                guard let n = ResultNumber.parse(v.string, allowComparator: false), n.unitText == nil else {
                    return .failure(Unused(kind: .nonNumericValue, detail: "\(concept.rawValue): NM value is not a number"))
                }
                number = n
            case "SN":
                switch ResultNumber.structured(v) {
                case .success(let n): number = n
                case .failure(let unused): return .failure(Unused(kind: unused.kind, detail: "\(concept.rawValue): " + unused.detail))
                }
            case "ST", "TX", "FT":
                guard let n = ResultNumber.parse(v.string, allowComparator: true) else {
                    return .failure(Unused(kind: .nonNumericValue, detail: "\(concept.rawValue): \(type) text is not a number with optional comparator"))
                }
                number = n
            default:
                return .failure(Unused(kind: .unsupportedValueType, detail: "\(concept.rawValue) needs a number (NM, SN, or ST/TX/FT text), found OBX-2 \(echoable(type))"))
            }
            original.valueText = number.numberText
            guard let unit = resolveUnit(obx, textUnit: number.unitText, concept: concept, coding: &original) else {
                let written = original.unit
                if written == nil {
                    return .failure(Unused(kind: .missingUnit, detail: "\(concept.rawValue): no OBX-6 unit and no default_unit for \(codingText(coding.system, coding.code))"))
                }
                return .failure(Unused(kind: .unknownUnit, detail: "\(concept.rawValue): unit \(echoable(written ?? ""))"))
            }
            guard let (converted, conversion) = mappings.convert(number.value, from: unit, for: concept) else {
                return .failure(Unused(kind: .unconvertibleUnit, detail: "\(concept.rawValue): \(unit.rawValue) cannot be converted to \(canonical.rawValue)"))
            }
            guard converted.isFinite else {
                return .failure(Unused(kind: .nonNumericValue, detail: "\(concept.rawValue): value out of range after conversion"))
            }
            return .success((.quantity(Measurement(converted, canonical, comparator: number.comparator)), original, conversion))
        }
    }

    /// OBX-6 (CE: code, text, coding system): a `UCUM` code through the UCUM lookup, anything else as
    /// text (code, then text); a unit written inside ST text; else the code's default unit.
    func resolveUnit(_ obx: HL7Segment, textUnit: String?, concept: Concept, coding original: inout OriginalCoding) -> UCUMUnit? {
        let units = obx[6]
        let code = units.component(1).string.trimmed
        let text = units.component(2).string.trimmed
        let system = units.component(3).string.trimmed.uppercased()
        if !code.isEmpty || !text.isEmpty {
            original.unit = code.isEmpty ? text : code
            if !code.isEmpty {
                if system == "UCUM" || system == "2.16.840.1.113883.6.8" {
                    if let r = mappings.resolveUnit(ucumCode: code) { return r.unit }
                } else if let r = mappings.resolveUnit(text: code) {
                    return r.unit
                }
            }
            if !text.isEmpty, let r = mappings.resolveUnit(text: text) { return r.unit }
            return nil
        }
        if let textUnit {
            original.unit = textUnit
            return mappings.resolveUnit(text: textUnit)?.unit
        }
        original.unit = nil
        return mappings.defaultUnit(system: original.system, code: original.code)
    }
}

/// A numeric result: `NM`, an `SN` with one number, or text such as `>60500` or `< 1.0 mg/dL`.
struct ResultNumber {
    var comparator: Comparator
    var value: Double
    var numberText: String
    var unitText: String?

    static func parse(_ text: String, allowComparator: Bool) -> ResultNumber? {
        let bytes = Array(text.utf8)
        var i = 0
        func skipSpaces() { while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 } }
        skipSpaces()
        var comparator = Comparator.equal
        if allowComparator, i < bytes.count, bytes[i] == 0x3C || bytes[i] == 0x3E {
            let greater = bytes[i] == 0x3E
            i += 1
            if i < bytes.count, bytes[i] == 0x3D { i += 1; comparator = greater ? .greaterOrEqual : .lessOrEqual }
            else { comparator = greater ? .greaterThan : .lessThan }
            skipSpaces()
        }
        guard let (value, numberText, next) = number(bytes, from: i) else { return nil }
        i = next
        skipSpaces()
        var unit: String? = nil
        if i < bytes.count {
            guard allowComparator else { return nil }
            var end = bytes.count
            while end > i, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
            unit = String(decoding: bytes[i..<end], as: UTF8.self)
        }
        return ResultNumber(comparator: comparator, value: value, numberText: numberText, unitText: unit)
    }

    /// `[+|-]digits[.digits]` at `from`; the value, its text and the index after it.
    static func number(_ bytes: [UInt8], from start: Int) -> (Double, String, Int)? {
        var i = start
        if i < bytes.count, bytes[i] == 0x2D || bytes[i] == 0x2B { i += 1 }
        var digits = 0, dots = 0
        while i < bytes.count, (bytes[i] >= 0x30 && bytes[i] <= 0x39) || bytes[i] == 0x2E {
            if bytes[i] == 0x2E { dots += 1 } else { digits += 1 }
            i += 1
        }
        guard digits > 0, digits <= 30, dots <= 1 else { return nil }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        guard let value = Double(text), value.isFinite else { return nil }
        return (value, text, i)
    }

    /// SN: comparator `^` num1 `^` separator/suffix `^` num2. Only a single number (with an
    /// optional comparator) is a value; ranges (`10^-^20`), ratios (`1^:^128`) and `<>` are not.
    static func structured(_ v: HL7Value) -> Result<ResultNumber, Unused> {
        let comparatorText = v.component(1).string.trimmed
        let num1 = v.component(2).string.trimmed
        let separator = v.component(3).string.trimmed
        let num2 = v.component(4).string.trimmed
        if !separator.isEmpty || !num2.isEmpty {
            return .failure(Unused(kind: .nonNumericValue, detail: "SN is a range or ratio (separator \(echoable(separator.isEmpty ? "(none)" : separator))), not a single value"))
        }
        let comparator: Comparator
        switch comparatorText {
        case "", "=": comparator = .equal
        case "<": comparator = .lessThan
        case ">": comparator = .greaterThan
        case "<=": comparator = .lessOrEqual
        case ">=": comparator = .greaterOrEqual
        default:
            return .failure(Unused(kind: .nonNumericValue, detail: "SN comparator \(echoable(comparatorText)) is not one of =, <, >, <=, >="))
        }
        let bytes = Array(num1.utf8)
        guard let (value, text, end) = number(bytes, from: 0), end == bytes.count else {
            return .failure(Unused(kind: .nonNumericValue, detail: "SN number is not a number"))
        }
        return .success(ResultNumber(comparator: comparator, value: value, numberText: text, unitText: nil))
    }
}
