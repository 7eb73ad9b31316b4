/// A canonical clinical concept. The raw values are part of TACEBridge's public
/// interface (they appear in mapping tables, output codes and error texts) and
/// are documented, with their canonical units, in `docs/concepts.md`.
public enum Concept: String, Sendable, Hashable, CaseIterable, Comparable {
    // Laboratory
    case afp = "afp"
    case ggt = "ggt"
    case albumin = "albumin"
    case bilirubinTotal = "bilirubin-total"
    case ast = "ast"
    case alt = "alt"
    case inr = "inr"
    case prothrombinTime = "prothrombin-time"
    case prothrombinTimeProlongation = "prothrombin-time-prolongation"
    case platelets = "platelets"
    case neutrophils = "neutrophils"
    case lymphocytes = "lymphocytes"
    case crp = "crp"
    case dcp = "dcp"
    case afpL3 = "afp-l3"
    // Imaging
    case vascularizationPattern = "vascularization-pattern"
    case largestTumorDiameter = "largest-tumor-diameter"
    case tumorCount = "tumor-count"
    case mrecistResponse = "mrecist-response"
    case viableTumorPercent = "viable-tumor-percent"
    case portalVeinInvasion = "portal-vein-invasion"
    case extrahepaticSpread = "extrahepatic-spread"
    case newIntrahepaticLesions = "new-intrahepatic-lesions"
    case mrecistTargetResponse = "mrecist-target-response"
    case hepaticVeinInvasion = "hepatic-vein-invasion"
    // Clinical
    case ascites = "ascites"
    case encephalopathy = "encephalopathy"
    case bclcStage = "bclc-stage"
    case ecog = "ecog"
    case treatmentIntent = "treatment-intent"
    case untreatableProgression = "untreatable-progression"
    // Attributes of a TACE session (recorded on the session's day; see docs/refractoriness.md)
    case taceSelectivity = "tace-selectivity"
    case taceAdequacy = "tace-adequacy"
    case taceAgentChanged = "tace-agent-changed"
    case taceFeedingArteryReanalysed = "tace-feeding-artery-reanalysed"
    // Procedures: the TACE session, and other treatments that interrupt a TACE chain
    case tace = "tace-procedure"
    case resection = "resection"
    case ablation = "ablation"
    case liverTransplant = "liver-transplant"
    case systemicTherapy = "systemic-therapy"
    case haic = "haic"
    case radioembolization = "radioembolization"
    case radiotherapy = "radiotherapy"
    case hccDiagnosis = "hcc-diagnosis"

    public enum Kind: String, Sendable { case laboratory, imaging, clinical, procedure, condition }

    /// What kind of value an observation of this concept carries.
    public enum ValueKind: Sendable, Equatable {
        /// A quantity, always stored in `unit` after conversion.
        case quantity(unit: UCUMUnit)
        /// A coded answer from a closed list of canonical value ids.
        case coded(allowed: [String])
        /// An event (procedure, diagnosis) with no value of its own.
        case event
    }

    public var kind: Kind {
        switch self {
        case .afp, .ggt, .albumin, .bilirubinTotal, .ast, .alt, .inr, .prothrombinTime,
             .prothrombinTimeProlongation, .platelets, .neutrophils, .lymphocytes, .crp, .dcp, .afpL3:
            return .laboratory
        case .vascularizationPattern, .largestTumorDiameter, .tumorCount, .mrecistResponse,
             .viableTumorPercent, .portalVeinInvasion, .extrahepaticSpread, .newIntrahepaticLesions,
             .mrecistTargetResponse, .hepaticVeinInvasion:
            return .imaging
        case .ascites, .encephalopathy, .bclcStage, .ecog, .treatmentIntent, .untreatableProgression,
             .taceSelectivity, .taceAdequacy, .taceAgentChanged, .taceFeedingArteryReanalysed:
            return .clinical
        case .tace, .resection, .ablation, .liverTransplant, .systemicTherapy, .haic, .radioembolization, .radiotherapy:
            return .procedure
        case .hccDiagnosis:
            return .condition
        }
    }

