import TACEModel

/// How the claims of one unit resolve to patients, shared by every backend so they agree exactly.
///
/// Each claim resolves to the single patient sharing any of its identifiers, looking at the stored
/// patients and at the claims before it in the same unit (as if those were already stored); none → a new
/// patient, which later claims of the unit can resolve to. More than one → the unit is a conflict.
public enum ClaimResolution: Hashable, Sendable {
    /// A patient already in the store.
    case existing(StoredPatientID)
    /// A new patient, first claimed by claim `firstClaim` of the unit.
    case new(firstClaim: Int)

    public enum Outcome: Hashable, Sendable {
        /// One resolution per claim, in claim order.
        case resolved([ClaimResolution])
        /// Claim `claim` matches more than one patient.
        case conflict(claim: Int)
    }

    /// Resolves `claims` given the stored patient of each identifier the store knows (identifiers it does
    /// not know are absent from `stored`).
    public static func resolve(_ claims: [PatientClaim], stored: [PatientIdentifier: StoredPatientID]) -> Outcome {
        var pending: [PatientIdentifier: ClaimResolution] = [:]
        var resolved: [ClaimResolution] = []
        for (index, claim) in claims.enumerated() {
            let matches = Set(claim.identifiers.compactMap { stored[$0].map(ClaimResolution.existing) ?? pending[$0] })
            if matches.count > 1 { return .conflict(claim: index) }
            let resolution = matches.first ?? .new(firstClaim: index)
            for identifier in claim.identifiers where stored[identifier] == nil { pending[identifier] = resolution }
            resolved.append(resolution)
        }
        return .resolved(resolved)
    }
}
