import TACEFHIRReader
import TACEMappings
import TACEModel
import TACEXML

extension SiteXMLReader {
    /// One record to an observation, or why not.
    func mapRecord(_ record: XMLNode, number: Int, location: String, context: RecordContext) throws(InvalidRecord) -> Result<TypedObservation, Unused> {
        let format = context.format
        func text(_ role: XMLFormatRole) throws(InvalidRecord) -> String {
            try Self.text(role, of: record, in: context)
        }
        func nothingAt(_ role: XMLFormatRole) -> String {
            "\(role.rawValue): nothing at \"\(format.expression(role)?.xpath ?? "")\""
        }

        // Status first: a cancelled result is that, whatever its code.
        // No status and no status-map row for "" → unknown (read, never scored), as an empty OBX-11.
        var status = ObservationStatus.unknown
        let writtenStatus = try text(.status)
        if let mapped = format.statusMap[writtenStatus] {
            status = mapped
        } else if !writtenStatus.isEmpty {
            throw InvalidRecord(role: .status, reason: "status \(echoable(writtenStatus)) has no status-map row for format '\(format.name)'")
        }
        if status == .cancelled || status == .enteredInError {
            return .failure(Unused(kind: .excludedStatus, detail: "status \(status.rawValue)"))
        }

        // Code and code system.
        let codeText = try text(.code)
        guard !codeText.isEmpty else { return .failure(Unused(kind: .unmappedCode, detail: nothingAt(.code))) }
        let systemText = try text(.codeSystem)
        let system: String? = systemText.isEmpty ? nil : mappings.codeSystem(hl7v2Name: systemText)
        guard let concept = mappings.concept(system: system, code: codeText) else {
            if let reason = mappings.rejectionReason(system: system, code: codeText) {
                return .failure(Unused(kind: .unmappedCode, detail: codingText(system, codeText) + " is deliberately not used: " + reason))
            }
            return .failure(Unused(kind: .unmappedCode, detail: "no codes.csv row for " + codingText(system, codeText)))
        }
        let display = try text(.display)
        var original = OriginalCoding(system: system, code: codeText, display: display.isEmpty ? nil : display)

        // Patient: one identifier, never the first of several.
        for role in [XMLFormatRole.patientID, .patientIDSystem] where try Self.selectsSeveral(role, of: record, in: context) {
            return .failure(Unused(kind: .noSubject, detail: "\(concept.rawValue): \(role.rawValue): more than one node at \"\(format.expression(role)?.xpath ?? "")\""))
        }
        let patientValue = try text(.patientID)
        guard !patientValue.isEmpty else {
            return .failure(Unused(kind: .noSubject, detail: "\(concept.rawValue): " + nothingAt(.patientID)))
        }
        let patient = PatientIdentity(reference: nil, identifiers: [
            PatientIdentifier(system: identifierSystem(try text(.patientIDSystem)), value: patientValue),
        ])

        // Value.
        let value: ObservationValue, conversion: AppliedConversion?
        switch try self.value(of: record, concept: concept, original: &original, context: context) {
        case .success(let mapped): (value, conversion) = mapped
        case .failure(let unused): return .failure(unused)
        }

        // Time: ISO 8601 (xs:dateTime or xs:date); no time → no effective time, as in every format.
        var effective: ClinicalTime? = nil
        let timeText = try text(.time)
        if !timeText.isEmpty {
            guard let t = Self.parseTime(timeText) else {
                throw InvalidRecord(role: .time, reason: "not an ISO 8601 date or date-time (YYYY-MM-DD[Thh:mm[:ss[.s]][Z|+hh:mm|-hh:mm]])")
            }
            effective = t
        }

        let notes = try Self.texts(.note, of: record, in: context)
        let recordID = try text(.recordID)
        let key = "xml:" + format.name + "|" + (recordID.isEmpty ? context.file + "#record-\(number)" : recordID)
        let source = SourceProvenance(file: context.file, format: .legacyXML, resourceReference: nil, location: location, recordKey: key)
        return .success(TypedObservation(patient: patient, concept: concept, value: value, effective: effective, status: status,
                                         original: original, conversion: conversion, source: source, notes: notes))
    }

