import TACEJSON
import TACEModel
import TACEScoring

/// The cards of the p-tace service (clinical reference §10.3). Optional fields without a value are omitted.
enum CDSCards {
    static let empty = Array(#"{"cards":[]}"#.utf8)
    static let sourceLabel = "p-TACE score (J Cancer, Zhongshan Hospital)"

    /// Indicator policy (`cds.indicatorByGrade`, §10.3): grades 1–3 info, 4–6 warning, never critical
    /// (the score is prognostic, not a contraindication).
    static let indicatorByGrade: [Int: String] = [1: "info", 2: "info", 3: "info", 4: "warning", 5: "warning", 6: "warning"]

    static func json(for a: PTACEAssessment, unreadablePrefetch: [String]) -> [UInt8] {
        var w = JSONWriter(pretty: false)
        w.beginObject()
        w.key("cards")
        w.beginArray()
        if a.isComplete, let total = a.total, let grade = a.grade {
            completeCard(a, total: total, grade: grade, into: &w)
        } else {
            missingInputsCard(a, unreadablePrefetch: unreadablePrefetch, into: &w)
        }
        w.endArray()
        w.endObject()
        return w.bytes
    }

    static func completeCard(_ a: PTACEAssessment, total: Double, grade: Int, into w: inout JSONWriter) {
        var summary = "p-TACE \(NumberText.decimal(total))/19.5 (grade \(grade))"
        if let p = a.probability {
            summary += ": estimated TACE refractoriness risk about \(Int((p * 100).rounded()))%"
        }
        var detail = "| Item | Value | Points |\n|---|---|---|\n"
        for (factor, outcome) in a.factors {
            if case .scored(let points, _, let text) = outcome {
                detail += "| \(label(factor)) | \(markdownCell(text)) | \(NumberText.decimal(points)) |\n"
            }
        }
        detail += "\nGrade \(grade) of 6. Decision support only; single-centre model."
        if !a.warnings.isEmpty {
            detail += "\n\nPlausibility flags (not used to change the score):\n" + a.warnings.map { "- " + markdownCell($0) }.joined(separator: "\n")
        }
        writeCard(summary: summary, indicator: indicatorByGrade[grade] ?? "info", detail: detail, into: &w)
    }

    static func missingInputsCard(_ a: PTACEAssessment, unreadablePrefetch: [String], into w: inout JSONWriter) {
        let names = a.missingConcepts.map(\.displayName)
        var summary = "p-TACE not computed: missing " + (names.isEmpty ? "inputs" : names.joined(separator: ", "))
        if summary.count >= 140 { summary = String(summary.prefix(136)) + "…" }
        var detail = "Missing, too old or unusable: " + (names.isEmpty ? "inputs" : names.joined(separator: ", ")) + ".\n\n"
        detail += "With what is known, the total can still be \(NumberText.decimal(a.reachableTotal.lowerBound))"
        detail += " to \(NumberText.decimal(a.reachableTotal.upperBound)) (grades \(a.reachableGrades.lowerBound) to \(a.reachableGrades.upperBound)):"
        detail += " a missing factor is never scored as 0."
        if !unreadablePrefetch.isEmpty {
            detail += "\n\nPrefetch not readable as FHIR: " + unreadablePrefetch.map(markdownCell).joined(separator: ", ") + "."
        }
        writeCard(summary: summary, indicator: "info", detail: detail, into: &w)
    }

    static func writeCard(summary: String, indicator: String, detail: String, into w: inout JSONWriter) {
        w.beginObject()
        w.field("uuid", randomUUID())
        w.field("summary", summary)
        w.field("indicator", indicator)
        w.field("detail", detail)
        w.key("source")
        w.beginObject()
        w.field("label", sourceLabel)
        w.endObject()
        w.endObject()
    }

    static func label(_ factor: PTACEFactor) -> String {
        switch factor {
        case .vascularization: return "Vascularization"
        case .albi: return "ALBI"
        case .afp: return "AFP"
        case .ggt: return "GGT"
        case .size: return "Largest tumor"
        }
    }

    /// Text safe inside a Markdown table cell.
    static func markdownCell(_ s: String) -> String {
        s.replacingPipes
    }

    /// A random (version 4) UUID in lower-case text form.
    static func randomUUID() -> String {
        var g = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &g) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = Array("0123456789abcdef")
        var s = ""
        for (i, b) in bytes.enumerated() {
            if [4, 6, 8, 10].contains(i) { s.append("-") }
            s.append(hex[Int(b >> 4)])
            s.append(hex[Int(b & 0x0F)])
        }
        return s
    }
}

extension String {
    fileprivate var replacingPipes: String {
        var out = ""
        for c in self {
            if c == "|" { out += "\\|" } else if c == "\n" { out += " " } else { out.append(c) }
        }
        return out
    }
}
