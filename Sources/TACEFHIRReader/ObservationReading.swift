import TACEJSON
import TACEMappings
import TACEModel

extension ReadContext {
    /// Whether a number written with a non-zero digit before its exponent (`1e-400`) was read as 0:
    /// too small for a Double, and never a measured zero.
    static func underflowsToZero(_ number: Double, written: String?) -> Bool {
        guard number == 0, let written else { return false }
        return written.utf8.prefix { $0 != 0x65 && $0 != 0x45 }.contains { $0 >= 0x31 && $0 <= 0x39 }
    }

    /// Why a value written beside a dataAbsentReason is not used (FHIR R4 invariant obs-6).
    static func valueBesideDataAbsentReason(_ concept: Concept) -> String {
        "\(concept.rawValue): a value beside a dataAbsentReason (FHIR obs-6 allows only one): not known to be the result"
    }

    /// Members of an Observation read on the hot path, found in one pass (see `JSONKeySet`).
    enum ObservationKey: Int, CaseIterable {
        case status, code, component, subject, effectiveDateTime, effectiveInstant, effectivePeriod, issued, note,
             dataAbsentReason, id, identifier, meta, comments, comment, context, category,
             valueQuantity, valueCodeableConcept, valueString, valueInteger, valueBoolean, valueRange, valueRatio,
             valueSampledData, valueTime, valueDateTime, valuePeriod
        static let names = allCases.map { "\($0)" }
        static let set = JSONKeySet(names)
        static let firstValueKey = ObservationKey.valueQuantity.rawValue
    }

