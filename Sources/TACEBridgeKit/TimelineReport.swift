import TACEJSON
import TACEModel
import TACERefractoriness
import TACEScoring

/// `tacebridge timeline --format`.
public enum TimelineFormat: String, Sendable, CaseIterable {
    case text, json
}

/// One patient's timeline with the verdicts, as printed by `tacebridge timeline`.
struct TimelineReport {
    var patient: String
    var ordinal: Int
    var timeline: PatientTimeline
    var day: ClinicalDay
    var verdicts: [RefractorinessVerdict]
    var scores: [ReTreatmentScore]
    var scoring: ScoringConfiguration
    var configuration: RefractorinessConfiguration

    struct LiverFunction {
        var childPugh: ChildPughResult?
        var albi: ALBIResult?
        var ast: Measurement?
    }

    /// Child-Pugh, ALBI and AST at a session's day (inputs within the p-TACE lookbacks).
    func liverFunction(on d: ClinicalDay) -> LiverFunction {
        let index = IndexDate(time: d.clinicalTime, source: .asOf)
        let cp = ChildPughAssessor.assess(observations: timeline.observations, index: index, configuration: scoring).result
        let b = InputSelection.select(.bilirubinTotal, from: timeline.observations, index: d.clinicalTime, configuration: scoring)
        let a = InputSelection.select(.albumin, from: timeline.observations, index: d.clinicalTime, configuration: scoring)
        var albi: ALBIResult?
        if let bo = b.observation, let ao = a.observation, let bm = bo.value.measurement, let am = ao.value.measurement,
           bm.comparator == .equal, am.comparator == .equal, let tb = bo.effective, let ta = ao.effective,
           abs(tb.days(until: ta)) <= scoring.albiMaxPairGapDays {
            albi = ALBI.score(bilirubinUmolPerL: bm.value, albuminGPerL: am.value, configuration: scoring)
        }
        let ast = InputSelection.select(.ast, from: timeline.observations, index: d.clinicalTime, configuration: scoring).observation?.value.measurement
        return LiverFunction(childPugh: cp, albi: albi, ast: ast)
    }

    /// The session a study evaluates (§4.2), if any.
    func evaluatedSession(of study: ResponseAssessment) -> (index: Int, days: Int)? {
        for i in timeline.sessions.indices where timeline.sessions[i].isPerformed {
            if case .found(let e, let days) = Primitives.evaluation(ofSession: i, in: timeline, configuration), e.day == study.day {
                return (i, days)
            }
        }
        return nil
    }

    // MARK: text

