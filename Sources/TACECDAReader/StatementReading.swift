import TACEFHIRReader
import TACEMappings
import TACEModel
import TACEXML

/// An element that breaks its data type; `element` is relative to the statement (`/effectiveTime/@value`).
struct InvalidElement: Error {
    var element: String
    var reason: String
    /// Line of the offending element when it is not the statement itself.
    var line: Int? = nil
}

/// A reason a statement is not used, counted in the report.
struct Unused: Error {
    var kind: SkipKind
    var detail: String
}

typealias MappedValue = Result<(ObservationValue, OriginalCoding, AppliedConversion?), Unused>

extension DocumentWalker {
    // MARK: Observations

    mutating func readObservation(_ observation: XMLNode, path: String, inherited: Inherited, into out: inout FHIRReadOutput) throws(CDAReadError) {
        out.report.resourcesByType["CDA observation", default: 0] += 1
        let line = " (line \(observation.line))"
        do throws(InvalidElement) {
            switch try mapObservation(observation, path: path + line, inherited: inherited, recordPath: path) {
            case .success(let o):
                out.observations.append(o)
                out.report.observationsProduced += 1
            case .failure(let unused):
                skip(&out, path + line, "observation", unused.kind, unused.detail)
            }
        } catch {
            try invalid(&out, path + error.element + (error.line.map { " (line \($0))" } ?? line), "observation", error.reason)
        }
        try readRelationships(observation, path: path, inherited: nested(observation, inherited), into: &out)
    }

    func mapObservation(_ observation: XMLNode, path location: String, inherited: Inherited, recordPath: String) throws(InvalidElement) -> Result<TypedObservation, Unused> {
        if let unused = try moodCheck(observation, inherited: inherited, type: "observation") { return .failure(unused) }

        // Status first: a cancelled observation is that, whatever its code.
        let ownStatus = statusCode(observation)
        guard let resultStatus = ResultStatus.of(ownStatus ?? inherited.status) else {
            throw InvalidElement(element: ownStatus == nil ? "" : "/statusCode",
                                 reason: "statusCode \(echoable(ownStatus ?? inherited.status ?? ""))\(ownStatus == nil ? " of the enclosing statement" : "") is not an HL7 v3 ActStatus code (\(ResultStatus.actStatusCodes))",
                                 line: ownStatus == nil ? nil : statusLine(observation))
        }
        let status: ObservationStatus
        switch resultStatus {
        case .usable(let s): status = s
        case .excluded(let why): return .failure(Unused(kind: .excludedStatus, detail: why))
        }

        let concept: Concept, coding: OriginalCoding
        switch mapCode(observation) {
        case .success(let mapped): (concept, coding) = mapped
        case .failure(let unused): return .failure(unused)
        }
        guard let patient = identity else {
            return .failure(Unused(kind: .noSubject, detail: "\(concept.rawValue): " + noSubjectReason))
        }

        let values = observation.elements(named: "value", namespace: hl7)
        guard !values.isEmpty else {
            return .failure(Unused(kind: .noValue, detail: "\(concept.rawValue): the observation has no value element"))
        }
        guard values.count == 1 else {
            return .failure(Unused(kind: .nonNumericValue, detail: "\(concept.rawValue): \(values.count) value elements for one observation"))
        }
        let value: ObservationValue, original: OriginalCoding, conversion: AppliedConversion?
        switch mapValue(WrittenValue.read(values[0]), concept: concept, coding: coding) {
        case .success(let mapped): (value, original, conversion) = mapped
        case .failure(let unused): return .failure(unused)
        }

        let effective = try effectiveTime(observation) ?? inherited.time
        let source = SourceProvenance(file: file, format: .cda, resourceReference: nil, location: location,
                                      recordKey: recordKey(observation, path: recordPath))
        return .success(TypedObservation(patient: patient, concept: concept, value: value, effective: effective, status: status,
                                         original: original, conversion: conversion, source: source,
                                         notes: interpretation(observation)))
    }

