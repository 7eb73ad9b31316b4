import Testing
import TACEModel
@testable import TACERefractoriness

@Suite("Refractoriness properties over random timelines (SplitMix64, seeded)")
struct RefractorinessPropertyTests {
    /// A random course: 1–6 sessions 20–120 days apart (some non-selective, some with another treatment
    /// before them), studies after most sessions (viable %, mRECIST, count, Vp, EHS), AFP now and then.
    static func randomCourse(_ rng: inout SplitMix64) -> [TypedObservation] {
        var obs: [TypedObservation] = [P.count(Double(rng.int(1...3)), -5), P.vp(0, -5), P.ehs(false, -5), P.afp(Double(rng.int(10...400)), -1)]
        var day = 0
        for k in 0..<rng.int(1...6) {
            if k > 0 {
                day += rng.int(20...120)
                if rng.int(0...9) == 0 { obs.append(P.other(.ablation, day - rng.int(1...10))) }
            }
            obs += P.tace(day, selectivity: rng.int(0...9) == 0 ? "non-selective" : nil)
            if rng.int(0...5) > 0 { obs.append(contentsOf: randomStudy(&rng, day + rng.int(20...100), key: "s\(k)")) }
            if rng.int(0...2) == 0 { obs.append(P.afp(Double(rng.int(10...600)), day + rng.int(5...60))) }
        }
        return obs
    }

    static func randomStudy(_ rng: inout SplitMix64, _ day: Int, key: String) -> [TypedObservation] {
        var out: [TypedObservation] = []
        if rng.int(0...1) == 0 { out.append(P.viable(Double(rng.int(0...100)), day, key: key)) }
        if rng.int(0...2) == 0 { out.append(P.target(["CR", "PR", "SD", "PD"][rng.int(0...3)], day, key: key)) }
        if rng.int(0...2) == 0 { out.append(P.count(Double(rng.int(1...6)), day)) }
        if rng.int(0...9) == 0 { out.append(P.vp(rng.int(0...3), day)) }
        if rng.int(0...9) == 0 { out.append(P.ehs(rng.int(0...1) == 0, day)) }
        if out.isEmpty { out.append(P.overall(["CR", "PR", "SD", "PD"][rng.int(0...3)], day)) }
        return out
    }

    /// Adding a study dated after the day refractoriness was met never turns a JSH-LCSGJ 2014 "refractory" on an
    /// earlier evaluation day back to "not refractory" (or moves the day it was met), whatever the study says.
    @Test func aLaterAssessmentNeverUndoesJSH2014Refractoriness() {
        var rng = SplitMix64(seed: 0x7ACE_4EF0_0000_0004)
        var refractoryCases = 0
        for i in 0..<3000 {
            let obs = Self.randomCourse(&rng)
            let t = PatientTimeline(observations: obs)
            guard let last = t.lastEventDay else { continue }
            let evalDay = last.adding(days: rng.int(-60...60))
            let before = Refractoriness.evaluate(.jsh2014, timeline: t, on: evalDay)
            guard before.status == .refractory, let met = before.dayMet else { continue }
            refractoryCases += 1
            let studyDay = met.adding(days: rng.int(1...300)).days(since: P.origin)
            let extended = PatientTimeline(observations: obs + Self.randomStudy(&rng, studyDay, key: "later\(i)"))
            let after = Refractoriness.evaluate(.jsh2014, timeline: extended, on: evalDay)
            if after.status != .refractory || after.dayMet != met {
                Issue.record("case \(i): refractory since \(met) on \(evalDay), then \(after.status) \(String(describing: after.dayMet)) with a study on \(P.day(studyDay))")
            }
        }
        #expect(refractoryCases > 300, "random courses should often be refractory, were \(refractoryCases)")
    }

    /// Issue 4's property: a patient refractory under JSH-LCSGJ 2014 on day D stays refractory, since the same
    /// day, when judged on D after any later assessment (imaging study or tumor-marker value dated after D) is
    /// added. (Judged on a later day, a later value may change the verdict: §4.2 reads the marker rule on the
    /// last follow-up, so a fall later in the window undoes a rise.)
    @Test func aLaterAssessmentNeverUndoesJSH2014RefractorinessAtThatDate() {
        var rng = SplitMix64(seed: 0x7ACE_4EF0_0000_0005)
        var refractoryCases = 0
        for i in 0..<1500 {
            let obs = Self.randomCourse(&rng)
            let t = PatientTimeline(observations: obs)
            guard let last = t.lastEventDay else { continue }
            let d = last.adding(days: rng.int(-100...0))
            let first = Refractoriness.evaluate(.jsh2014, timeline: t, on: d)
            guard first.status == .refractory else { continue }
            refractoryCases += 1
            let laterDay = d.adding(days: rng.int(1...120)).days(since: P.origin)
            let added = rng.int(0...1) == 0 ? Self.randomStudy(&rng, laterDay, key: "later\(i)")
                : [P.afp(Double(rng.int(1...800)), laterDay)]
            let later = Refractoriness.evaluate(.jsh2014, timeline: PatientTimeline(observations: obs + added), on: d)
            if later.status != .refractory || later.dayMet != first.dayMet {
                Issue.record("case \(i): refractory on \(d) since \(String(describing: first.dayMet)) but \(later.status) after adding data on \(P.day(laterDay))")
            }
        }
        #expect(refractoryCases > 100, "random courses should often be refractory, were \(refractoryCases)")
    }

    /// Every verdict states its evidence when refractory, and what is missing when indeterminate.
    @Test func verdictsExplainThemselves() {
        var rng = SplitMix64(seed: 0x7ACE_4EF0_0000_0006)
        for i in 0..<500 {
            let t = PatientTimeline(observations: Self.randomCourse(&rng))
            guard let last = t.lastEventDay else { continue }
            for v in Refractoriness.evaluate(timeline: t, on: last) {
                switch v.status {
                case .refractory:
                    if v.metClauses.isEmpty || v.evidence.isEmpty || v.dayMet == nil { Issue.record("case \(i) \(v.definition): no evidence") }
                case .indeterminate:
                    if v.missing.isEmpty { Issue.record("case \(i) \(v.definition): indeterminate without what is missing") }
                case .notRefractory:
                    if v.dayMet != nil { Issue.record("case \(i) \(v.definition): not refractory with a day met") }
                }
            }
        }
    }
}
