import TACEModel

/// The two HL7 v2 tables: coding-system names (`hl7v2-coding-systems.csv`) and assigning
/// authorities (`assigning-authorities.csv`). Both map a name written in a message to a URI.
extension MappingTables {
    static let codingSystemColumns = ["name", "system"]
    static let authorityColumns = ["authority", "system"]

    /// The code-system URI for an HL7 v2 coding-system name (CWE.3, CWE.6), or the name itself when
    /// no row lists it (local systems such as `L` or `99LAB` are matched in codes.csv by name).
    public func codeSystem(hl7v2Name name: String) -> String {
        let trimmed = name.trimmingBlanks
        return hl7v2CodingSystems[trimmed] ?? trimmed
    }

    /// Whether `hl7v2-coding-systems.csv` lists the name.
    public func knowsCodeSystem(hl7v2Name name: String) -> Bool { hl7v2CodingSystems[name.trimmingBlanks] != nil }

    /// The identifier system of an HL7 v2 assigning authority (an HD namespace id or universal id)
    /// listed in `assigning-authorities.csv`, or nil when no row lists it.
    public func identifierSystem(assigningAuthority authority: String) -> String? {
        assigningAuthorities[authority.trimmingBlanks]
    }

    /// Returns the tables with a site's HL7 v2 tables merged over the defaults (either may be nil = absent).
    public func mergingHL7v2(codingSystems: String?, codingSystemsFile: String,
                             authorities: String?, authoritiesFile: String) throws(MappingError) -> MappingTables {
        var merged = self
        if let codingSystems {
            let site = try Self.parseNameTable(HeaderedTable(text: codingSystems, file: codingSystemsFile, required: Self.codingSystemColumns), key: "name")
            merged.hl7v2CodingSystems.merge(site) { _, siteRow in siteRow }
        }
        if let authorities {
            let site = try Self.parseNameTable(HeaderedTable(text: authorities, file: authoritiesFile, required: Self.authorityColumns), key: "authority")
            merged.assigningAuthorities.merge(site) { _, siteRow in siteRow }
        }
        merged.reindex()
        return merged
    }

    mutating func loadHL7v2(codingSystems: String, codingSystemsFile: String, authorities: String, authoritiesFile: String) throws(MappingError) {
        hl7v2CodingSystems = try Self.parseNameTable(HeaderedTable(text: codingSystems, file: codingSystemsFile, required: Self.codingSystemColumns), key: "name")
        assigningAuthorities = try Self.parseNameTable(HeaderedTable(text: authorities, file: authoritiesFile, required: Self.authorityColumns), key: "authority")
    }

    /// `key,system` rows: the key must be non-empty and unique, the system a URI (it contains `:`).
    static func parseNameTable(_ table: HeaderedTable, key column: String) throws(MappingError) -> [String: String] {
        var out: [String: String] = [:]
        var firstLine: [String: Int] = [:]
        for row in table.rows {
            let name = table.field(row, column).trimmingBlanks
            let system = TACECodeSystems.expand(table.field(row, "system").trimmingBlanks)
            guard !name.isEmpty else { throw table.error(row, "\(column) is empty") }
            guard system.contains(":"), !system.contains(" ") else {
                throw table.error(row, "system '\(system)' is not a URI (expected e.g. http://loinc.org or urn:oid:1.2.3)")
            }
            if let first = firstLine[name] {
                throw table.error(row, "duplicate \(column) '\(name)' (first on line \(first))")
            }
            firstLine[name] = row.line
            out[name] = system
        }
        return out
    }
}