    /// The value as the concept needs it: a quantity converted to its canonical unit, or a coded
    /// answer through `values.csv`.
    func mapValue(_ written: WrittenValue, concept: Concept, coding: OriginalCoding) -> MappedValue {
        var original = coding
        let name = concept.rawValue
        switch written {
        case .absent(let nullFlavor):
            return .failure(Unused(kind: .dataAbsent, detail: "\(name): value nullFlavor \(echoable(nullFlavor)) instead of a value"))
        case .notSingle(let why):
            return .failure(Unused(kind: .nonNumericValue, detail: "\(name): " + why))
        case .unsupported(let type):
            return .failure(Unused(kind: .unsupportedValueType, detail: "\(name): a value of type \(echoable(type)) is not read"))
        default:
            break
        }
        switch concept.valueKind {
        case .event:
            return .failure(Unused(kind: .unsupportedValueType, detail: "\(name) is an event: read from procedure entries, not from an observation"))
        case .coded:
            guard case .coded(let codes, _) = written else {
                return .failure(Unused(kind: .unsupportedValueType, detail: "\(name) needs a coded value (CD, CE, CV, CO)"))
            }
            var tried: [String] = []
            for code in codes {
                let system = mappings.codeSystem(oid: code.codeSystem ?? "")
                if let mapped = mappings.value(for: concept, system: system, code: code.code) {
                    original.valueText = code.code
                    return .success((.coded(mapped), original, nil))
                }
                tried.append(codingText(system, code.code))
            }
            return .failure(Unused(kind: .unmappedValue, detail: "\(name): no values.csv row for " + (tried.isEmpty ? "an answer without code" : tried.joined(separator: ", "))))
        case .quantity(let canonical):
            let number: NumberText, writtenUnit: WrittenUnit?
            switch written {
            case .number(let n, let u, _): (number, writtenUnit) = (n, u)
            case .text(let type):
                return .failure(Unused(kind: .nonNumericValue, detail: "\(name): \(type) text is not a number with optional comparator"))
            default:
                return .failure(Unused(kind: .unsupportedValueType, detail: "\(name) needs a number (PQ, IVL_PQ, INT, REAL or ST)"))
            }
            original.valueText = number.text
            let unit: UCUMUnit
            if let writtenUnit {
                original.unit = writtenUnit.text
                let resolved = writtenUnit.isUCUM ? mappings.resolveUnit(ucumCode: writtenUnit.text) : mappings.resolveUnit(text: writtenUnit.text)
                guard let resolved else {
                    return .failure(Unused(kind: .unknownUnit, detail: "\(name): unit \(echoable(writtenUnit.text))"))
                }
                unit = resolved.unit
            } else {
                original.unit = nil
                guard let fallback = mappings.defaultUnit(system: original.system, code: original.code) else {
                    return .failure(Unused(kind: .missingUnit, detail: "\(name): no unit and no default_unit for \(codingText(original.system, original.code))"))
                }
                unit = fallback
            }
            guard let (converted, conversion) = mappings.convert(number.value, from: unit, for: concept) else {
                return .failure(Unused(kind: .unconvertibleUnit, detail: "\(name): \(unit.rawValue) cannot be converted to \(canonical.rawValue)"))
            }
            guard converted.isFinite else {
                return .failure(Unused(kind: .nonNumericValue, detail: "\(name): value out of range after conversion"))
            }
            return .success((.quantity(Measurement(converted, canonical, comparator: number.comparator)), original, conversion))
        }
    }

    // MARK: Procedures

    mutating func readProcedure(_ statement: XMLNode, type: String, path: String, inherited: Inherited, into out: inout FHIRReadOutput) throws(CDAReadError) {
        out.report.resourcesByType["CDA " + type, default: 0] += 1
        let line = " (line \(statement.line))"
        do throws(InvalidElement) {
            switch try mapProcedure(statement, type: type, location: path + line, inherited: inherited, recordPath: path) {
            case .success(let o):
                out.observations.append(o)
                out.report.observationsProduced += 1
            case .failure(let unused):
                skip(&out, path + line, type, unused.kind, unused.detail)
            }
        } catch {
            try invalid(&out, path + error.element + (error.line.map { " (line \($0))" } ?? line), type, error.reason)
        }
        try readRelationships(statement, path: path, inherited: nested(statement, inherited), into: &out)
    }

    /// A TACE session: a procedure (or act) with moodCode EVN, statusCode completed and a code
    /// that maps to `tace-procedure`.
    func mapProcedure(_ statement: XMLNode, type: String, location: String, inherited: Inherited, recordPath: String) throws(InvalidElement) -> Result<TypedObservation, Unused> {
        if let unused = try moodCheck(statement, inherited: inherited, type: type) { return .failure(unused) }
        let concept: Concept, coding: OriginalCoding
        switch mapCode(statement) {
        case .success(let mapped): (concept, coding) = mapped
        case .failure(let unused): return .failure(unused)
        }
        guard concept == .tace else {
            return .failure(Unused(kind: .unsupportedValueType, detail: "code maps to \(concept.rawValue), which is not a procedure concept"))
        }
        let ownStatus = statusCode(statement)
        let status = ownStatus ?? inherited.status
        guard status == "completed" else {
            guard let status else {
                return .failure(Unused(kind: .procedureNotCompleted, detail: "tace-procedure without statusCode: not known to be completed"))
            }
            guard ResultStatus.of(status) != nil else {
                throw InvalidElement(element: ownStatus == nil ? "" : "/statusCode",
                                     reason: "statusCode \(echoable(status)) is not an HL7 v3 ActStatus code (\(ResultStatus.actStatusCodes))",
                                     line: ownStatus == nil ? nil : statusLine(statement))
            }
            return .failure(Unused(kind: .procedureNotCompleted, detail: "tace-procedure with statusCode \(echoable(status))"))
        }
        guard let patient = identity else {
            return .failure(Unused(kind: .noSubject, detail: "tace-procedure: " + noSubjectReason))
        }
        let effective = try effectiveTime(statement) ?? inherited.time
        let source = SourceProvenance(file: file, format: .cda, resourceReference: nil, location: location,
                                      recordKey: recordKey(statement, path: recordPath))
        return .success(TypedObservation(patient: patient, concept: .tace, value: .event, effective: effective, status: .final,
                                         original: coding, source: source))
    }

