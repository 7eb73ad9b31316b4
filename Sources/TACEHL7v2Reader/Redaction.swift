import TACEFHIRReader

/// Source text that may be echoed in a report (codes, units, coding-system names, statuses): shown
/// quoted when it looks like a code, withheld otherwise — a misaligned field can carry a name or a
/// result, which is patient data. The same rule as the FHIR reader's (`ReportText`).
func echoable(_ text: String) -> String { ReportText.echoable(text) }

/// `system|code` for reports, withheld when it does not look like a code.
func codingText(_ system: String?, _ code: String) -> String { ReportText.codingText(system, code) }