    /// The identifier system for an authority as written: a row of `assigning-authorities.csv`,
    /// else the text itself when it is a URI, else `urn:tacebridge:xml-authority:<text>`; nil when empty.
    public func identifierSystem(_ authority: String) -> String? {
        if authority.isEmpty { return nil }
        if let system = mappings.identifierSystem(assigningAuthority: authority) { return system }
        if authority.contains(":") { return authority }
        return Self.unmappedAuthorityPrefix + authority
    }

    typealias Mapped = Result<(ObservationValue, AppliedConversion?), Unused>

    /// The value in the concept's canonical unit, or its coded answer through `values.csv`.
    func value(of record: XMLNode, concept: Concept, original: inout OriginalCoding, context: RecordContext) throws(InvalidRecord) -> Mapped {
        let format = context.format
        // One value, unit and comparator, never the first of several.
        for role in [XMLFormatRole.value, .unit, .comparator, .valueSystem] where try Self.selectsSeveral(role, of: record, in: context) {
            return .failure(Unused(kind: .nonNumericValue, detail: "\(concept.rawValue): \(role.rawValue): more than one node at \"\(format.expression(role)?.xpath ?? "")\" (ambiguous)"))
        }
        let written = try Self.text(.value, of: record, in: context)
        guard !written.isEmpty else {
            return .failure(Unused(kind: .noValue, detail: "\(concept.rawValue): value: nothing at \"\(format.expression(.value)?.xpath ?? "")\""))
        }
        switch concept.valueKind {
        case .event:
            return .failure(Unused(kind: .unsupportedValueType, detail: "\(concept.rawValue) is an event, not a lab result"))
        case .coded:
            let systemText = try Self.text(.valueSystem, of: record, in: context)
            let system: String? = systemText.isEmpty ? nil : mappings.codeSystem(hl7v2Name: systemText)
            guard let mapped = mappings.value(for: concept, system: system, code: written) else {
                return .failure(Unused(kind: .unmappedValue, detail: "\(concept.rawValue): no values.csv row for " + codingText(system, written)))
            }
            original.valueText = written
            return .success((.coded(mapped), nil))
        case .quantity(let canonical):
            guard var number = ResultNumber.parse(written) else {
                return .failure(Unused(kind: .nonNumericValue, detail: "\(concept.rawValue): value is not a number with optional comparator and unit"))
            }
            let comparatorText = try Self.text(.comparator, of: record, in: context)
            if !comparatorText.isEmpty {
                guard let comparator = ResultNumber.comparator(comparatorText) else {
                    return .failure(Unused(kind: .nonNumericValue, detail: "\(concept.rawValue): comparator \(echoable(comparatorText)) is not one of <, >, <=, >=, ="))
                }
                if number.hasComparator && number.comparator != comparator {
                    return .failure(Unused(kind: .nonNumericValue, detail: "\(concept.rawValue): the value and the comparator XPath give different comparators"))
                }
                number.comparator = comparator
            }
            original.valueText = number.numberText
            let unitText = try Self.text(.unit, of: record, in: context)
            let unit: UCUMUnit?
            if let inline = number.unitText {
                // Text after the number must be a known unit, and the unit role's unit when that is
                // set (`3.8 g/dl` with unit g/l, `10-20`): else the first number is not the result.
                let inlineUnit = mappings.resolveUnit(text: inline)?.unit
                guard let inlineUnit, unitText.isEmpty || mappings.resolveUnit(text: unitText)?.unit == inlineUnit else {
                    return .failure(Unused(kind: .nonNumericValue, detail: "\(concept.rawValue): value has more than a number, comparator and the record's unit"))
                }
            }
            if !unitText.isEmpty {
                original.unit = unitText
                unit = mappings.resolveUnit(text: unitText)?.unit
            } else if let inline = number.unitText {
                original.unit = inline
                unit = mappings.resolveUnit(text: inline)?.unit
            } else {
                unit = mappings.defaultUnit(system: original.system, code: original.code)
            }
            guard let unit else {
                if let written = original.unit {
                    return .failure(Unused(kind: .unknownUnit, detail: "\(concept.rawValue): unit \(echoable(written))"))
                }
                return .failure(Unused(kind: .missingUnit, detail: "\(concept.rawValue): no unit and no default_unit for \(codingText(original.system, original.code))"))
            }
            guard let (converted, conversion) = mappings.convert(number.value, from: unit, for: concept) else {
                return .failure(Unused(kind: .unconvertibleUnit, detail: "\(concept.rawValue): \(unit.rawValue) cannot be converted to \(canonical.rawValue)"))
            }
            guard converted.isFinite else {
                return .failure(Unused(kind: .nonNumericValue, detail: "\(concept.rawValue): value out of range after conversion"))
            }
            return .success((.quantity(Measurement(converted, canonical, comparator: number.comparator)), conversion))
        }
    }

