import TACEModel

/// How a unit was recognised: `viaSpelling` is false when the text was itself a UCUM code
/// used in `units.csv`, true when it was found through `unit-spellings.csv` (free text).
public struct UnitResolution: Sendable, Equatable {
    public var unit: UCUMUnit
    public var viaSpelling: Bool
    public init(unit: UCUMUnit, viaSpelling: Bool) {
        self.unit = unit
        self.viaSpelling = viaSpelling
    }
}

/// One row of `codes.csv` as in force, with where it came from (for diagnostics and listings).
public struct CodeMapping: Sendable, Equatable {
    public var system: String
    public var code: String
    public var concept: Concept
    public var defaultUnit: UCUMUnit?
    public var file: String
    public var line: Int
}

/// A site row that replaces a default row with a different meaning: a code mapped to another
/// concept, or a coded answer mapped to another value. Listed by `tacebridge mappings` and noted
/// on stderr by `score` and `convert`, so a site never changes a default mapping unawares.
public struct SiteOverride: Sendable, Equatable, CustomStringConvertible {
    /// `system|code`, or `concept system|code` for a coded answer.
    public var key: String
    public var defaultMeaning: String
    public var siteMeaning: String
    public var defaultFile: String
    public var defaultLine: Int
    public var siteFile: String
    public var siteLine: Int

    public var description: String {
        "\(siteFile):\(siteLine): \(key) → \(siteMeaning) overrides \(defaultFile):\(defaultLine) (→ \(defaultMeaning))"
    }
}

/// The declarative mapping tables (`mappings/*.csv`), parsed, validated and indexed.
///
/// Every lookup is a single dictionary probe: readers call these once per observation.
public struct MappingTables: Sendable {
    struct CodeKey: Hashable, Sendable {
        var system: String
        var code: String
    }
    struct ValueKey: Hashable, Sendable {
        var concept: Concept
        var system: String
        var code: String
    }
    struct ConversionKey: Hashable, Sendable {
        var unit: UCUMUnit
        var to: UCUMUnit
    }
    struct CodeEntry: Sendable {
        var concept: Concept
        var defaultUnit: UCUMUnit?
        var file: String
        var line: Int
    }
    struct ValueEntry: Sendable {
        var value: String
        var file: String
        var line: Int
    }
    struct Conversion: Sendable {
        var factor: Factor
        var parameter: String?
    }

    // Changing a table that `ByteIndex` copies drops the index (`didSet`); `reindex()` rebuilds it.
    var codes: [CodeKey: CodeEntry] = [:] { didSet { cachedIndex = nil } }
    var values: [ValueKey: ValueEntry] = [:] { didSet { cachedIndex = nil } }
    var rejections: [CodeKey: String] = [:] { didSet { cachedIndex = nil } }
    /// Rows naming a concept, keyed by (unit, canonical unit of that concept) and concept.
    var specificConversions: [Concept: [UCUMUnit: Conversion]] = [:] { didSet { cachedIndex = nil } }
    /// `*` rows, keyed by (unit, target canonical unit).
    var wildcardConversions: [ConversionKey: Conversion] = [:] { didSet { cachedIndex = nil } }
    var knownUnits: Set<String> = [] { didSet { cachedIndex = nil } }
    var spellings: [String: UCUMUnit] = [:] { didSet { cachedIndex = nil } }
    /// Case-folded spellings; `nil` marks a folded text that two different units share.
    var foldedSpellings: [String: UCUMUnit?] = [:]
    var parameterDefaults: [String: Double] = [:]
    /// `hl7v2-coding-systems.csv`: coding-system name -> URI.
    var hl7v2CodingSystems: [String: String] = [:] { didSet { cachedIndex = nil } }
    /// `assigning-authorities.csv`: HD namespace id or universal id -> identifier system URI.
    var assigningAuthorities: [String: String] = [:]
    /// `xml-formats.csv`: site-described XML formats, sorted by name (see XMLFormatTables.swift).
    public internal(set) var xmlFormats: [XMLFormatDescription] = []

