import TACEModel

/// Row-by-row validation of each table. Every failure names the file and the line.
extension MappingTables {
    // MARK: units.csv

    mutating func loadUnits(_ table: HeaderedTable) throws(MappingError) {
        var firstLine: [String: Int] = [:]       // duplicate detection: "concept|unit"
        var parameterLine: [String: Int] = [:]
        let canonicalUnits = Set(Concept.allCases.compactMap(\.canonicalUnit))

        for row in table.rows {
            let conceptText = table.field(row, "concept")
            let unitText = table.field(row, "unit")
            let toText = table.field(row, "to")
            let factorText = table.field(row, "factor")
            let parameterText = table.field(row, "parameter")

            var concept: Concept? = nil
            if conceptText != "*" {
                guard let c = FieldRules.concept(conceptText) else {
                    throw table.error(row, FieldRules.unknownConcept(conceptText) + " (or '*' for every concept with the unit in 'to')")
                }
                guard c.canonicalUnit != nil else {
                    throw table.error(row, "concept '\(c.rawValue)' has no canonical unit (its values are coded or it is an event); units.csv applies only to quantities")
                }
                concept = c
            }
            if let problem = FieldRules.plausibleUCUM(unitText) { throw table.error(row, problem) }
            let unit = UCUMUnit(unitText)

            let target: UCUMUnit
            if let concept, let canonical = concept.canonicalUnit {
                if !toText.isEmpty && toText != canonical.rawValue {
                    throw table.error(row, "'to' is '\(toText)' but the canonical unit of \(concept.rawValue) is '\(canonical.rawValue)'")
                }
                target = canonical
            } else {
                guard !toText.isEmpty else {
                    throw table.error(row, "a '*' row must name its target unit in the 'to' column")
                }
                guard canonicalUnits.contains(UCUMUnit(toText)) else {
                    let list = canonicalUnits.map(\.rawValue).sorted().joined(separator: ", ")
                    throw table.error(row, "no concept has canonical unit '\(toText)'; canonical units: \(list)")
                }
                target = UCUMUnit(toText)
            }

            guard let factor = FieldRules.factor(factorText) else {
                throw table.error(row, "factor '\(factorText)' is not a positive number (write e.g. 17.104 or 1/10)")
            }
            if unit == target && factor.value != 1 {
                throw table.error(row, "'\(unit.rawValue)' is the canonical unit itself, so its factor must be 1 (found \(factorText))")
            }

            var parameter: String? = nil
            if !parameterText.isEmpty {
                guard FieldRules.validParameterName(parameterText) else {
                    throw table.error(row, "parameter '\(parameterText)' is not a valid name (letters, digits, '.', '_', '-'; starting with a letter)")
                }
                if let earlier = parameterDefaults[parameterText], earlier != factor.value {
                    throw table.error(row, "parameter '\(parameterText)' has default \(earlier) on line \(parameterLine[parameterText]!) but \(factor.value) here; one parameter has one default")
                }
                parameterDefaults[parameterText] = factor.value
                parameterLine[parameterText] = parameterLine[parameterText] ?? row.line
                parameter = parameterText
            }

            let dupKey = (concept?.rawValue ?? "*->" + target.rawValue) + "|" + unit.rawValue
            if let first = firstLine[dupKey] {
                throw table.error(row, "duplicate conversion for \(conceptText) from '\(unit.rawValue)' (first on line \(first))")
            }
            firstLine[dupKey] = row.line

            let rule = Conversion(factor: factor, parameter: parameter)
            if let concept {
                specificConversions[concept, default: [:]][unit] = rule
            } else {
                wildcardConversions[ConversionKey(unit: unit, to: target)] = rule
            }
            knownUnits.insert(unit.rawValue)
            knownUnits.insert(target.rawValue)
        }
        parameters = parameterDefaults

        // Every quantity must accept its own canonical unit, or its own output could not be read back.
        for concept in Concept.allCases {
            guard let canonical = concept.canonicalUnit else { continue }
            if conversion(from: canonical, for: concept, canonical: canonical) == nil {
                throw MappingError(file: table.file, line: 0,
                                   reason: "no row converts '\(canonical.rawValue)' for \(concept.rawValue); every quantity concept needs its canonical unit (factor 1)")
            }
        }
    }

    // MARK: unit-spellings.csv

