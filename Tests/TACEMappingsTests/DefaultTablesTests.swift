import Testing
import TACEModel
@testable import TACEMappings

/// Expectations written from the clinical reference (§8.1-§8.3), not from the CSV files.
@Suite("Default tables")
struct DefaultTablesTests {
    let tables: MappingTables
    init() throws { tables = try MappingTables.defaults() }

    static let loinc = "http://loinc.org"

    /// Clinical reference §8.1 and §8.2: every LOINC code that should reach a concept.
    static let specLOINC: [(code: String, concept: Concept)] = [
        ("1834-1", .afp), ("83073-7", .afp), ("19176-7", .afp), ("83072-9", .afp),
        ("53962-7", .afp), ("53961-9", .afp),
        ("42332-7", .afpL3),
        ("34444-0", .dcp),
        ("2324-2", .ggt),
        ("1751-7", .albumin), ("61151-7", .albumin), ("61152-5", .albumin),
        ("1975-2", .bilirubinTotal), ("14631-6", .bilirubinTotal),
        ("1920-8", .ast), ("1742-6", .alt),
        ("6301-6", .inr), ("34714-6", .inr), ("38875-1", .inr),
        ("5902-2", .prothrombinTime),
        ("777-3", .platelets), ("26515-7", .platelets),
        ("751-8", .neutrophils), ("26499-4", .neutrophils),
        ("731-0", .lymphocytes), ("26474-7", .lymphocytes),
        ("1988-5", .crp),
        ("33728-7", .largestTumorDiameter),
        ("21889-1", .largestTumorDiameter),
    ]

    @Test("the embedded default tables load and report the AFP parameter")
    func defaultsLoad() {
        #expect(tables.parameters == ["afp.ngPerIU": 1.21])
        #expect(tables.summary.contains("afp.ngPerIU=1.21"))
    }

    @Test("every LOINC code of the reference maps to its concept", arguments: specLOINC)
    func loincMaps(code: String, concept: Concept) {
        #expect(tables.concept(system: Self.loinc, code: code) == concept)
    }

    @Test("codes the reference says not to score are unmapped and carry a reason",
          arguments: ["19177-5", "54347-0", "5894-1", "96451-0"])
    func rejectedLOINC(code: String) {
        #expect(tables.concept(system: Self.loinc, code: code) == nil)
        #expect(tables.rejectionReason(system: Self.loinc, code: code) != nil)
    }

    @Test("SNOMED 233527006 is not taken for TACE")
    func notTACE() {
        #expect(tables.concept(system: TACECodeSystems.snomed, code: "233527006") == nil)
        #expect(tables.rejectionReason(system: TACECodeSystems.snomed, code: "233527006")?.contains("not TACE") == true)
    }

    @Test("HCC diagnosis by SNOMED CT and ICD-10")
    func diagnosis() {
        #expect(tables.concept(system: TACECodeSystems.snomed, code: "109841003") == .hccDiagnosis)
        #expect(tables.concept(system: "http://hl7.org/fhir/sid/icd-10", code: "C22.0") == .hccDiagnosis)
    }