    var text: String {
        var out: [String] = []
        out.append("Patient \(patient) (patient \(ordinal)); evaluated on \(day)")
        let t = timeline
        out.append("")
        out.append("  TACE sessions")
        if t.sessions.isEmpty { out.append("    none recorded") } else {
            // The "performed" column appears only when an attempt was not completed (it breaks chains, §4.2).
            let showPerformed = t.sessions.contains { !$0.isPerformed }
            var rows = [["#", "date"] + (showPerformed ? ["performed"] : [])
                + ["selectivity", "adequate", "intent", "agent changed", "artery reanalysed", "Child-Pugh", "ALBI", "AST"]]
            for (i, s) in t.sessions.enumerated() {
                let lf = liverFunction(on: s.day)
                let intent = Primitives.intent(of: s, in: t, configuration)
                let performed = s.notCompleted.map { "no (\($0.value.rawValue))" } ?? "yes"
                var row: [String] = ["\(i + 1)", s.day.description]
                if showPerformed { row.append(performed) }
                let rest: [String] = [
                             s.selectivity?.value.rawValue ?? "(not recorded)",
                             s.adequate.map { $0.value ? "yes" : "no" } ?? "(not recorded)",
                             intent.map { $0.value.rawValue + ($0.day == s.day ? "" : " (carried)") } ?? "-",
                             s.agentChanged.map { $0.value ? "yes" : "no" } ?? "-",
                             s.feedingArteryReanalysed.map { $0.value ? "yes" : "no" } ?? "-",
                             lf.childPugh.map { "\($0.points) (\($0.childClass))" } ?? "-",
                             lf.albi.map { NumberText.fixed($0.score, fractionDigits: 2) + " (\($0.grade))" } ?? "-",
                             lf.ast.map(measurement) ?? "-"]
                rows.append(row + rest)
            }
            out += table(rows)
        }
        out.append("")
        out.append("  Imaging")
        if t.assessments.isEmpty { out.append("    none recorded") } else {
            var rows = [["date", "evaluates", "viable", "target", "overall", "tumors", "new", "Vp", "Vv", "EHS"]]
            for a in t.assessments {
                let evaluates: String
                if let (i, days) = evaluatedSession(of: a) {
                    evaluates = "#\(i + 1) +\(days) d"
                } else if let first = t.sessions.first, a.day <= first.day {
                    evaluates = "baseline"
                } else if let last = t.sessions.last(where: { $0.day < a.day && $0.isPerformed }) {
                    evaluates = "(+\(a.day.days(since: last.day)) d, none)"
                } else {
                    evaluates = "-"
                }
                rows.append([a.day.description, evaluates,
                             a.viablePercents.isEmpty ? "-" : a.viablePercents.map { measurement($0.value) }.joined(separator: ", "),
                             a.targetResponses.isEmpty ? "-" : a.targetResponses.map(\.value.rawValue).joined(separator: ","),
                             a.overallResponses.isEmpty ? "-" : a.overallResponses.map(\.value.rawValue).joined(separator: ","),
                             a.tumorCount.map { measurement($0.value) } ?? "-",
                             a.newIntrahepaticLesions.map { measurement($0.value) } ?? "-",
                             a.portalVeinGrade.map { "Vp\($0.value)" } ?? "-",
                             a.hepaticVeinGrade.map { "Vv\($0.value)" } ?? "-",
                             a.extrahepaticSpread.map { $0.value ? "present" : "absent" } ?? "-"])
            }
            out += table(rows)
        }
        out.append("")
        out.append("  Tumor markers")
        let markerRows = MarkerAnalyte.allCases.flatMap { analyte in
            (t.markers[analyte] ?? []).map { [$0.day.description, analyte.rawValue, measurement($0.value), sinceSession($0.day)] }
        }.sorted { $0[0] < $1[0] }
        if markerRows.isEmpty { out.append("    none recorded") } else { out += table([["date", "marker", "value", "since session"]] + markerRows) }
        if !t.otherTreatments.isEmpty {
            out.append("")
            out.append("  Other treatments")
            out += table([["date", "treatment"]] + t.otherTreatments.map { [$0.day.description, $0.concept.displayName] })
        }
        if !t.untreatableProgression.isEmpty {
            out.append("")
            out.append("  Clinician assessments")
            out += table([["date", "untreatable progression"]] + t.untreatableProgression.map { [$0.day.description, $0.value ? "present" : "absent"] })
        }
        out.append("")
        out.append("  Verdicts on \(day)")
        var rows = [["definition", "status", "since", "clause"]]
        for v in verdicts {
            let met = v.metClauses
            let reason: String
            if !met.isEmpty {
                reason = met.map { "\($0.code) (\($0.day?.description ?? "")): \($0.detail)" }.joined(separator: " | ")
            } else if !v.missing.isEmpty {
                reason = "missing: " + v.missing.joined(separator: " | ")
            } else {
                let notMet = v.clauses.filter { $0.triggers && $0.outcome == .notMet }.map { "\($0.code): \($0.detail)" }
                let breaks = v.notes.filter { $0.contains("chain broken") || $0.contains("skipped") }
                reason = (notMet + breaks).joined(separator: " | ")
            }
            rows.append([v.definition.shortName, v.status.rawValue, v.dayMet?.description ?? "-", reason])
        }
        out += table(rows)
        var shown = Set<String>()
        for v in verdicts where v.status == .refractory {
            for note in v.notes where note.hasPrefix("after refractoriness") && shown.insert(note).inserted {
                out.append("    " + note.prefix(1).uppercased() + note.dropFirst() + " (\(v.definition.shortName))")
            }
        }
        if !scores.isEmpty {
            out.append("")
            out.append("  Re-treatment scores")
            for s in scores { out.append("    " + s.rationale) }
        }
        if t.undatedCount > 0 || t.unusableStatusCount > 0 || !t.unattachedSessionAttributes.isEmpty {
            out.append("")
            out.append("  Not placed: \(t.undatedCount) without a date, \(t.unusableStatusCount) with a status that may not be used, "
                + "\(t.unattachedSessionAttributes.count) session attribute(s) on a day without a session")
        }
        return out.joined(separator: "\n") + "\n"
    }

    func sinceSession(_ d: ClinicalDay) -> String {
        // Days since the last session performed (an attempt not completed is no treatment to count from).
        guard let s = timeline.sessions.last(where: { $0.day < d && $0.isPerformed }),
              let i = timeline.sessions.firstIndex(where: { $0.day == s.day }) else {
            return "-"
        }
        return "#\(i + 1) +\(d.days(since: s.day)) d"
    }

    func measurement(_ m: Measurement) -> String {
        let unit = m.unit.displayText
        return m.comparator.rawValue + NumberText.decimal(m.value) + (unit.isEmpty ? "" : " " + unit)
    }