    /// Site rows that changed the meaning of a default row, in file order (see `SiteOverride`).
    public internal(set) var siteOverrides: [SiteOverride] = []
    /// `code-system-oids.csv`: code-system OID -> URI (CDA `codeSystem`).
    var codeSystemOIDs: [String: String] = [:]

    /// The byte-keyed index of the tables above (`ByteLookups.swift`), built once the tables are
    /// complete; nil after any change to them (lookups then build a temporary one: correct, slow).
    private var cachedIndex: ByteIndex? = nil
    var byteIndex: ByteIndex { cachedIndex ?? ByteIndex(self) }
    mutating func reindex() { cachedIndex = ByteIndex(self) }

    /// Named parameters defined by `units.csv` rows (e.g. `afp.ngPerIU`), with the values in force.
    public internal(set) var parameters: [String: Double] = [:]

    // MARK: Loading

    /// Parses and validates the embedded defaults (named `mappings/<file>`). Throws on any bad row.
    public static func defaults() throws(MappingError) -> MappingTables {
        try cachedDefaults.get()
    }

    private static let cachedDefaults: Result<MappingTables, MappingError> = {
        do throws(MappingError) {
            return .success(try loadDefaults())
        } catch {
            return .failure(error)
        }
    }()

    static let defaultFolder = "mappings/"

    private static func loadDefaults() throws(MappingError) -> MappingTables {
        func text(_ name: String) throws(MappingError) -> String {
            guard let entry = DefaultMappingFiles.all.first(where: { $0.name == name }) else {
                throw MappingError(file: defaultFolder + name, line: 0, reason: "default table is missing from the build")
            }
            return entry.text
        }
        var tables = try load(units: text("units.csv"), unitsFile: defaultFolder + "units.csv",
                              spellings: text("unit-spellings.csv"), spellingsFile: defaultFolder + "unit-spellings.csv",
                              codes: text("codes.csv"), codesFile: defaultFolder + "codes.csv",
                              values: text("values.csv"), valuesFile: defaultFolder + "values.csv",
                              rejected: text("rejected.csv"), rejectedFile: defaultFolder + "rejected.csv", indexed: false)
        try tables.loadHL7v2(codingSystems: text("hl7v2-coding-systems.csv"), codingSystemsFile: defaultFolder + "hl7v2-coding-systems.csv",
                             authorities: text("assigning-authorities.csv"), authoritiesFile: defaultFolder + "assigning-authorities.csv")
        try tables.loadXMLFormats(text("xml-formats.csv"), file: defaultFolder + "xml-formats.csv")
        try tables.loadCodeSystemOIDs(text("code-system-oids.csv"), file: defaultFolder + "code-system-oids.csv")
        tables.reindex()
        return tables
    }

    /// Builds tables from explicit texts (the defaults go through here too); for tests and tools.
    static func load(units: String, unitsFile: String, spellings: String, spellingsFile: String,
                     codes: String, codesFile: String, values: String, valuesFile: String,
                     rejected: String, rejectedFile: String, indexed: Bool = true) throws(MappingError) -> MappingTables {
        var t = MappingTables()
        try t.loadUnits(HeaderedTable(text: units, file: unitsFile, required: ["concept", "unit", "factor", "parameter"]))
        try t.loadSpellings(HeaderedTable(text: spellings, file: spellingsFile, required: ["text", "unit"]))
        t.codes = try t.parseCodes(HeaderedTable(text: codes, file: codesFile, required: ["system", "code", "concept"]))
        t.values = try t.parseValues(HeaderedTable(text: values, file: valuesFile, required: ["concept", "system", "code", "value"]))
        try t.loadRejections(HeaderedTable(text: rejected, file: rejectedFile, required: ["system", "code", "reason"]))
        for (key, reason) in t.rejections {
            if let mapped = t.codes[key] {
                throw MappingError(file: rejectedFile, line: 0,
                                   reason: "\(key.system)|\(key.code) is rejected (\(reason)) but \(mapped.file):\(mapped.line) maps it to \(mapped.concept.rawValue)")
            }
        }
        if indexed { t.reindex() }  // the defaults index once, after their HL7 v2 tables
        return t
    }

