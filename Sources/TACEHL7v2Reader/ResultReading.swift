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
    /// `message 3 OBX[`: the start of the location.
    var locationPrefix: String
    /// `MSH-3|MSH-4|MSH-10#OBX-`: the start of the record key.
    var recordKeyPrefix: String
    /// The OBX's occurrence in its message.
    var occurrence: Int
    var identity: PatientIdentity?
    /// The segment index of the group's OBR, if any.
    var obr: Int?
    var notes: [String]
    /// Whether the report still lists skipped items; when not, they are only counted and no
    /// detail text is made for them.
    var wantsDetails: Bool
    /// Appended to the location: where the OBX is in a source that is not ER7 (see `SegmentLocator`).
    var locationSuffix: String

    /// `message 3 OBX[2]`.
    var location: String {
        locationSuffix.isEmpty ? numbered(locationPrefix, occurrence, "]") : numbered(locationPrefix, occurrence, "]") + locationSuffix
    }
    /// `MSH-3|MSH-4|MSH-10#OBX-2`.
    var recordKey: String { numbered(recordKeyPrefix, occurrence, "") }

    /// `prefix`, the decimal digits of `number` (not negative) and `suffix`, written straight into
    /// one new string (two are made per mapped OBX; `+` would make and copy intermediates).
    func numbered(_ prefix: String, _ number: Int, _ suffix: StaticString) -> String {
        var prefix = prefix
        return prefix.withUTF8 { head in
            var digits = 1, rest = number / 10
            while rest > 0 { digits += 1; rest /= 10 }
            let count = head.count + digits + suffix.withUTF8Buffer { $0.count }
            return String(unsafeUninitializedCapacity: count) { out in
                _ = out.initialize(from: head)
                var n = number
                for i in stride(from: head.count + digits - 1, through: head.count, by: -1) {
                    out[i] = UInt8(truncatingIfNeeded: 0x30 + n % 10)
                    n /= 10
                }
                suffix.withUTF8Buffer { tail in
                    for (k, b) in tail.enumerated() { out[head.count + digits + k] = b }
                }
                return count
            }
        }
    }

    /// A reason not to use the OBX; the detail is made only when the report will show it.
    func unused(_ kind: SkipKind, _ detail: @autoclosure () -> String) -> Unused {
        Unused(kind: kind, detail: wantsDetails ? detail() : "")
    }
}

/// A reason an OBX is not used, counted in the report.
struct Unused: Error {
    var kind: SkipKind
    var detail: String
}

extension HL7v2Reader {
    /// OBX `index` of the message to an observation, or nil after counting why not.
    func readOBX(_ view: HL7MessageView, _ index: Int, context: ResultContext, systems: inout CodingSystemCache,
                 into out: inout FHIRReadOutput) throws(InvalidField) -> TypedObservation? {
        switch try mapOBX(view, index, context: context, systems: &systems) {
        case .success(let o): return o
        case .failure(let unused):
            out.report.skip(unused.kind, SkippedItem(file: context.file, location: context.location, resourceType: "OBX",
                                                     kind: unused.kind, detail: unused.detail))
            return nil
        }
    }