    /// Left-aligned columns separated by two spaces, indented by four; the last column is not padded.
    func table(_ rows: [[String]]) -> [String] {
        guard let width = rows.map(\.count).max() else { return [] }
        var widths = [Int](repeating: 0, count: width)
        for r in rows { for (i, cell) in r.enumerated() where i < width - 1 { widths[i] = max(widths[i], cell.count) } }
        return rows.map { r in
            var line = "    "
            for (i, cell) in r.enumerated() {
                line += i < width - 1 ? cell + String(repeating: " ", count: widths[i] - cell.count + 2) : cell
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }

    // MARK: JSON

    func json(into json: inout JSONWriter) {
        let t = timeline
        json.beginObject()
        json.field("patient", patient)
        json.field("evaluationDay", day.description)
        json.key("sessions"); json.beginArray()
        for (i, s) in t.sessions.enumerated() {
            json.beginObject()
            json.field("number", i + 1)
            json.field("date", s.day.description)
            if let v = s.notCompleted { json.field("performed", false); json.field("procedureStatus", v.value.rawValue) }
            if let v = s.selectivity { json.field("selectivity", v.value.rawValue) }
            if let v = s.adequate { json.field("adequate", v.value) }
            if let v = Primitives.intent(of: s, in: t, configuration) {
                json.field("intent", v.value.rawValue)
                json.field("intentRecorded", v.day.description)
            }
            if let v = s.agentChanged { json.field("agentChanged", v.value) }
            if let v = s.feedingArteryReanalysed { json.field("feedingArteryReanalysed", v.value) }
            json.field("qualifying", Primitives.qualifies(s, configuration).qualifies)
            let lf = liverFunction(on: s.day)
            if let cp = lf.childPugh { json.field("childPugh", cp.points) }
            if let albi = lf.albi { json.field("albi", albi.score); json.field("albiGrade", albi.grade) }
            if let ast = lf.ast { json.field("astUPerL", ast.value) }
            evidence(s.evidence, into: &json)
            json.endObject()
        }
        json.endArray()
        json.key("imaging"); json.beginArray()
        for a in t.assessments {
            json.beginObject()
            json.field("date", a.day.description)
            if let (i, days) = evaluatedSession(of: a) { json.field("evaluatesSession", i + 1); json.field("daysAfterSession", days) }
            if !a.viablePercents.isEmpty {
                json.key("viablePercent"); json.beginArray(); for v in a.viablePercents { json.number(v.value.value) }; json.endArray()
            }
            if !a.targetResponses.isEmpty {
                json.key("mrecistTarget"); json.beginArray(); for v in a.targetResponses { json.string(v.value.rawValue) }; json.endArray()
            }
            if !a.overallResponses.isEmpty {
                json.key("mrecistOverall"); json.beginArray(); for v in a.overallResponses { json.string(v.value.rawValue) }; json.endArray()
            }
            if let v = a.tumorCount { json.field("tumorCount", v.value.value) }
            if let v = a.newIntrahepaticLesions { json.field("newIntrahepaticLesions", v.value.value) }
            if let v = a.portalVeinGrade { json.field("portalVein", "Vp\(v.value)") }
            if let v = a.hepaticVeinGrade { json.field("hepaticVein", "Vv\(v.value)") }
            if let v = a.extrahepaticSpread { json.field("extrahepaticSpread", v.value) }
            evidence(a.observations, into: &json)
            json.endObject()
        }
        json.endArray()
        json.key("markers"); json.beginArray()
        for analyte in MarkerAnalyte.allCases {
            for m in t.markers[analyte] ?? [] {
                json.beginObject()
                json.field("date", m.day.description)
                json.field("analyte", analyte.rawValue)
                json.field("value", m.value.value)
                if m.value.comparator != .equal { json.field("comparator", m.value.comparator.rawValue) }
                json.field("unit", m.value.unit.rawValue)
                evidence([m.observation], into: &json)
                json.endObject()
            }
        }
        json.endArray()
        json.key("otherTreatments"); json.beginArray()
        for o in t.otherTreatments {
            json.beginObject(); json.field("date", o.day.description); json.field("treatment", o.concept.rawValue)
            evidence([o.observation], into: &json); json.endObject()
        }
        json.endArray()
        json.key("verdicts"); json.beginArray()
        for v in verdicts {
            json.beginObject()
            json.field("definition", v.definition.rawValue)
            json.field("version", v.definition.version)
            json.field("status", v.status.rawValue)
            if let d = v.dayMet { json.field("since", d.description) }
            json.key("clauses"); json.beginArray()
            for c in v.clauses {
                json.beginObject()
                json.field("code", c.code)
                json.field("outcome", c.outcome.rawValue)
                json.field("triggers", c.triggers)
                if let d = c.day { json.field("date", d.description) }
                json.field("detail", c.detail)
                evidence(c.evidence, into: &json)
                json.endObject()
            }
            json.endArray()
            strings("missing", v.missing, into: &json)
            strings("notes", v.notes, into: &json)
            json.field("configuration", v.configurationText)
            json.field("rationale", v.rationale)
            json.endObject()
        }
        json.endArray()
        json.key("reTreatmentScores"); json.beginArray()
        for s in scores {
            json.beginObject()
            json.field("score", s.kind.rawValue)
            json.field("computed", s.isComputed)
            if let p = s.points { json.field("points", p) }
            if let g = s.group { json.field("group", g.code); json.field("meaning", g.meaning) }
            strings("missing", s.missing, into: &json)
            json.field("rationale", s.rationale)
            json.endObject()
        }
        json.endArray()
        json.endObject()
    }

    func evidence(_ observations: [TypedObservation], into json: inout JSONWriter) {
        strings("evidence", observations.map(EvidenceLabel.of).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }, into: &json)
    }

    func strings(_ key: String, _ values: [String], into json: inout JSONWriter) {
        json.key(key); json.beginArray()
        for v in values { json.string(v) }
        json.endArray()
    }
}