    /// Returns the defaults merged with a site's tables (either text may be nil = file absent).
    /// Site rows override default rows with the same key (system+code for codes;
    /// concept+system+code for values). `codesFile`/`valuesFile` name the files in errors.
    public func merging(codes: String?, codesFile: String, values: String?, valuesFile: String) throws(MappingError) -> MappingTables {
        var merged = self
        if let codes {
            let site = try parseCodes(HeaderedTable(text: codes, file: codesFile, required: ["system", "code", "concept"]))
            for (key, row) in site {
                guard let old = self.codes[key], old.concept != row.concept else { continue }
                merged.siteOverrides.append(SiteOverride(
                    key: key.system + "|" + key.code, defaultMeaning: old.concept.rawValue, siteMeaning: row.concept.rawValue,
                    defaultFile: old.file, defaultLine: old.line, siteFile: row.file, siteLine: row.line))
            }
            merged.codes.merge(site) { _, siteRow in siteRow }
        }
        if let values {
            let site = try parseValues(HeaderedTable(text: values, file: valuesFile, required: ["concept", "system", "code", "value"]))
            for (key, row) in site {
                guard let old = self.values[key], old.value != row.value else { continue }
                merged.siteOverrides.append(SiteOverride(
                    key: key.concept.rawValue + " " + key.system + "|" + key.code, defaultMeaning: old.value, siteMeaning: row.value,
                    defaultFile: old.file, defaultLine: old.line, siteFile: row.file, siteLine: row.line))
            }
            merged.values.merge(site) { _, siteRow in siteRow }
        }
        merged.siteOverrides.sort { ($0.siteFile, $0.siteLine) < ($1.siteFile, $1.siteLine) }
        merged.reindex()
        return merged
    }

    // MARK: Lookups

    /// Concept for a source coding; `system` nil or "" matches only rows with an empty system.
    /// Surrounding whitespace of code and system is ignored (real C-CDA has `"46008-9 "`).
    public func concept(system: String?, code: String) -> Concept? {
        codes[Self.key(system, code)]?.concept
    }

    /// The unit to assume for a numeric result of this coding that carries none, if one is safe.
    public func defaultUnit(system: String?, code: String) -> UCUMUnit? {
        codes[Self.key(system, code)]?.defaultUnit
    }

    /// Why a source coding is deliberately not used (e.g. molar AFP), if it is listed in `rejected.csv`
    /// and no row of `codes.csv` (default or site) maps it. Readers report this instead of "unmapped".
    public func rejectionReason(system: String?, code: String) -> String? {
        let key = Self.key(system, code)
        return codes[key] == nil ? rejections[key] : nil
    }

    /// Canonical coded value of a concept for a source coding, nil if unmapped.
    public func value(for concept: Concept, system: String?, code: String) -> String? {
        let k = Self.key(system, code)
        return values[ValueKey(concept: concept, system: k.system, code: k.code)]?.value
    }

    /// A unit given as a UCUM code (FHIR `Quantity.system` = UCUM, HL7 v2 coding system `UCUM`):
    /// an exact match against the UCUM codes used in `units.csv`, else the spelling table.
    public func resolveUnit(ucumCode: String) -> UnitResolution? { resolve(ucumCode) }

    /// A unit given as free text (FHIR `Quantity.unit`, HL7 v2 OBX-6 text): a UCUM code used in
    /// `units.csv` as is, else an exact spelling, else a case-insensitive spelling (see docs/mappings.md).
    public func resolveUnit(text: String) -> UnitResolution? { resolve(text) }

    private func resolve(_ raw: String) -> UnitResolution? {
        let text = raw.trimmingBlanks
        if text.isEmpty { return nil }
        if knownUnits.contains(text) { return UnitResolution(unit: UCUMUnit(text), viaSpelling: false) }
        if let unit = spellings[text] { return UnitResolution(unit: unit, viaSpelling: true) }
        if case let unit?? = foldedSpellings[Self.fold(text)] { return UnitResolution(unit: unit, viaSpelling: true) }
        return nil
    }