    /// Whether an act's code maps to `tace-procedure`.
    func isTACE(_ statement: XMLNode) -> Bool {
        if case .success(let (concept, _)) = mapCode(statement) { return concept == .tace }
        return false
    }

    // MARK: Shared parts

    /// Only events are results; a negated statement is never read as the positive finding.
    func moodCheck(_ statement: XMLNode, inherited: Inherited, type: String) throws(InvalidElement) -> Unused? {
        guard let mood = statement.attribute("moodCode", namespace: nil)?.trimmedBlanks, !mood.isEmpty else {
            throw InvalidElement(element: "/@moodCode",
                                 reason: "\(type) without moodCode: CDA requires one, and without it the statement is not known to be a result")
        }
        if mood != "EVN" {
            return Unused(kind: .orderNotResult, detail: "moodCode \(echoable(mood)): \(Mood.meaning(mood)), not a result")
        }
        if let outer = inherited.nonEventMood {
            return Unused(kind: .orderNotResult, detail: "nested in a statement with moodCode \(echoable(outer)) (\(Mood.meaning(outer))): part of an order or plan, not a result")
        }
        if statement.attribute("negationInd", namespace: nil)?.trimmedBlanks == "true" {
            return Unused(kind: .negated, detail: "negationInd=\"true\": the \(type) is negated (finding absent, act not done), never read as a positive result")
        }
        if inherited.negated {
            return Unused(kind: .negated, detail: "nested in an entryRelationship with negationInd=\"true\"")
        }
        return nil
    }

    /// The statement's code, then its translations, through `code-system-oids.csv` and `codes.csv`.
    func mapCode(_ statement: XMLNode) -> Result<(Concept, OriginalCoding), Unused> {
        guard let code = statement.firstChild(named: "code", namespace: hl7) else {
            return .failure(Unused(kind: .unmappedCode, detail: "no code element"))
        }
        var tried: [String] = []
        for written in WrittenValue.codes(code) {
            let system = mappings.codeSystem(oid: written.codeSystem ?? "")
            if let concept = mappings.concept(system: system, code: written.code) {
                return .success((concept, OriginalCoding(system: system, code: written.code, display: written.display)))
            }
            if let reason = mappings.rejectionReason(system: system, code: written.code) {
                return .failure(Unused(kind: .unmappedCode, detail: codingText(system, written.code) + " is deliberately not used: " + reason))
            }
            tried.append(codingText(system, written.code))
        }
        return .failure(Unused(kind: .unmappedCode, detail: tried.isEmpty ? "code without a code attribute (nullFlavor or original text only)" : "no codes.csv row for " + tried.joined(separator: ", ")))
    }

    /// `statusCode/@code`, nil when absent or empty.
    func statusCode(_ statement: XMLNode) -> String? {
        guard let code = statement.firstChild(named: "statusCode", namespace: hl7)?.attribute("code", namespace: nil)?.trimmedBlanks,
              !code.isEmpty else { return nil }
        return code
    }

    func statusLine(_ statement: XMLNode) -> Int? {
        statement.firstChild(named: "statusCode", namespace: hl7)?.line
    }

    /// `effectiveTime/@value`, else `low/@value`, else `center/@value`; nil when none is given
    /// (or only a nullFlavor). A value that is not a TS is invalid.
    func effectiveTime(_ statement: XMLNode) throws(InvalidElement) -> ClinicalTime? {
        guard let time = statement.firstChild(named: "effectiveTime", namespace: hl7) else { return nil }
        if let value = time.attribute("value", namespace: nil) {
            guard let t = CDATime.parse(value.trimmedBlanks) else { throw Self.badTime("/effectiveTime/@value", time.line) }
            return t
        }
        for part in ["low", "center"] {
            if let element = time.firstChild(named: part, namespace: hl7), let value = element.attribute("value", namespace: nil) {
                guard let t = CDATime.parse(value.trimmedBlanks) else { throw Self.badTime("/effectiveTime/\(part)/@value", element.line) }
                return t
            }
        }
        return nil
    }

    static func badTime(_ element: String, _ line: Int) -> InvalidElement {
        InvalidElement(element: element, reason: "not a CDA TS date/time (YYYYMMDD[HH[MM[SS[.S]]]][+/-ZZZZ])", line: line)
    }

    /// interpretationCode codes (`H`, `L`, `N`, …) kept as notes beside the value.
    func interpretation(_ observation: XMLNode) -> [String] {
        observation.elements(named: "interpretationCode", namespace: hl7).compactMap { element in
            guard let code = element.attribute("code", namespace: nil)?.trimmedBlanks, echoable(code).hasPrefix("'") else { return nil }
            return "interpretation: " + code
        }
    }
}
