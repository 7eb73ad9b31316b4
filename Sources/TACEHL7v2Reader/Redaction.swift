/// Source text that may be echoed in a report (codes, units, coding-system names, statuses): shown
/// quoted when it looks like a code, withheld otherwise — a misaligned field can carry a name or a
/// result, which is patient data. The same rule as the FHIR reader's.
func echoable(_ text: String) -> String {
    let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/%.*[]{}^_'-:|#+~µμ".unicodeScalars)
    guard !text.isEmpty, text.unicodeScalars.count <= 64, text.unicodeScalars.allSatisfy({ allowed.contains($0) }) else {
        return "(text withheld: it does not look like a code)"
    }
    return "'" + text + "'"
}

/// `system|code` for reports, withheld when it does not look like a code.
func codingText(_ system: String?, _ code: String) -> String {
    let text = (system ?? "") + "|" + code
    return echoable(text).hasPrefix("'") ? text : echoable(text)
}