    mutating func readObservation(_ resource: JSONValue, path: String, inherited: InheritedContext?, bundle: BundleIndex?,
                                  into out: inout FHIRReadOutput) throws {
        let f = resource.values(for: ObservationKey.set)
        func field(_ k: ObservationKey) -> JSONValue? { f[k.rawValue] }
        // Earlier FHIR versions (checked here for Observations, in one pass with the rest).
        if field(.comments) != nil || field(.comment) != nil || field(.context) != nil || field(.category)?.kind == .object,
           let marker = FHIRVersionMarkers.detect(type: "Observation", resource: resource) {
            throw FHIRReadError(kind: .unsupportedVersion(marker.version), file: file, location: path + "." + marker.element,
                                reason: "FHIR \(marker.version) content: \(marker.why). TACEBridge reads FHIR R4 (4.0.1) only; convert the file to R4 first")
        }
        guard let statusValue = field(.status) else { throw InvalidElement(".status", "is required") }
        guard let statusText = statusValue.string else { throw InvalidElement(".status", "must be a string") }
        guard let status = ObservationStatus(rawValue: statusText) else {
            throw InvalidElement(".status", "is not an Observation status code (registered, preliminary, final, amended, corrected, cancelled, entered-in-error, unknown)")
        }
        if status == .cancelled || status == .enteredInError {
            return skip(&out, path, "Observation", .excludedStatus, "status \(status.rawValue)")
        }
        let top = try mappedCoding(field(.code), path: ".code")
        var components: [JSONValue] = []
        if let c = field(.component), !c.isNull {
            guard c.kind == .array else { throw InvalidElement(".component", "must be an array") }
            components = Array(c.elements)
        }
        if top == nil && components.isEmpty {
            return skip(&out, path, "Observation", .unmappedCode, try codingList(field(.code)))
        }
        var subject = try out.subjectMemo.identity(of: field(.subject), bundle: bundle) {
            try subjectIdentity(reference: field(.subject), path: "", bundle: bundle)
        }
        if subject == nil { subject = inherited?.subject }
        guard let patient = subject else {
            return skip(&out, path, "Observation", .noSubject, "subject missing, not resolvable or not a Patient")
        }
        var effective = try effectiveTime(dateTime: field(.effectiveDateTime), instant: field(.effectiveInstant),
                                          period: field(.effectivePeriod), path: "", element: "effective")
        if effective == nil, let issuedValue = field(.issued), !issuedValue.isNull {
            guard let issued = issuedValue.string, let t = ClinicalTime(fhir: issued) else {
                throw InvalidElement(".issued", "is not a FHIR instant")
            }
            effective = t
        }
        if effective == nil { effective = inherited?.effective }
        var topValue: (key: String, value: JSONValue)? = nil
        for k in ObservationKey.firstValueKey..<ObservationKey.allCases.count {
            if let v = f[k] { topValue = (ObservationKey.names[k], v); break }
        }
        var notes: [String] = []
        if let n = field(.note), !n.isNull {
            guard n.kind == .array else { throw InvalidElement(".note", "must be an array") }
            notes = n.elements.compactMap { $0["text"]?.string }
        }
        let source = provenance(id: field(.id), identifier: field(.identifier), meta: field(.meta), type: "Observation", path: path)

        var produced = 0
        var topSkip: (SkipKind, String)? = nil
        var topObservation: TypedObservation? = nil
        let resourceHasValue = topValue != nil
        if let (concept, coding) = top {
            if field(.dataAbsentReason) != nil {
                // obs-6: dataAbsentReason only without a value. Both given, the value is not known to be the result.
                if resourceHasValue {
                    let why = Self.valueBesideDataAbsentReason(concept)
                    if components.isEmpty { return skip(&out, path, "Observation", .dataAbsent, why) }
                    topSkip = (.dataAbsent, why)
                } else if components.isEmpty {
                    return skip(&out, path, "Observation", .dataAbsent, "dataAbsentReason for \(concept.rawValue)")
                }
            } else if resourceHasValue {
                switch try value(of: resource, concept: concept, coding: coding, path: "", found: topValue) {
                case .success(let (v, original, conversion)):
                    topObservation = TypedObservation(
                        patient: patient, concept: concept, value: v, effective: effective, status: status,
                        original: original, conversion: conversion, source: source, notes: notes)
                case .failure(let reason):
                    topSkip = (reason.kind, reason.detail)
                }
            } else if components.isEmpty {
                return skip(&out, path, "Observation", .noValue, "no value[x] for \(concept.rawValue)")
            }
        }
        var componentSkips: [(Int, SkipKind, String)] = []
        for (i, component) in components.enumerated() {
            let cpath = ".component[\(i)]"
            guard let (concept, coding) = try mappedCoding(component["code"], path: cpath + ".code") else {
                componentSkips.append((i, .unmappedCode, try codingList(component["code"])))
                continue
            }
            if component["dataAbsentReason"] != nil {
                componentSkips.append((i, .dataAbsent, hasValue(component) ? Self.valueBesideDataAbsentReason(concept)
                                                                           : "dataAbsentReason for \(concept.rawValue)"))
                continue
            }
            guard hasValue(component) else {
                componentSkips.append((i, .noValue, "no value[x] for \(concept.rawValue)"))
                continue
            }
            switch try value(of: component, concept: concept, coding: coding, path: cpath) {
            case .success(let (v, original, conversion)):
                var componentSource = source
                componentSource.location += cpath
                componentSource.recordKey += cpath
                out.observations.append(TypedObservation(
                    patient: patient, concept: concept, value: v, effective: effective, status: status,
                    original: original, conversion: conversion, source: componentSource, notes: notes))
                produced += 1
            case .failure(let reason):
                componentSkips.append((i, reason.kind, reason.detail))
            }
        }
        if let topObservation {
            // A container (e.g. 21889-1 "Size Tumor") whose component carries the same concept (33728-7):
            // the component is the specific measurement and is used; the container's own value is reported.
            if out.observations.suffix(produced).contains(where: { $0.concept == topObservation.concept }) {
                skip(&out, path, "Observation", .supersededByComponent,
                     "\(topObservation.concept.rawValue) given both as the value and in a component; the component is used")
            } else {
                out.observations.append(topObservation)
                produced += 1
            }
        }
        out.report.observationsProduced += produced
        if let (kind, detail) = topSkip { skip(&out, path, "Observation", kind, detail) }
        if top == nil && produced == 0 {
            // Nothing in the resource was usable: one item for the resource, naming every code tried.
            var codes = try codingList(field(.code))
            for (i, _, detail) in componentSkips { codes += "; component[\(i)]: \(detail)" }
            return skip(&out, path, "Observation", componentSkips.first?.1 ?? .unmappedCode, codes)
        }
        // Components of a mapped or partly used observation that could not be used are reported one by one,
        // except unmapped ones beside mapped ones (e.g. a blood-pressure panel's other parts), which are counted.
        for (i, kind, detail) in componentSkips {
            skip(&out, path + ".component[\(i)]", "Observation", kind, detail)
        }
    }

    func hasValue(_ element: JSONValue) -> Bool { valueElement(element) != nil }

    /// The `value[x]` member of an observation or component, found in one pass over its members.
    func valueElement(_ element: JSONValue) -> (key: String, value: JSONValue)? {
        for (k, v) in element.memberNodes where k.stringHasPrefix("value") {
            guard let name = k.string, name.utf8.count > 5 else { continue }
            return (name, v)
        }
        return nil
    }

