import TACEModel

extension ChildPughAssessor {
    /// The concepts Child-Pugh reads (INR or PT prolongation, depending on `childPugh.coagulationInput`).
    public static let inputConcepts: [Concept] = [.bilirubinTotal, .albumin, .inr, .prothrombinTimeProlongation, .ascites, .encephalopathy]
}

/// Every concept the scores read: the p-TACE factors, the Child-Pugh items, the TACE sessions that set
/// the index date and the HCC diagnosis. Callers that hold many patients in memory keep only these.
public enum ScoringInputs {
    public static let concepts: Set<Concept> = Set(PTACEFactor.allCases.flatMap(\.concepts))
        .union(ChildPughAssessor.inputConcepts)
        .union([.tace, .hccDiagnosis])
}