    mutating func loadSpellings(_ table: HeaderedTable) throws(MappingError) {
        var firstLine: [String: Int] = [:]
        for row in table.rows {
            let text = table.field(row, "text")
            let unitText = table.field(row, "unit")
            guard !text.isEmpty else { throw table.error(row, "text is empty") }
            if let problem = FieldRules.plausibleUCUM(unitText) { throw table.error(row, problem) }
            guard knownUnits.contains(unitText) else {
                throw table.error(row, "unit '\(unitText)' is not used by any row of units.csv, so nothing could convert it")
            }
            if let first = firstLine[text] {
                throw table.error(row, "duplicate spelling '\(text)' (first on line \(first))")
            }
            firstLine[text] = row.line
            spellings[text] = UCUMUnit(unitText)
        }
        // Case-insensitive index over spellings and UCUM codes; a folded text claimed by two
        // different units (`G/L` = 10*9/L vs `g/L`) is marked ambiguous and never matched.
        var folded: [String: UCUMUnit?] = [:]
        func add(_ text: String, _ unit: UCUMUnit) {
            let key = Self.fold(text)
            if let existing = folded[key], existing != unit { folded[key] = .some(nil) } else if folded[key] == nil { folded[key] = unit }
        }
        for code in knownUnits { add(code, UCUMUnit(code)) }
        for (text, unit) in spellings { add(text, unit) }
        foldedSpellings = folded
    }

    // MARK: codes.csv

    func parseCodes(_ table: HeaderedTable) throws(MappingError) -> [CodeKey: CodeEntry] {
        var out: [CodeKey: CodeEntry] = [:]
        for row in table.rows {
            let system = TACECodeSystems.expand(table.field(row, "system"))
            let code = table.field(row, "code")
            let conceptText = table.field(row, "concept")
            let unitText = table.field(row, "default_unit")
            guard !code.isEmpty else { throw table.error(row, "code is empty") }
            guard let concept = FieldRules.concept(conceptText) else {
                throw table.error(row, FieldRules.unknownConcept(conceptText))
            }
            var defaultUnit: UCUMUnit? = nil
            if !unitText.isEmpty {
                guard let canonical = concept.canonicalUnit else {
                    throw table.error(row, "default_unit '\(unitText)' given for \(concept.rawValue), which is not a quantity")
                }
                if let problem = FieldRules.plausibleUCUM(unitText) { throw table.error(row, "default_unit: " + problem) }
                let unit = UCUMUnit(unitText)
                guard conversion(from: unit, for: concept, canonical: canonical) != nil else {
                    throw table.error(row, "default_unit '\(unitText)' cannot be converted to \(canonical.rawValue) for \(concept.rawValue) (no row in units.csv)")
                }
                defaultUnit = unit
            }
            let key = CodeKey(system: system, code: code)
            if let first = out[key] {
                throw table.error(row, "duplicate mapping for \(system)|\(code) (first on line \(first.line))")
            }
            out[key] = CodeEntry(concept: concept, defaultUnit: defaultUnit, file: table.file, line: row.line)
        }
        return out
    }

    // MARK: values.csv

    func parseValues(_ table: HeaderedTable) throws(MappingError) -> [ValueKey: ValueEntry] {
        var out: [ValueKey: ValueEntry] = [:]
        let codedConcepts = Concept.allCases.filter {
            if case .coded = $0.valueKind { return true } else { return false }
        }.map(\.rawValue).joined(separator: ", ")
        for row in table.rows {
            let conceptText = table.field(row, "concept")
            let system = TACECodeSystems.expand(table.field(row, "system"))
            let code = table.field(row, "code")
            let value = table.field(row, "value")
            guard let concept = FieldRules.concept(conceptText) else {
                throw table.error(row, FieldRules.unknownConcept(conceptText))
            }
            guard case .coded(let allowed) = concept.valueKind else {
                throw table.error(row, "concept '\(concept.rawValue)' is not coded; values.csv maps answers of coded concepts only: \(codedConcepts)")
            }
            guard !code.isEmpty else { throw table.error(row, "code is empty") }
            guard allowed.contains(value) else {
                throw table.error(row, "value '\(value)' is not allowed for \(concept.rawValue); allowed: \(allowed.joined(separator: ", "))")
            }
            let key = ValueKey(concept: concept, system: system, code: code)
            if let first = out[key] {
                throw table.error(row, "duplicate mapping for \(concept.rawValue) \(system)|\(code) (first on line \(first.line))")
            }
            out[key] = ValueEntry(value: value, file: table.file, line: row.line)
        }
        return out
    }

    // MARK: rejected.csv

    mutating func loadRejections(_ table: HeaderedTable) throws(MappingError) {
        var firstLine: [CodeKey: Int] = [:]
        for row in table.rows {
            let system = TACECodeSystems.expand(table.field(row, "system"))
            let code = table.field(row, "code")
            let reason = table.field(row, "reason")
            guard !code.isEmpty else { throw table.error(row, "code is empty") }
            guard !reason.isEmpty else { throw table.error(row, "reason is empty; say why the code is not used") }
            let key = CodeKey(system: system, code: code)
            if let first = firstLine[key] {
                throw table.error(row, "duplicate rejection of \(system)|\(code) (first on line \(first))")
            }
            firstLine[key] = row.line
            rejections[key] = reason
        }
    }
}
