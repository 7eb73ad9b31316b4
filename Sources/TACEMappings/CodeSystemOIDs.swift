import TACEModel

/// `code-system-oids.csv`: code-system OIDs (CDA `codeSystem`, HL7 v3) → code-system URI.
extension MappingTables {
    static let codeSystemOIDColumns = ["oid", "system"]

    /// The code-system URI for a CDA `codeSystem` value: the table's row for the OID, else
    /// `urn:oid:<OID>` for an OID, `urn:uuid:<uuid>` (lower case) for a UUID, and the text itself
    /// otherwise. Nil for an empty value (a code without a system).
    public func codeSystem(oid text: String) -> String? {
        let trimmed = text.trimmingBlanks
        if trimmed.isEmpty { return nil }
        if let system = codeSystemOIDs[trimmed] { return system }
        return Self.uriForUID(trimmed)
    }

    /// Whether `code-system-oids.csv` lists the OID.
    public func knowsCodeSystem(oid text: String) -> Bool { codeSystemOIDs[text.trimmingBlanks] != nil }

    /// `urn:oid:` for an OID (`1.2.3`), `urn:uuid:` for a UUID; other text unchanged.
    public static func uriForUID(_ uid: String) -> String {
        if isOID(uid) { return "urn:oid:" + uid }
        if isUUID(uid) { return "urn:uuid:" + uid.lowercased() }
        return uid
    }

    /// Digits separated by single dots, at least two arcs: `2.16.840.1.113883.19`.
    public static func isOID(_ text: String) -> Bool {
        var previousDot = true, dots = 0
        for b in text.utf8 {
            if b == 0x2E {
                if previousDot { return false }
                previousDot = true
                dots += 1
            } else if b >= 0x30 && b <= 0x39 {
                previousDot = false
            } else {
                return false
            }
        }
        return !previousDot && dots > 0
    }

    /// 8-4-4-4-12 hexadecimal digits.
    public static func isUUID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (i, b) in bytes.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                if b != 0x2D { return false }
            } else if !((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66)) {
                return false
            }
        }
        return true
    }

    /// Returns the tables with a site's `code-system-oids.csv` merged over the defaults (nil = absent).
    public func mergingCodeSystemOIDs(_ text: String?, file: String) throws(MappingError) -> MappingTables {
        guard let text else { return self }
        var merged = self
        let site = try Self.parseOIDTable(HeaderedTable(text: text, file: file, required: Self.codeSystemOIDColumns))
        merged.codeSystemOIDs.merge(site) { _, siteRow in siteRow }
        return merged
    }

    mutating func loadCodeSystemOIDs(_ text: String, file: String) throws(MappingError) {
        codeSystemOIDs = try Self.parseOIDTable(HeaderedTable(text: text, file: file, required: Self.codeSystemOIDColumns))
    }

    /// Rows of `oid,system`: the same rules as the other name tables, and the key must be an OID.
    static func parseOIDTable(_ table: HeaderedTable) throws(MappingError) -> [String: String] {
        for row in table.rows {
            let oid = table.field(row, "oid").trimmingBlanks
            if !oid.isEmpty && !isOID(oid) {
                throw table.error(row, "oid '\(oid)' is not an OID (digits separated by dots, e.g. 2.16.840.1.113883.6.1)")
            }
        }
        return try parseNameTable(table, key: "oid")
    }
}
