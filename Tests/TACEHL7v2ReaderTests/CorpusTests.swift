import Testing
import TACEFHIRReader
import TACEHL7v2
import TACEMappings
import TACEModel
@testable import TACEHL7v2Reader

/// Values checked by hand against the corpus files, and every listed ER7 file read without a crash.
@Suite("Corpus HL7 v2 files")
struct CorpusReadingTests {
    @Test func nistCBCPlateletsLymphocytesAndNeutrophils() throws {
        let out = try Corpus.read("LRI_2.0-NG_CBC_Typ_Message.hl7")
        #expect(out.observations.count == 3)
        let byConcept = Dictionary(uniqueKeysWithValues: out.observations.map { ($0.concept, $0) })
        // OBX|5|NM|26515-7^Platelets…||210000|{cells}/uL^cells per microliter^UCUM|…|F|||20110103143428-0800
        let platelets = try #require(byConcept[.platelets])
        #expect(platelets.value.measurement == Measurement(210, .perNanoliter))
        #expect(platelets.status == .final)
        #expect(platelets.effective?.fhirDateTime == "2011-01-03T14:34:28-08:00")
        #expect(platelets.original.valueText == "210000" && platelets.original.unit == "{cells}/uL")
        // OBX|16 26474-7 41.2 10*3/uL; OBX|18 26499-4 58 10*3/uL
        #expect(byConcept[.lymphocytes]?.value.measurement == Measurement(41.2, .perNanoliter))
        #expect(byConcept[.neutrophils]?.value.measurement == Measurement(58, .perNanoliter))
        // PID|1||PATID1234^^^NIST MPI^MR
        #expect(platelets.patient.identifiers == [PatientIdentifier(system: "urn:tacebridge:hl7v2-authority:NIST MPI", value: "PATID1234")])
    }

    @Test func cdcHepatitisBAcuteAltAndAst() throws {
        let out = try Corpus.read("Hepatitis_V1_0_1_TM_TC02_HEP_B_ACUTE.hl7")
        // OBX|48|SN|1742-6^ALT/SGPT^LN|2|^200|U/L|||||F and OBX|51|SN|1920-8^AST/SGOT^LN|3|^100|U/L|||||F,
        // no OBX-14: OBR-7 20140203170100 of the group, without offset.
        let alt = try #require(out.observations.first { $0.concept == .alt })
        let ast = try #require(out.observations.first { $0.concept == .ast })
        #expect(alt.value.measurement == Measurement(200, .unitsPerL))
        #expect(ast.value.measurement == Measurement(100, .unitsPerL))
        #expect(alt.effective == ClinicalTime(year: 2014, month: 2, day: 3, hour: 17, minute: 1, second: 0, utcOffsetSeconds: nil))
        #expect(alt.status == .final)
        #expect(alt.source.location == "message 1 OBX[48]")
        // PID|1||HEP_B_TC02^^^SendAppName&2.16.840.1.114222.nnnn&ISO: the universal id is no OID.
        #expect(alt.patient.identifiers == [PatientIdentifier(system: "urn:tacebridge:hl7v2-authority:SendAppName", value: "HEP_B_TC02")])
    }

    @Test func kentuckyHepatitisLOINCByOIDWithoutUnitsIsCountedAsMissingUnit() throws {
        // OBX|1|SN|1920-8^AST/SGOT (LN)^2.16.840.1.113883.6.1^…|2|^100||||||F — no OBX-6, and AST has no default unit.
        let out = try Corpus.read("KY_Hepatitis Round 2_TM1.txt")
        #expect(out.observations.isEmpty)
        let missing = out.report.items.filter { $0.kind == .missingUnit }
        #expect(missing.count == 2)
        #expect(missing.contains { $0.location == "message 1 OBX[1]" && $0.detail.hasPrefix("ast:") })
        #expect(missing.contains { $0.location == "message 1 OBX[2]" && $0.detail.hasPrefix("alt:") })
    }

    @Test func kentuckyHepatitisWithASiteDefaultUnitGivesTheValues() throws {
        let tables = try MappingTables.defaults().merging(
            codes: "system,code,concept,default_unit\nhttp://loinc.org,1920-8,ast,U/L\nhttp://loinc.org,1742-6,alt,U/L\n",
            codesFile: "site/codes.csv", values: nil, valuesFile: "")
        let out = try Corpus.read("KY_Hepatitis Round 2_TM1.txt", mappings: tables)
        #expect(out.observations.first { $0.concept == .ast }?.value.measurement == Measurement(100, .unitsPerL))
        #expect(out.observations.first { $0.concept == .alt }?.value.measurement == Measurement(500, .unitsPerL))
        // OBR-25 of the group is C (corrected) but OBX-11 says F: the OBX status is the result's.
        #expect(out.observations.allSatisfy { $0.status == .final })
        // No OBX-14: OBR-7 20210216111013.055, local time without offset.
        let effective = try #require(out.observations.first?.effective)
        let expected = ClinicalTime(year: 2021, month: 2, day: 16, hour: 11, minute: 10, second: 13.055, utcOffsetSeconds: nil, precision: .fraction)
        #expect(abs(effective.epochSeconds - expected.epochSeconds) < 1e-6)
        #expect(effective.utcOffsetSeconds == nil && effective.precision == .fraction)
    }

    @Test func ordersInTheCorpusGiveNoObservations() throws {
        for file in ["ORM-O01-01.hl7", "MDHHS-OML-O21-1.hl7"] {
            let out = try Corpus.read(file)
            #expect(out.observations.isEmpty, "\(file)")
            #expect((out.report.skippedByKind[.orderNotResult] ?? 0) > 0, "\(file)")
        }
    }

    @Test func everyListedER7FileGivesObservationsOrAClearError() throws {
        try #require(Corpus.er7Files.count >= 44, "corpus not found at \(Corpus.root.path); set TACE_CORPUS")
        var observations = 0
        let tables = try MappingTables.defaults()
        for path in Corpus.er7Files {
            let bytes = try Corpus.bytes(path)
            guard let interchange = try? HL7Parser.parse(bytes) else { continue }  // the parser's own tests pin these errors
            for policy in InvalidResourcePolicy.allCases {
                var out = FHIRReadOutput()
                do {
                    try HL7v2Reader(mappings: tables, invalidPolicy: policy).read(interchange, file: path, into: &out)
                } catch {
                    #expect(policy == .fail, "skip policy must not throw: \(error)")
                    #expect(error.location.hasPrefix("message "), "\(error)")
                }
                if policy == .skip {
                    #expect(out.report.resourcesByType["OBX", default: 0]
                            == out.report.observationsProduced + out.report.items.filter { $0.resourceType == "OBX" }.count,
                            "every OBX is an observation or counted: \(path)")
                    observations += out.observations.count
                }
            }
        }
        #expect(observations >= 5)  // 3 from the NIST CBC, 2 from the CDC hepatitis B file
    }
}
