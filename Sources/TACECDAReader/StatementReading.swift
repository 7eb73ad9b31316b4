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

    mutating func readObservation(_ observation: XMLNode, parts: StatementParts, path: String, inherited: Inherited,
                                  into out: inout FHIRReadOutput) throws(CDAReadError) {
        observations += 1
        let line = observation.line
        let location = PathText.withLine(path, line)
        do throws(InvalidElement) {
            switch try mapObservation(observation, parts: parts, path: location, inherited: inherited, recordPath: path) {
            case .success(let o):
                out.observations.append(o)
                out.report.observationsProduced += 1
            case .failure(let unused):
                skip(&out, location, "observation", unused.kind, unused.detail)
            }
        } catch {
            try invalid(&out, PathText.withLine(path + error.element, error.line ?? line), "observation", error.reason)
        }
        if !parts.relationships.isEmpty {
            try readRelationships(parts, path: path, inherited: nested(observation, parts, inherited), into: &out)
        }
    }

    func mapObservation(_ observation: XMLNode, parts: StatementParts, path location: String, inherited: Inherited,
                        recordPath: String) throws(InvalidElement) -> Result<TypedObservation, Unused> {
        if let unused = try moodCheck(observation, inherited: inherited, type: "observation") { return .failure(unused) }

        // Status first: a cancelled observation is that, whatever its code.
        let ownStatus = parts.status
        let statusCode = parts.status(inheriting: inherited.status)
        guard let resultStatus = ResultStatus.of(statusCode) else {
            throw InvalidElement(element: ownStatus == nil ? "" : "/statusCode",
                                 reason: "statusCode \(echoable(statusCode ?? ""))\(ownStatus == nil ? " of the enclosing statement" : "") is not an HL7 v3 ActStatus code (\(ResultStatus.actStatusCodes))",
                                 line: ownStatus == nil ? nil : parts.statusCode?.line)
        }
        let status: ObservationStatus
        switch resultStatus {
        case .usable(let s): status = s
        case .excluded(let why): return .failure(Unused(kind: .excludedStatus, detail: why))
        }

        let concept: Concept, coding: OriginalCoding
        switch mapCode(parts.code) {
        case .success(let mapped): (concept, coding) = mapped
        case .failure(let unused): return .failure(unused)
        }
        guard let patient = identity else {
            return .failure(Unused(kind: .noSubject, detail: "\(concept.rawValue): " + noSubjectReason))
        }

        guard let valueElement = parts.value else {
            return .failure(Unused(kind: .noValue, detail: "\(concept.rawValue): the observation has no value element"))
        }
        guard parts.valueCount == 1 else {
            return .failure(Unused(kind: .nonNumericValue, detail: "\(concept.rawValue): \(parts.valueCount) value elements for one observation"))
        }
        let value: ObservationValue, original: OriginalCoding, conversion: AppliedConversion?
        switch mapValue(WrittenValue.read(valueElement), concept: concept, coding: coding) {
        case .success(let mapped): (value, original, conversion) = mapped
        case .failure(let unused): return .failure(unused)
        }

        let effective = try effectiveTime(parts) ?? parts.time(inheriting: inherited.time)
        let source = SourceProvenance(file: file, format: .cda, resourceReference: nil, location: location,
                                      recordKey: recordKey(parts, path: recordPath))
        return .success(TypedObservation(patient: patient, concept: concept, value: value, effective: effective, status: status,
                                         original: original, conversion: conversion, source: source,
                                         notes: interpretation(parts)))
    }

    /// The value as the concept needs it: a quantity converted to its canonical unit, or a coded
    /// answer through `values.csv`.
    func mapValue(_ written: WrittenValue, concept: Concept, coding: OriginalCoding) -> MappedValue {
        var original = coding
        let name = concept.rawValue
        switch written {
        case .absent(let nullFlavor):
            return .failure(Unused(kind: .dataAbsent, detail: "\(name): value nullFlavor \(echoable(nullFlavor, oneOf: ResultStatus.nullFlavors)) instead of a value"))
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

    mutating func readProcedure(_ statement: XMLNode, parts: StatementParts, type: String, path: String, inherited: Inherited,
                                into out: inout FHIRReadOutput) throws(CDAReadError) {
        out.report.resourcesByType["CDA " + type, default: 0] += 1
        let line = statement.line
        let location = PathText.withLine(path, line)
        do throws(InvalidElement) {
            switch try mapProcedure(statement, parts: parts, type: type, location: location, inherited: inherited, recordPath: path) {
            case .success(let o):
                out.observations.append(o)
                out.report.observationsProduced += 1
            case .failure(let unused):
                skip(&out, location, type, unused.kind, unused.detail)
            }
        } catch {
            try invalid(&out, PathText.withLine(path + error.element, error.line ?? line), type, error.reason)
        }
        if !parts.relationships.isEmpty {
            try readRelationships(parts, path: path, inherited: nested(statement, parts, inherited), into: &out)
        }
    }

    /// A TACE session — or another treatment that interrupts a TACE chain (resection, ablation, …): a
    /// procedure (or act) with moodCode EVN, statusCode completed and a code that maps to a procedure concept.
    /// A TACE with statusCode `aborted` or `cancelled` is kept as not completed (`ObservationValue.tace(_:)`).
    func mapProcedure(_ statement: XMLNode, parts: StatementParts, type: String, location: String, inherited: Inherited,
                      recordPath: String) throws(InvalidElement) -> Result<TypedObservation, Unused> {
        if let unused = try moodCheck(statement, inherited: inherited, type: type) { return .failure(unused) }
        let concept: Concept, coding: OriginalCoding
        switch mapCode(parts.code) {
        case .success(let mapped): (concept, coding) = mapped
        case .failure(let unused): return .failure(unused)
        }
        guard concept.kind == .procedure else {
            return .failure(Unused(kind: .unsupportedValueType, detail: "code maps to \(concept.rawValue), which is not a procedure concept"))
        }
        let ownStatus = parts.status
        let status = parts.status(inheriting: inherited.status)
        // A TACE `aborted` (begun, not completed → stopped) or `cancelled` (abandoned before it began → not-done)
        // is kept: no session, but it breaks a chain of consecutive sessions (clinical reference §4.2).
        let notCompleted: ProcedureStatus? = concept != .tace ? nil : status == "aborted" ? .stopped : status == "cancelled" ? .notDone : nil
        guard status == "completed" || notCompleted != nil else {
            guard let status else {
                return .failure(Unused(kind: .procedureNotCompleted, detail: "\(concept.rawValue) without statusCode: not known to be completed"))
            }
            guard ResultStatus.of(status) != nil else {
                throw InvalidElement(element: ownStatus == nil ? "" : "/statusCode",
                                     reason: "statusCode \(echoable(status)) is not an HL7 v3 ActStatus code (\(ResultStatus.actStatusCodes))",
                                     line: ownStatus == nil ? nil : parts.statusCode?.line)
            }
            return .failure(Unused(kind: .procedureNotCompleted, detail: "\(concept.rawValue) with statusCode \(echoable(status, oneOf: ResultStatus.actStatusCodes.split(separator: ", ").map(String.init)))"))
        }
        guard let patient = identity else {
            return .failure(Unused(kind: .noSubject, detail: "\(concept.rawValue): " + noSubjectReason))
        }
        let effective = try effectiveTime(parts) ?? parts.time(inheriting: inherited.time)
        let source = SourceProvenance(file: file, format: .cda, resourceReference: nil, location: location,
                                      recordKey: recordKey(parts, path: recordPath))
        let value: ObservationValue = notCompleted.map { .coded($0.rawValue) } ?? .event
        return .success(TypedObservation(patient: patient, concept: concept, value: value, effective: effective, status: .final,
                                         original: coding, source: source))
    }

    /// Whether an act's code maps to a procedure concept (a TACE session or another treatment).
    func isTACE(_ parts: StatementParts) -> Bool {
        if case .success(let (concept, _)) = mapCode(parts.code) { return concept.kind == .procedure }
        return false
    }

    // MARK: Shared parts

    /// Only events are results; a negated statement is never read as the positive finding.
    /// A `negationInd` that is not an XML Schema boolean makes the statement invalid, whatever its mood.
    func moodCheck(_ statement: XMLNode, inherited: Inherited, type: String) throws(InvalidElement) -> Unused? {
        let negation = Negation.of(statement)
        if negation == .invalid { throw InvalidElement(element: "/@negationInd", reason: Negation.invalidReason) }
        if !statement.attribute("moodCode", is: "EVN") {
            guard let mood = statement.trimmedValue(ofAttribute: "moodCode"), !mood.isEmpty else {
                throw InvalidElement(element: "/@moodCode",
                                     reason: "\(type) without moodCode: CDA requires one, and without it the statement is not known to be a result")
            }
            if mood != "EVN" {
                return Unused(kind: .orderNotResult, detail: "moodCode \(echoable(mood, oneOf: Mood.codes)): \(Mood.meaning(mood)), not a result")
            }
        }
        if let outer = inherited.nonEventMood {
            return Unused(kind: .orderNotResult, detail: "nested in a statement with moodCode \(echoable(outer, oneOf: Mood.codes)) (\(Mood.meaning(outer))): part of an order or plan, not a result")
        }
        if negation == .negated {
            return Unused(kind: .negated, detail: "negationInd true: the \(type) is negated (finding absent, act not done), never read as a positive result")
        }
        if let outer = inherited.negation { return outer }
        return nil
    }

    /// The statement's code, then its translations, through `code-system-oids.csv` and `codes.csv`.
    func mapCode(_ codeElement: XMLNode?) -> Result<(Concept, OriginalCoding), Unused> {
        guard let code = codeElement else {
            return .failure(Unused(kind: .unmappedCode, detail: "no code element"))
        }
        // The code itself first, by its bytes, without a `String` until it maps (the common case).
        if let mapped = mapCodeInPlace(code) { return .success(mapped) }
        // Then the same code by `String` (what the byte lookup leaves to it: non-ASCII text), and
        // its translations.
        if let written = WrittenValue.writtenCode(code) {
            let system = mappings.codeSystem(oid: written.codeSystem ?? "")
            if let concept = mappings.concept(system: system, code: written.code) {
                return .success((concept, OriginalCoding(system: system, code: written.code, display: written.display)))
            }
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

    /// The element's own code when it maps to a concept, looked up by the attribute bytes through
    /// the byte-keyed tables (`MappingTables.lookup`), with the code system from the document's
    /// `CodeSystemCache`: the same answer as `concept(system:code:)` on the trimmed texts. Nil when
    /// there is no code or it does not map; `mapCode` then takes the `String` path.
    func mapCodeInPlace(_ code: XMLNode) -> (Concept, OriginalCoding)? {
        let found: (Concept, String?, String)?? = code.withTrimmedValue(ofAttribute: "code") { codeBytes in
            guard !codeBytes.isEmpty else { return nil }
            let entry = code.withTrimmedValue(ofAttribute: "codeSystem") { codeSystems.entry(oid: $0, mappings: mappings) }
                ?? codeSystems.entry(oid: UnsafeBufferPointer(start: nil, count: 0), mappings: mappings)
            guard case .concept(let concept, _)? = mappings.lookup(entry.key, code: codeBytes) else { return nil }
            return (concept, entry.system, String(decoding: codeBytes, as: UTF8.self))
        }
        guard case let (concept, system, text)?? = found else { return nil }
        return (concept, OriginalCoding(system: system, code: text, display: code.value(ofAttribute: "displayName")))
    }

    /// `effectiveTime/@value`, else `low/@value`, else `center/@value`; nil when none is given
    /// (or only a nullFlavor). A value that is not a TS is invalid.
    func effectiveTime(_ parts: StatementParts) throws(InvalidElement) -> ClinicalTime? {
        guard let time = parts.effectiveTime else { return nil }
        // The time is parsed from libxml2's bytes: no `String` per statement.
        if let parsed = time.withTrimmedValue(ofAttribute: "value", HL7TimeStamp.parse) {
            guard let t = parsed else { throw Self.badTime("/effectiveTime/@value", time.line) }
            return t
        }
        for part in ["low", "center"] {
            if let element = time.firstChild(named: part, namespace: hl7),
               let parsed = element.withTrimmedValue(ofAttribute: "value", HL7TimeStamp.parse) {
                guard let t = parsed else { throw Self.badTime("/effectiveTime/\(part)/@value", element.line) }
                return t
            }
        }
        return nil
    }

    static func badTime(_ element: String, _ line: Int) -> InvalidElement {
        InvalidElement(element: element, reason: "not a CDA TS date/time (YYYYMMDD[HH[MM[SS[.S]]]][+/-ZZZZ])", line: line)
    }

    /// interpretationCode codes (`H`, `L`, `N`, …) kept as notes beside the value.
    func interpretation(_ parts: StatementParts) -> [String] {
        if parts.interpretations.isEmpty { return [] }
        return parts.interpretations.compactMap { element in
            // HL7 interpretation codes are short ASCII (H, LL, HX, …); anything else is not echoed.
            guard let code = element.trimmedValue(ofAttribute: "code"), !code.isEmpty, code.utf8.count <= 16,
                  code.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F })
            else { return nil }
            return "interpretation: " + code
        }
    }
}