    func mapOBX(_ view: HL7MessageView, _ obx: Int, context: ResultContext, systems: inout CodingSystemCache) throws(InvalidField) -> Result<TypedObservation, Unused> {
        // Status first: a cancelled or order-only OBX is that, whatever its code.
        let statusText = FieldText(view, view.components(of: view.field(obx, 11)), 1)
        let status: ObservationStatus
        switch try resultStatus(statusText, context: context) {
        case .success(let s): status = s
        case .failure(let unused): return .failure(unused)
        }

        // Code: OBX-3 identifier and coding system, then its alternate.
        let code = view.components(of: view.field(obx, 3))
        var tried: [String] = []
        var mapped: (concept: Concept, defaultUnit: UCUMUnit?, coding: OriginalCoding)? = nil
        for alternate in 0..<2 {
            let codeText = FieldText(view, code, 1 + 3 * alternate)
            guard !codeText.isEmpty else { continue }
            let name = FieldText(view, code, 3 + 3 * alternate)
            let key = name.withBytes { systems.system($0, in: mappings) }
            func system() -> String? { name.isEmpty ? nil : name.withBytes { key.text(name: $0) } }
            switch codeText.withBytes({ mappings.lookup(key, code: $0) }) {
            case .concept(let concept, let defaultUnit)?:
                let display = code[2 + 3 * alternate]
                mapped = (concept, defaultUnit, OriginalCoding(system: system(), code: codeText.string,
                                                               display: display.isEmpty ? nil : view.string(display)))
            case .rejected(let reason)?:
                return .failure(context.unused(.unmappedCode, codingText(system(), codeText.string) + " is deliberately not used: " + reason))
            case nil:
                if context.wantsDetails { tried.append(codingText(system(), codeText.string)) }
            }
            if mapped != nil { break }
        }
        guard let (concept, defaultUnit, coding) = mapped else {
            return .failure(context.unused(.unmappedCode, tried.isEmpty ? "OBX-3 has no code" : "no codes.csv row for " + tried.joined(separator: ", ")))
        }

        guard let patient = context.identity else {
            return .failure(context.unused(.noSubject, "\(concept.rawValue): no PID-3 identifier in the message"))
        }

        let value: ObservationValue, original: OriginalCoding, conversion: AppliedConversion?
        switch try self.value(view, obx, concept: concept, coding: coding, defaultUnit: defaultUnit, context: context, systems: &systems) {
        case .success(let mappedValue): (value, original, conversion) = mappedValue
        case .failure(let unused): return .failure(unused)
        }

        // Time: OBX-14, else OBR-7 (observation date/time of the group).
        var effective: ClinicalTime? = nil
        let obxTime = FieldText(view, view.components(of: view.field(obx, 14)), 1)
        if !obxTime.isEmpty {
            guard let t = obxTime.withBytes({ HL7TimeStamp.parse($0) }) else {
                throw InvalidField(field: 14, reason: "OBX-14 is not an HL7 v2 date/time (YYYY[MM[DD[HH[MM[SS[.S]]]]]][+/-ZZZZ])")
            }
            effective = t
        } else if let obr = context.obr {
            let obrTime = FieldText(view, view.components(of: view.field(obr, 7)), 1)
            if !obrTime.isEmpty {
                guard let t = obrTime.withBytes({ HL7TimeStamp.parse($0) }) else {
                    throw InvalidField(field: 14, reason: "OBR-7 of the group is not an HL7 v2 date/time")
                }
                effective = t
            }
        }

        let source = SourceProvenance(file: context.file, format: sourceFormat, resourceReference: nil,
                                      location: context.location, recordKey: context.recordKey)
        return .success(TypedObservation(patient: patient, concept: concept, value: value, effective: effective, status: status,
                                         original: original, conversion: conversion, source: source, notes: context.notes))
    }

    /// OBX-11 (HL7 table 0085) as an observation status, or why the OBX is not a usable result.
    func resultStatus(_ text: FieldText, context: ResultContext) throws(InvalidField) -> Result<ObservationStatus, Unused> {
        if text.isEmpty { return .success(.unknown) }
        switch text.uppercasedLetter {
        case UInt8(ascii: "F"), UInt8(ascii: "U"): return .success(.final)
        case UInt8(ascii: "C"): return .success(.corrected)
        case UInt8(ascii: "A"): return .success(.amended)
        case UInt8(ascii: "P"): return .success(.preliminary)
        case UInt8(ascii: "R"), UInt8(ascii: "I"), UInt8(ascii: "S"): return .success(.registered)
        case UInt8(ascii: "X"), UInt8(ascii: "D"), UInt8(ascii: "W"), UInt8(ascii: "N"):
            return .failure(context.unused(.excludedStatus, "OBX-11 \(echoable(text.string.uppercased(), oneOf: ["X", "D", "W", "N"])): result cancelled, deleted, wrong or not asked"))
        case UInt8(ascii: "O"):
            return .failure(context.unused(.orderNotResult, "OBX-11 'O': order detail description only, no result"))
        default:
            throw InvalidField(field: 11, reason: "OBX-11 \(echoable(text.string)) is not an observation result status (HL7 table 0085)")
        }
    }

