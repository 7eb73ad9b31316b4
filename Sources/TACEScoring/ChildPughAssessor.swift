import TACEModel

/// Child-Pugh for one patient: either a result or the inputs that are missing.
public struct ChildPughAssessment: Sendable {
    public struct Item: Sendable {
        public var concept: Concept
        /// `nil` when the input is missing, unusable or censored-ambiguous.
        public var points: Int?
        /// Points still possible for this item (1...3 when nothing is known).
        public var reachablePoints: [Int]
        /// e.g. "bilirubin 20 µmol/L" or the reason it is missing.
        public var detail: String
        public var observation: TypedObservation?
        public var gap: SelectionGap?
    }

    public var index: IndexDate
    public var result: ChildPughResult?
    /// Bilirubin, albumin, the configured coagulation input, ascites, encephalopathy — in that order.
    public var items: [Item]
    public var missingConcepts: [Concept]
    public var isComplete: Bool { result != nil }
    /// `min...max` over reachable points (equal to the score when complete).
    public var reachablePoints: ClosedRange<Int>
    public var evidence: [TypedObservation]
    public var rationale: String
    public var configuration: ScoringConfiguration
}

public enum ChildPughAssessor {
    /// Selects the five inputs (lab lookback for all; ascites and encephalopathy are clinical concepts)
    /// and scores them. Ascites and encephalopathy are never imputed (§2).
    public static func assess(observations: [TypedObservation], index: IndexDate, configuration: ScoringConfiguration) -> ChildPughAssessment {
        let c = configuration
        let coagConcept: Concept = c.childPughCoagulationInput == .inr ? .inr : .prothrombinTimeProlongation
        let coagScale = c.childPughCoagulationInput == .inr ? ChildPugh.inrScale : ChildPugh.ptScale
        let specs: [(Concept, String, StepScale?, ((String) -> Int?)?)] = [
            (.bilirubinTotal, "bilirubin", ChildPugh.bilirubinScale(c.childPughSIBilirubinCutoffs), nil),
            (.albumin, "albumin", ChildPugh.albuminScale, nil),
            (coagConcept, c.childPughCoagulationInput == .inr ? "INR" : "PT prolongation", coagScale, nil),
            (.ascites, "ascites", nil, ChildPugh.ascitesPoints),
            (.encephalopathy, "encephalopathy", nil, ChildPugh.encephalopathyPoints),
        ]
        var items: [ChildPughAssessment.Item] = []
        for (concept, label, scale, codePoints) in specs {
            let sel = InputSelection.select(concept, from: observations, index: index.time, configuration: c)
            guard let o = sel.observation else {
                items.append(.init(concept: concept, points: nil, reachablePoints: [1, 2, 3],
                                   detail: "\(label): \(sel.gap!.explanation)", observation: nil, gap: sel.gap))
                continue
            }
            if let scale, let m = o.value.measurement {
                let reach = scale.reachable(m.interval).map { Int($0) }
                let text = "\(label) \(PTACE.measurementText(m))"
                if reach.count == 1 {
                    items.append(.init(concept: concept, points: reach[0], reachablePoints: reach, detail: text, observation: o, gap: nil))
                } else {
                    let gap = SelectionGap.notUsable("\(text) is censored: could score \(reach.map(String.init).joined(separator: " or ")) points")
                    items.append(.init(concept: concept, points: nil, reachablePoints: reach, detail: gap.explanation, observation: o, gap: gap))
                }
            } else if let codePoints, let code = o.value.code, let p = codePoints(code) {
                items.append(.init(concept: concept, points: p, reachablePoints: [p], detail: "\(label) \(code)",
                                   observation: o, gap: nil))
            } else {
                let gap = SelectionGap.notUsable("\(label) value is not a canonical code")
                items.append(.init(concept: concept, points: nil, reachablePoints: [1, 2, 3], detail: gap.explanation, observation: o, gap: gap))
            }
        }

        var result: ChildPughResult?
        if items.allSatisfy({ $0.points != nil }) {
            result = ChildPughResult(bilirubinPoints: items[0].points!, albuminPoints: items[1].points!, coagulationPoints: items[2].points!,
                                     ascitesPoints: items[3].points!, encephalopathyPoints: items[4].points!)
        }
        let low = items.reduce(0) { $0 + $1.reachablePoints.min()! }
        let high = items.reduce(0) { $0 + $1.reachablePoints.max()! }
        var evidence: [TypedObservation] = []
        var seen = Set<TypedObservation>()
        for i in items { if let o = i.observation, seen.insert(o).inserted { evidence.append(o) } }
        let missing = items.filter { $0.points == nil }.map(\.concept)

        var parts: [String] = []
        if let r = result {
            parts.append("Child-Pugh \(r.points) (class \(r.childClass)) = "
                + items.map { "\($0.detail) (\($0.points!))" }.joined(separator: " + "))
        } else {
            parts.append("Child-Pugh not computed: missing or unusable " + items.filter { $0.points == nil }.map(\.detail).joined(separator: ", "))
            parts.append("Reachable points \(low) to \(high) (classes \(ChildPugh.childClass(points: low)) to \(ChildPugh.childClass(points: high)))")
        }
        parts.append(PTACE.indexText(index) + "; lookback \(NumberText.exact(c.labLookbackDays)) days")
        parts.append("Config " + c.echoText)
        return ChildPughAssessment(index: index, result: result, items: items, missingConcepts: missing, reachablePoints: low...high,
                                   evidence: evidence, rationale: parts.joined(separator: ". ") + ".", configuration: c)
    }
}