    /// Converts to the concept's canonical unit; nil if no conversion is known (or the concept
    /// is not a quantity). The conversion is nil when the unit already is canonical.
    public func convert(_ value: Double, from unit: UCUMUnit, for concept: Concept) -> (value: Double, conversion: AppliedConversion?)? {
        guard let canonical = concept.canonicalUnit, let rule = byteIndex.conversion(from: unit, for: concept) ?? conversion(from: unit, for: concept, canonical: canonical) else {
            return nil
        }
        var factor = rule.factor
        if let name = rule.parameter, let v = parameters[name] { factor = Factor(numerator: v, denominator: 1) }
        if unit == canonical && factor.value == 1 { return (value, nil) }
        return (factor.apply(value), AppliedConversion(from: unit, to: canonical, factor: factor.value, parameter: rule.parameter))
    }

    func conversion(from unit: UCUMUnit, for concept: Concept, canonical: UCUMUnit) -> Conversion? {
        specificConversions[concept]?[unit] ?? wildcardConversions[ConversionKey(unit: unit, to: canonical)]
    }

    /// Overrides a named parameter (e.g. from `--set afp.ngPerIU=1.28`); throws if no
    /// `units.csv` row defines it or the value is not a positive finite number.
    public func settingParameter(_ name: String, to value: Double) throws(MappingError) -> MappingTables {
        guard parameters[name] != nil else {
            let known = parameters.keys.sorted().joined(separator: ", ")
            throw MappingError(file: Self.defaultFolder + "units.csv", line: 0,
                               reason: "unknown parameter '\(name)'; parameters defined by units.csv: \(known.isEmpty ? "none" : known)")
        }
        guard value.isFinite, value > 0 else {
            throw MappingError(file: Self.defaultFolder + "units.csv", line: 0,
                               reason: "parameter '\(name)' must be a positive finite number, got \(value)")
        }
        var t = self
        t.parameters[name] = value
        return t
    }

    /// Every code mapping in force, sorted by concept, system and code.
    public var codeMappings: [CodeMapping] {
        codes.map { CodeMapping(system: $0.key.system, code: $0.key.code, concept: $0.value.concept,
                                defaultUnit: $0.value.defaultUnit, file: $0.value.file, line: $0.value.line) }
            .sorted { ($0.concept.rawValue, $0.system, $0.code) < ($1.concept.rawValue, $1.system, $1.code) }
    }

    /// Counts for `--help`/diagnostics.
    public var summary: String {
        let concepts = Set(codes.values.map(\.concept)).count
        let conversions = specificConversions.values.reduce(0) { $0 + $1.count } + wildcardConversions.count
        let params = parameters.keys.sorted().map { name -> String in
            let v = parameters[name]!
            return v == parameterDefaults[name] ? "\(name)=\(v)" : "\(name)=\(v) (default \(parameterDefaults[name]!))"
        }
        return "\(codes.count) source codes for \(concepts) concepts, \(values.count) coded values, "
            + "\(conversions) unit conversions, \(spellings.count) unit spellings, \(rejections.count) rejected codes, "
            + "\(xmlFormats.count) XML formats (\(xmlFormats.map(\.name).joined(separator: ", "))); "
            + "parameters: \(params.isEmpty ? "none" : params.joined(separator: ", "))"
    }

    // MARK: Keys

    static func key(_ system: String?, _ code: String) -> CodeKey {
        CodeKey(system: (system ?? "").trimmingBlanks, code: code.trimmingBlanks)
    }

    /// The case-insensitive form of a unit spelling: ASCII lower case, micro sign (U+00B5)
    /// and Greek mu (U+03BC, U+039C) as `u`, blanks removed.
    static func fold(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            switch s.value {
            case 0x41...0x5A: out.append(Unicode.Scalar(s.value + 0x20)!)
            case 0xB5, 0x3BC, 0x39C: out.append("u")
            case 0x20, 0x09, 0xA0: continue
            default: out.append(s)
            }
        }
        return String(out)
    }
}