    /// The canonical unit (for quantities) or the closed list of canonical values (for coded concepts).
    public var valueKind: ValueKind {
        switch self {
        case .afp: return .quantity(unit: .ngPerML)
        case .ggt, .ast, .alt: return .quantity(unit: .unitsPerL)
        case .albumin: return .quantity(unit: .gPerL)
        case .bilirubinTotal: return .quantity(unit: .umolPerL)
        case .inr: return .quantity(unit: .inr)
        case .prothrombinTime, .prothrombinTimeProlongation: return .quantity(unit: .seconds)
        case .platelets, .neutrophils, .lymphocytes: return .quantity(unit: .perNanoliter)
        case .crp: return .quantity(unit: .mgPerL)
        case .dcp: return .quantity(unit: .milliArbitraryUnitsPerML)
        case .afpL3, .viableTumorPercent: return .quantity(unit: .percent)
        case .largestTumorDiameter: return .quantity(unit: .cm)
        case .tumorCount, .newIntrahepaticLesions: return .quantity(unit: .count)
        case .vascularizationPattern: return .coded(allowed: ["type-1", "type-2", "type-3", "type-4"])
        case .mrecistResponse, .mrecistTargetResponse: return .coded(allowed: ["CR", "PR", "SD", "PD"])
        case .portalVeinInvasion: return .coded(allowed: ["Vp0", "Vp1", "Vp2", "Vp3", "Vp4"])
        case .hepaticVeinInvasion: return .coded(allowed: ["Vv0", "Vv1", "Vv2", "Vv3"])
        case .extrahepaticSpread: return .coded(allowed: ["present", "absent"])
        case .ascites: return .coded(allowed: ["absent", "slight", "moderate"])
        case .encephalopathy: return .coded(allowed: ["none", "grade-1-2", "grade-3-4"])
        case .bclcStage: return .coded(allowed: ["0", "A", "B", "C", "D"])
        case .ecog: return .coded(allowed: ["0", "1", "2", "3", "4"])
        case .treatmentIntent: return .coded(allowed: ["curative", "bridging", "downstaging", "palliative"])
        case .untreatableProgression: return .coded(allowed: ["present", "absent"])
        case .taceSelectivity: return .coded(allowed: ["superselective", "selective", "non-selective"])
        case .taceAdequacy: return .coded(allowed: ["adequate", "inadequate"])
        case .taceAgentChanged, .taceFeedingArteryReanalysed: return .coded(allowed: ["yes", "no"])
        case .tace, .resection, .ablation, .liverTransplant, .systemicTherapy, .haic, .radioembolization, .radiotherapy,
             .hccDiagnosis:
            return .event
        }
    }

    /// The canonical unit of a quantity concept, `nil` for coded and event concepts.
    public var canonicalUnit: UCUMUnit? {
        if case .quantity(let unit) = valueKind { return unit }
        return nil
    }

    /// Human-readable name, used in displays and rationales (never patient data).
    public var displayName: String {
        switch self {
        case .afp: return "Alpha-fetoprotein"
        case .ggt: return "Gamma-glutamyl transferase"
        case .albumin: return "Albumin"
        case .bilirubinTotal: return "Total bilirubin"
        case .ast: return "Aspartate aminotransferase"
        case .alt: return "Alanine aminotransferase"
        case .inr: return "INR"
        case .prothrombinTime: return "Prothrombin time"
        case .prothrombinTimeProlongation: return "Prothrombin time prolongation over control"
        case .platelets: return "Platelets"
        case .neutrophils: return "Neutrophils"
        case .lymphocytes: return "Lymphocytes"
        case .crp: return "C-reactive protein"
        case .dcp: return "Des-gamma-carboxy prothrombin (PIVKA-II)"
        case .afpL3: return "AFP-L3 fraction"
        case .vascularizationPattern: return "Tumor vascularization pattern"
        case .largestTumorDiameter: return "Largest tumor diameter"
        case .tumorCount: return "Number of intrahepatic tumors"
        case .mrecistResponse: return "mRECIST response"
        case .viableTumorPercent: return "Viable tumor percent"
        case .portalVeinInvasion: return "Portal vein invasion grade"
        case .extrahepaticSpread: return "Extrahepatic spread"
        case .newIntrahepaticLesions: return "New intrahepatic lesions"
        case .mrecistTargetResponse: return "mRECIST target-lesion response"
        case .hepaticVeinInvasion: return "Hepatic vein invasion grade"
        case .ascites: return "Ascites"
        case .encephalopathy: return "Hepatic encephalopathy"
        case .bclcStage: return "BCLC stage"
        case .ecog: return "ECOG performance status"
        case .treatmentIntent: return "Treatment intent"
        case .untreatableProgression: return "Untreatable progression (clinician-asserted)"
        case .taceSelectivity: return "TACE selectivity"
        case .taceAdequacy: return "TACE adequately performed"
        case .taceAgentChanged: return "TACE chemotherapeutic agent changed"
        case .taceFeedingArteryReanalysed: return "TACE feeding artery reanalysed"
        case .tace: return "Transarterial chemoembolization"
        case .resection: return "Liver resection"
        case .ablation: return "Local ablation"
        case .liverTransplant: return "Liver transplantation"
        case .systemicTherapy: return "Systemic therapy"
        case .haic: return "Hepatic arterial infusion chemotherapy"
        case .radioembolization: return "Transarterial radioembolization"
        case .radiotherapy: return "External radiotherapy"
        case .hccDiagnosis: return "Hepatocellular carcinoma"
        }
    }

    /// The code of a procedure concept in `TACECodeSystems.procedures` (`tace` for a TACE session,
    /// the concept id for the other treatments); `nil` for concepts that are not procedures.
    public var procedureCode: String? {
        guard kind == .procedure else { return nil }
        return self == .tace ? "tace" : rawValue
    }

    public static func < (lhs: Concept, rhs: Concept) -> Bool { lhs.rawValue < rhs.rawValue }
}
