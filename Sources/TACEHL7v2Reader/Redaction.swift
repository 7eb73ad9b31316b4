import TACEFHIRReader

/// Source text in a report: withheld (only its length shown) — a misaligned field can carry a name
/// or a result, which is patient data. The same rule as every reader's (`ReportText`).
func echoable(_ text: String) -> String { ReportText.echoable(text) }

/// The text quoted when it is one of `codes` (a closed HL7 table), else withheld.
func echoable(_ text: String, oneOf codes: some Sequence<String>) -> String { ReportText.echoable(text, oneOf: codes) }

/// HL7 table 0123 (OBR-25 result status).
let resultStatusCodes: Set<String> = ["O", "I", "S", "A", "P", "C", "R", "F", "X", "Y", "Z"]

/// HL7 table 0125 (OBX-2 value type).
let valueTypeCodes: Set<String> = [
    "AD", "CE", "CF", "CK", "CN", "CNE", "CP", "CWE", "CX", "DR", "DT", "DTM", "ED", "FT", "ID", "MA", "MO", "NA",
    "NM", "NR", "PN", "RP", "SN", "ST", "TM", "TN", "TS", "TX", "XAD", "XCN", "XON", "XPN", "XTN",
]

/// `system|code` for reports, withheld when it does not look like a code.
func codingText(_ system: String?, _ code: String) -> String { ReportText.codingText(system, code) }