    struct ValueProblem: Error {
        var kind: SkipKind
        var detail: String
    }

    /// Reads value[x] of an observation or component and maps it to the concept's canonical form.
    func value(of element: JSONValue, concept: Concept, coding: OriginalCoding, path: String,
               found given: (key: String, value: JSONValue)?? = nil) throws
        -> Result<(ObservationValue, OriginalCoding, AppliedConversion?), ValueProblem> {
        var original = coding
        let found = given ?? valueElement(element)
        let valueKey = found?.key ?? "none"
        func member(_ name: String) -> JSONValue? { found?.key == name ? found?.value : nil }
        switch concept.valueKind {
        case .event:
            return .failure(ValueProblem(kind: .unsupportedValueType, detail: "\(concept.rawValue) is an event, not an observation value"))
        case .coded:
            if let cc = member("valueCodeableConcept") {
                guard cc.kind == .object else { throw InvalidElement(path + ".valueCodeableConcept", "must be an object") }
                var tried: [String] = []
                for (i, c) in try array(cc, "coding").enumerated() {
                    let system = try optionalString(c, "system", path: path + ".valueCodeableConcept.coding[\(i)]")
                    guard let code = try optionalString(c, "code", path: path + ".valueCodeableConcept.coding[\(i)]") else { continue }
                    if let v = mappings.value(for: concept, system: system, code: code) {
                        original.valueText = code
                        return .success((.coded(v), original, nil))
                    }
                    tried.append(codingText(system, code))
                }
                return .failure(ValueProblem(kind: .unmappedValue,
                                             detail: "\(concept.rawValue): no values.csv row for " + (tried.isEmpty ? "a CodeableConcept without codings" : tried.joined(separator: ", "))))
            }
            return .failure(ValueProblem(kind: .unsupportedValueType, detail: "\(concept.rawValue) needs valueCodeableConcept, found \(valueKey)"))
        case .quantity(let canonical):
            if let q = member("valueQuantity") {
                return try quantity(q, concept: concept, canonical: canonical, coding: original, path: path + ".valueQuantity")
            }
            if let s = member("valueString") {
                guard let text = s.string else { throw InvalidElement(path + ".valueString", "must be a string") }
                guard let parsed = CensoredNumber.parse(text) else {
                    return .failure(ValueProblem(kind: .nonNumericValue, detail: "\(concept.rawValue): valueString is not a number with optional comparator"))
                }
                original.valueText = parsed.numberText
                var unit: UnitResolution? = nil
                if let unitText = parsed.unitText {
                    original.unit = unitText
                    guard let u = mappings.resolveUnit(text: unitText) else {
                        return .failure(ValueProblem(kind: .unknownUnit, detail: "\(concept.rawValue): unit \(echoable(unitText)) in valueString"))
                    }
                    unit = u
                } else if let d = mappings.defaultUnit(system: coding.system, code: coding.code) {
                    unit = UnitResolution(unit: d, viaSpelling: false)
                    original.unit = nil
                }
                guard let resolved = unit else {
                    return .failure(ValueProblem(kind: .missingUnit, detail: "\(concept.rawValue): valueString without unit and no default_unit for \(coding.system ?? "")|\(coding.code)"))
                }
                return convert(parsed.value, comparator: parsed.comparator, unit: resolved.unit, concept: concept, canonical: canonical, original: original)
            }
            if let i = member("valueInteger") {
                guard let n = i.int else { throw InvalidElement(path + ".valueInteger", "must be an integer") }
                original.valueText = String(n)
                let unit = canonical == .count ? canonical : mappings.defaultUnit(system: coding.system, code: coding.code)
                guard let u = unit else {
                    return .failure(ValueProblem(kind: .missingUnit, detail: "\(concept.rawValue): valueInteger without a unit and no default_unit"))
                }
                return convert(Double(n), comparator: .equal, unit: u, concept: concept, canonical: canonical, original: original)
            }
            return .failure(ValueProblem(kind: .unsupportedValueType, detail: "\(concept.rawValue) needs a quantity, found \(valueKey)"))
        }
    }