    // MARK: XPath evaluation

    /// Longest text read for one role; clinical values are short.
    static let maxTextBytes = 64 << 10

    /// The trimmed string value of `role`'s XPath on `record`; "" when the format has no such row
    /// or the XPath selects nothing.
    static func text(_ role: XMLFormatRole, of record: XMLNode, in context: RecordContext) throws(InvalidRecord) -> String {
        guard let expression = context.format.expression(role) else { return "" }
        do {
            return try context.document.string(expression.xpath, namespaces: context.format.namespaces, from: record,
                                               maxBytes: maxTextBytes).trimmedBlanks
        } catch {
            throw InvalidRecord(role: role, reason: "XPath failed on this record: \(error.message)")
        }
    }

    /// Whether `role`'s XPath selects more than one node on `record` (false for an expression that is
    /// not a node set, such as a literal string, and for a role the format does not have).
    static func selectsSeveral(_ role: XMLFormatRole, of record: XMLNode, in context: RecordContext) throws(InvalidRecord) -> Bool {
        guard let expression = context.format.expression(role) else { return false }
        do {
            return try context.document.select(expression.xpath, namespaces: context.format.namespaces, from: record).count > 1
        } catch {
            if error.reason == .notANodeSet { return false }
            throw InvalidRecord(role: role, reason: "XPath failed on this record: \(error)")
        }
    }

    /// The text of every node `role`'s XPath selects (non-empty ones), or its string value.
    static func texts(_ role: XMLFormatRole, of record: XMLNode, in context: RecordContext) throws(InvalidRecord) -> [String] {
        guard let expression = context.format.expression(role) else { return [] }
        do {
            let nodes = try context.document.select(expression.xpath, namespaces: context.format.namespaces, from: record)
            var out: [String] = []
            for node in nodes {
                let t = try node.text(maxBytes: maxTextBytes).trimmedBlanks
                if !t.isEmpty { out.append(t) }
            }
            return out
        } catch let error as XPathError where error.reason == .notANodeSet {
            let single = try text(role, of: record, in: context)
            return single.isEmpty ? [] : [single]
        } catch {
            throw InvalidRecord(role: role, reason: "XPath failed on this record: \(error)")
        }
    }

    /// ISO 8601 as `ClinicalTimeFormat.parse` reads it without FHIR's strictness (seconds and zone
    /// optional; no zone stays no zone), also with a space instead of `T`.
    static func parseTime(_ text: String) -> ClinicalTime? {
        var bytes = Array(text.utf8)
        if bytes.count > 10, bytes[10] == 0x20 { bytes[10] = 0x54 }
        return ClinicalTimeFormat.parse(bytes, strictFHIR: false)
    }
}