    typealias Mapped = Result<(ObservationValue, OriginalCoding, AppliedConversion?), Unused>

    /// OBX-5 by OBX-2 value type, in the concept's canonical unit or value list.
    func value(_ view: HL7MessageView, _ obx: Int, concept: Concept, coding: OriginalCoding, defaultUnit: UCUMUnit?,
               context: ResultContext, systems: inout CodingSystemCache) throws(InvalidField) -> Mapped {
        let type = FieldText(view, view.field(obx, 2))
        let field = view.field(obx, 5)
        if field.isEmpty || view.isNull(field) {
            return .failure(context.unused(.noValue, "\(concept.rawValue): OBX-5 is empty"))
        }
        let repetitions = view.repetitionCount(field)
        if repetitions > 1 {
            return .failure(context.unused(.nonNumericValue, "\(concept.rawValue): OBX-5 repeats (\(repetitions) values for one result)"))
        }
        let v = view.repetition(field, 1)
        let parts = view.components(of: v)
        var original = coding
        switch concept.valueKind {
        case .event:
            return .failure(context.unused(.unsupportedValueType, "\(concept.rawValue) is an event, not an OBX result"))
        case .coded:
            guard type.uppercasedEquals("CE") || type.uppercasedEquals("CWE") || type.uppercasedEquals("CNE") || type.uppercasedEquals("CF") else {
                return .failure(context.unused(.unsupportedValueType, "\(concept.rawValue) needs a coded OBX-2 (CWE, CE, CNE), found \(echoable(type.uppercased, oneOf: valueTypeCodes))"))
            }
            var tried: [String] = []
            for alternate in 0..<2 {
                let codeText = FieldText(view, parts, 1 + 3 * alternate)
                guard !codeText.isEmpty else { continue }
                let name = FieldText(view, parts, 3 + 3 * alternate)
                let key = name.withBytes { systems.system($0, in: mappings) }
                if let mappedValue = codeText.withBytes({ mappings.value(for: concept, system: key, code: $0) }) {
                    original.valueText = codeText.string
                    return .success((.coded(mappedValue), original, nil))
                }
                if context.wantsDetails {
                    tried.append(codingText(name.isEmpty ? nil : name.withBytes { key.text(name: $0) }, codeText.string))
                }
            }
            return .failure(context.unused(.unmappedValue, "\(concept.rawValue): no values.csv row for " + (tried.isEmpty ? "an answer without code" : tried.joined(separator: ", "))))
        case .quantity(let canonical):
            let number: ResultNumber
            if type.uppercasedEquals("NM") {
                let text = FieldText(view, v, trimmed: false)
                guard let n = text.withBytes({ ResultNumber.parse($0, allowComparator: false) }), n.unitText == nil else {
                    return .failure(context.unused(.nonNumericValue, "\(concept.rawValue): NM value is not a number"))
                }
                number = n
            } else if type.uppercasedEquals("SN") {
                switch ResultNumber.structured(view, parts, context: context) {
                case .success(let n): number = n
                case .failure(let unused): return .failure(context.unused(unused.kind, "\(concept.rawValue): " + unused.detail))
                }
            } else if type.uppercasedEquals("ST") || type.uppercasedEquals("TX") || type.uppercasedEquals("FT") {
                let text = FieldText(view, v, trimmed: false)
                guard let n = text.withBytes({ ResultNumber.parse($0, allowComparator: true) }) else {
                    return .failure(context.unused(.nonNumericValue, "\(concept.rawValue): \(type.uppercased) text is not a number with optional comparator"))
                }
                if let trailing = n.unitText, !textUnitAgrees(trailing, view, obx) {
                    // `10-20`, `1:128`, `5 IU/mL` next to OBX-6 ng/mL: the first number is not the result.
                    return .failure(context.unused(.nonNumericValue, "\(concept.rawValue): \(type.uppercased) text has more than a number, comparator and the OBX-6 unit"))
                }
                number = n
            } else {
                return .failure(context.unused(.unsupportedValueType, "\(concept.rawValue) needs a number (NM, SN, or ST/TX/FT text), found OBX-2 \(echoable(type.uppercased, oneOf: valueTypeCodes))"))
            }
            original.valueText = number.numberText
            guard let unit = resolveUnit(view, obx, textUnit: number.unitText, defaultUnit: defaultUnit, coding: &original) else {
                let written = original.unit
                if written == nil {
                    return .failure(context.unused(.missingUnit, "\(concept.rawValue): no OBX-6 unit and no default_unit for \(codingText(coding.system, coding.code))"))
                }
                return .failure(context.unused(.unknownUnit, "\(concept.rawValue): unit \(echoable(written ?? ""))"))
            }
            guard let (converted, conversion) = mappings.convert(number.value, from: unit, for: concept) else {
                return .failure(context.unused(.unconvertibleUnit, "\(concept.rawValue): \(unit.rawValue) cannot be converted to \(canonical.rawValue)"))
            }
            guard converted.isFinite else {
                return .failure(context.unused(.nonNumericValue, "\(concept.rawValue): value out of range after conversion"))
            }
            return .success((.quantity(Measurement(converted, canonical, comparator: number.comparator)), original, conversion))
        }
    }