    @Test("project code systems: imaging, clinical and procedure concepts")
    func projectCodeSystems() {
        let imaging: [Concept] = [.vascularizationPattern, .largestTumorDiameter, .tumorCount, .mrecistResponse,
                                  .viableTumorPercent, .portalVeinInvasion, .extrahepaticSpread, .newIntrahepaticLesions]
        for c in imaging { #expect(tables.concept(system: TACECodeSystems.imaging, code: c.rawValue) == c) }
        for c in [Concept.ascites, .encephalopathy, .bclcStage, .ecog] {
            #expect(tables.concept(system: TACECodeSystems.clinical, code: c.rawValue) == c)
        }
        #expect(tables.concept(system: TACECodeSystems.procedures, code: "tace") == .tace)
    }

    @Test("every laboratory concept reads back from TACEBridge's own concepts code system")
    func ownOutputReadsBack() {
        for c in Concept.allCases where c.kind == .laboratory {
            #expect(tables.concept(system: TACECodeSystems.concepts, code: c.rawValue) == c, "\(c)")
            #expect(tables.defaultUnit(system: TACECodeSystems.concepts, code: c.rawValue) == c.canonicalUnit, "\(c)")
        }
    }

    @Test("every allowed value of every coded concept maps from the concept's own value system")
    func ownValueSystems() {
        for c in Concept.allCases {
            guard case .coded(let allowed) = c.valueKind else { continue }
            for v in allowed {
                #expect(tables.value(for: c, system: TACECodeSystems.values(of: c), code: v) == v, "\(c) \(v)")
            }
        }
        #expect(tables.value(for: .vascularizationPattern, system: TACECodeSystems.values(of: .vascularizationPattern), code: "type-5") == nil)
        // A value system belongs to its concept only.
        #expect(tables.value(for: .ascites, system: TACECodeSystems.values(of: .extrahepaticSpread), code: "absent") == nil)
    }

    @Test("a default unit is assumed only where it is numerically unambiguous")
    func defaultUnits() {
        #expect(tables.defaultUnit(system: Self.loinc, code: "1834-1") == .ngPerML)
        #expect(tables.defaultUnit(system: Self.loinc, code: "19176-7") == UCUMUnit("[IU]/mL"))
        #expect(tables.defaultUnit(system: Self.loinc, code: "14631-6") == .umolPerL)
        #expect(tables.defaultUnit(system: Self.loinc, code: "6301-6") == .inr)
        // g/dL vs g/L, U/L vs ukat/L, mg/dL vs mg/L, cm vs mm, 10*3/uL vs /uL: never guessed.
        for code in ["1751-7", "2324-2", "1975-2", "1988-5", "33728-7", "34444-0", "777-3", "751-8"] {
            #expect(tables.defaultUnit(system: Self.loinc, code: code) == nil, "\(code)")
        }
        #expect(tables.defaultUnit(system: Self.loinc, code: "no-such-code") == nil)
    }

    @Test("whitespace around codes and systems is ignored, as in real C-CDA")
    func paddedCodes() {
        #expect(tables.concept(system: Self.loinc, code: "1834-1 ") == .afp)
        #expect(tables.concept(system: " http://loinc.org", code: "\t2324-2") == .ggt)
        #expect(tables.defaultUnit(system: Self.loinc, code: " 1834-1 ") == .ngPerML)
        #expect(tables.value(for: .vascularizationPattern, system: TACECodeSystems.values(of: .vascularizationPattern), code: "type-3 ") == "type-3")
    }

    @Test("a missing system matches only rows without a system")
    func emptySystem() throws {
        #expect(tables.concept(system: nil, code: "1834-1") == nil)
        #expect(tables.concept(system: "", code: "1834-1") == nil)
        let site = try tables.merging(codes: "system,code,concept\n,AFP,afp\n", codesFile: "site/codes.csv", values: nil, valuesFile: "site/values.csv")
        #expect(site.concept(system: nil, code: "AFP") == .afp)
        #expect(site.concept(system: "", code: "AFP") == .afp)
        #expect(site.concept(system: "L", code: "AFP") == nil)
    }

    @Test("code lookups are exact, not case-folded")
    func codesAreCaseSensitive() {
        #expect(tables.concept(system: TACECodeSystems.imaging, code: "Vascularization-Pattern") == nil)
        #expect(tables.concept(system: "http://LOINC.org", code: "1834-1") == nil)
    }

    @Test("the listing of code mappings names the default file and line")
    func listing() {
        let afp = tables.codeMappings.filter { $0.concept == .afp && $0.system == Self.loinc }
        #expect(Set(afp.map(\.code)) == ["1834-1", "83073-7", "19176-7", "83072-9", "53962-7", "53961-9"])
        #expect(afp.allSatisfy { $0.file == "mappings/codes.csv" && $0.line > 1 })
    }
}