    func quantity(_ q: JSONValue, concept: Concept, canonical: UCUMUnit, coding: OriginalCoding, path: String) throws
        -> Result<(ObservationValue, OriginalCoding, AppliedConversion?), ValueProblem> {
        guard q.kind == .object else { throw InvalidElement(path, "must be an object") }
        guard let v = q["value"] else {
            return .failure(ValueProblem(kind: .noValue, detail: "\(concept.rawValue): valueQuantity without value"))
        }
        guard v.kind == .number else { throw InvalidElement(path + ".value", "must be a JSON number") }
        guard let number = v.double, !Self.underflowsToZero(number, written: v.numberText) else {
            throw InvalidElement(path + ".value", "number is out of range")
        }
        var comparator = Comparator.equal
        if let c = try optionalString(q, "comparator", path: path) {
            guard let parsed = Comparator(rawValue: c), parsed != .equal else {
                throw InvalidElement(path + ".comparator", "is not a Quantity comparator (<, <=, >=, >)")
            }
            comparator = parsed
        }
        var original = coding
        original.valueText = v.numberText
        let system = try optionalString(q, "system", path: path)
        let code = try optionalString(q, "code", path: path)
        let unitText = try optionalString(q, "unit", path: path)
        original.unit = code ?? unitText
        var resolved: UnitResolution? = nil
        if let code, system == nil || system == TACECodeSystems.ucum {
            resolved = mappings.resolveUnit(ucumCode: code)
        }
        if resolved == nil, let unitText { resolved = mappings.resolveUnit(text: unitText) }
        if resolved == nil {
            if code == nil && unitText == nil {
                guard let d = mappings.defaultUnit(system: coding.system, code: coding.code) else {
                    return .failure(ValueProblem(kind: .missingUnit, detail: "\(concept.rawValue): valueQuantity without unit and no default_unit for \(coding.system ?? "")|\(coding.code)"))
                }
                resolved = UnitResolution(unit: d, viaSpelling: false)
            } else {
                let shown = [system.map { "system \(echoable($0))" }, code.map { "code \(echoable($0))" }, unitText.map { "unit \(echoable($0))" }].compactMap { $0 }
                return .failure(ValueProblem(kind: .unknownUnit, detail: "\(concept.rawValue): " + shown.joined(separator: ", ")))
            }
        }
        guard let unit = resolved?.unit else { return .failure(ValueProblem(kind: .unknownUnit, detail: concept.rawValue)) }
        return convert(number, comparator: comparator, unit: unit, concept: concept, canonical: canonical, original: original)
    }

    func convert(_ number: Double, comparator: Comparator, unit: UCUMUnit, concept: Concept, canonical: UCUMUnit,
                 original: OriginalCoding) -> Result<(ObservationValue, OriginalCoding, AppliedConversion?), ValueProblem> {
        guard let (value, conversion) = mappings.convert(number, from: unit, for: concept) else {
            return .failure(ValueProblem(kind: .unconvertibleUnit, detail: "\(concept.rawValue): \(unit.rawValue) cannot be converted to \(canonical.rawValue)"))
        }
        guard value.isFinite else {
            return .failure(ValueProblem(kind: .nonNumericValue, detail: "\(concept.rawValue): value out of range after conversion"))
        }
        return .success((.quantity(Measurement(value, canonical, comparator: comparator)), original, conversion))
    }
}

/// A number written as text with an optional comparator and unit: `>60500`, `< 1.0`, `>= 2.5 mg/dL`.
struct CensoredNumber {
    var comparator: Comparator
    var value: Double
    var numberText: String
    var unitText: String?

    static func parse(_ text: String) -> CensoredNumber? {
        let bytes = Array(text.utf8)
        var i = 0
        func skipSpaces() { while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 } }
        skipSpaces()
        var comparator = Comparator.equal
        if i < bytes.count, bytes[i] == 0x3C || bytes[i] == 0x3E {  // < >
            let greater = bytes[i] == 0x3E
            i += 1
            if i < bytes.count, bytes[i] == 0x3D { i += 1; comparator = greater ? .greaterOrEqual : .lessOrEqual }
            else { comparator = greater ? .greaterThan : .lessThan }
            skipSpaces()
        }
        let start = i
        if i < bytes.count, bytes[i] == 0x2D || bytes[i] == 0x2B { i += 1 }
        var digits = 0
        while i < bytes.count, (bytes[i] >= 0x30 && bytes[i] <= 0x39) || bytes[i] == 0x2E {
            if bytes[i] != 0x2E { digits += 1 }
            i += 1
        }
        guard digits > 0, digits <= 30 else { return nil }
        let numberText = String(decoding: bytes[start..<i], as: UTF8.self)
        guard let value = Double(numberText), value.isFinite else { return nil }
        skipSpaces()
        var unit: String? = nil
        if i < bytes.count {
            var end = bytes.count
            while end > i, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
            unit = String(decoding: bytes[i..<end], as: UTF8.self)
        }
        return CensoredNumber(comparator: comparator, value: value, numberText: numberText, unitText: unit)
    }
}