    /// Whether text after the number in an ST/TX/FT value is a unit that may stand: a known unit
    /// when OBX-6 is empty, else the same unit as OBX-6. Anything else (`-20`, `:128`, `x10^3`,
    /// another unit) means the text is not one number in the reported unit.
    func textUnitAgrees(_ trailing: String, _ view: HL7MessageView, _ obx: Int) -> Bool {
        guard let inText = mappings.resolveUnit(text: trailing)?.unit else { return false }
        let units = view.components(of: view.field(obx, 6))
        let code = FieldText(view, units, 1)
        let text = FieldText(view, units, 2)
        if code.isEmpty && text.isEmpty { return true }
        var scratch = OriginalCoding(system: nil, code: "")
        return resolveUnit(view, obx, textUnit: nil, defaultUnit: nil, coding: &scratch) == inText
    }

    /// OBX-6 (CE: code, text, coding system): the code, then the text, each as a UCUM code used in
    /// `units.csv` or a spelling of one (a code marked `UCUM` in OBX-6.3 and unit text are looked up
    /// alike); a unit written inside ST text; else the code's default unit.
    func resolveUnit(_ view: HL7MessageView, _ obx: Int, textUnit: String?, defaultUnit: UCUMUnit?,
                     coding original: inout OriginalCoding) -> UCUMUnit? {
        let units = view.components(of: view.field(obx, 6))
        let code = FieldText(view, units, 1)
        let text = FieldText(view, units, 2)
        if !code.isEmpty || !text.isEmpty {
            original.unit = code.isEmpty ? text.string : code.string
            if !code.isEmpty, let r = code.withBytes({ mappings.resolveUnit(bytes: $0) }) { return r.unit }
            if !text.isEmpty, let r = text.withBytes({ mappings.resolveUnit(bytes: $0) }) { return r.unit }
            return nil
        }
        if let textUnit {
            original.unit = textUnit
            return mappings.resolveUnit(text: textUnit)?.unit
        }
        original.unit = nil
        return defaultUnit
    }
}
