import Testing
import TACEFHIRReader
import TACEMappings
import TACEModel
@testable import TACEHL7v2Reader

@Suite("OBX-3 coding systems and local codes")
struct CodingSystemTests {
    @Test func loincByNameAndByOIDMapToTheLOINCURI() throws {
        for name in ["LN", "2.16.840.1.113883.6.1"] {
            let o = try only(read(oru("NM|1742-6^ALT^\(name)||40|U/L|||||F")))
            #expect(o.concept == .alt)
            #expect(o.original.system == "http://loinc.org")
        }
    }

    @Test func tableMapsStandardNamesAndPassesLocalNamesThrough() throws {
        let t = try MappingTables.defaults()
        #expect(t.codeSystem(hl7v2Name: "SCT") == "http://snomed.info/sct")
        #expect(t.codeSystem(hl7v2Name: "I10") == "http://hl7.org/fhir/sid/icd-10")
        #expect(t.codeSystem(hl7v2Name: "UCUM") == "http://unitsofmeasure.org")
        #expect(t.codeSystem(hl7v2Name: "L") == "L")
        #expect(t.codeSystem(hl7v2Name: "99LAB") == "99LAB")
        #expect(!t.knowsCodeSystem(hl7v2Name: "SNM"), "SNM is SNOMED International, not SNOMED CT")
    }

    @Test func localCodeMapsThroughASiteCodesRowWhoseSystemIsTheHL7Name() throws {
        let tables = try MappingTables.defaults().merging(
            codes: "system,code,concept,default_unit\nL,AFP01,afp,ng/mL\n99LAB,GGT,ggt,\n", codesFile: "site/codes.csv", values: nil, valuesFile: "")
        let afp = try only(read(oru("NM|AFP01^Alpha fetoprotein^L||8.1||||||F"), mappings: tables))
        #expect(afp.concept == .afp && afp.value.measurement == Measurement(8.1, .ngPerML))
        #expect(afp.original.system == "L" && afp.original.code == "AFP01")
        let ggt = try only(read(oru("NM|GGT^GGT^99LAB||61|U/L|||||F"), mappings: tables))
        #expect(ggt.concept == .ggt)
    }

    @Test func alternateIdentifierIsUsedWhenThePrimaryIsUnmapped() throws {
        let o = try only(read(oru("NM|X77^Local ALT^L^1742-6^ALT^LN||40|U/L|||||F")))
        #expect(o.concept == .alt && o.original.code == "1742-6")
    }

    @Test func unmappedCodeIsCountedWithItsCodingButNoValue() throws {
        let out = try read(oru("NM|12345^Secret test^L||99|U/L|||||F"))
        #expect(out.observations.isEmpty && out.report.skippedByKind[.unmappedCode] == 1)
        let detail = try #require(out.report.items.first?.detail)
        #expect(detail.contains("L|12345") && !detail.contains("99"))
    }

    @Test func rejectedCodeSaysWhy() throws {
        let out = try read(oru("NM|19177-5^AFP molar^LN||10|nmol/L|||||F"))
        #expect(out.observations.isEmpty && out.report.items.first?.detail.contains("deliberately not used") == true)
    }
}

@Suite("PID-3 identifiers and assigning authorities")
struct PatientTests {
    @Test func namespaceAuthorityWithoutTableRowGetsTheDocumentedURN() throws {
        let o = try only(read(oru("NM|1742-6^ALT^LN||40|U/L|||||F")))
        #expect(o.patient.reference == nil)
        #expect(o.patient.identifiers == [PatientIdentifier(system: "urn:tacebridge:hl7v2-authority:HOSP", value: "4711")])
    }

    @Test func isoUniversalIDBecomesAnOIDURN() throws {
        let lines = [msh, "PID|1||4711^^^&1.2.3&ISO^MR", obr, "OBX|1|NM|1742-6^ALT^LN||40|U/L|||||F"]
        #expect(try only(read(lines)).patient.identifiers == [PatientIdentifier(system: "urn:oid:1.2.3", value: "4711")])
    }

    @Test func siteTableLinksAnAuthorityToTheFHIRIdentifierSystem() throws {
        let tables = try MappingTables.defaults().mergingHL7v2(
            codingSystems: nil, codingSystemsFile: "",
            authorities: "authority,system\nHOSP,https://hospital.example/mrn\n1.2.3,https://hospital.example/nat\n", authoritiesFile: "site/assigning-authorities.csv")
        let lines = [msh, "PID|1||4711^^^HOSP^MR~99^^^X&1.2.3&ISO^NI", obr, "OBX|1|NM|1742-6^ALT^LN||40|U/L|||||F"]
        #expect(try only(read(lines, mappings: tables)).patient.identifiers == [
            PatientIdentifier(system: "https://hospital.example/mrn", value: "4711"),
            PatientIdentifier(system: "https://hospital.example/nat", value: "99"),
        ])
    }

    @Test func resultWithoutPatientIdentifierIsCountedAsNoSubject() throws {
        let out = try read([msh, obr, "OBX|1|NM|1742-6^ALT^LN||40|U/L|||||F"])
        #expect(out.observations.isEmpty && out.report.skippedByKind[.noSubject] == 1)
    }

    @Test func badSiteAuthorityRowNamesFileAndLine() throws {
        #expect(throws: MappingError.self) {
            try MappingTables.defaults().mergingHL7v2(codingSystems: nil, codingSystemsFile: "", authorities: "authority,system\nHOSP,not a uri\n", authoritiesFile: "a.csv")
        }
    }
}

@Suite("Orders, notes and provenance")
struct MessageStructureTests {
    @Test func obxInAnOrderMessageNeverBecomesAnObservation() throws {
        let lines = ["MSH|^~\\&|EHR|HOSP|LAB|HOSP|20250108||ORM^O01|O1|P|2.5.1", pid, "ORC|NW|1",
                     "OBR|1|1||1834-1^AFP^LN", "OBX|1|NM|1834-1^AFP^LN||12|ng/mL|||||F"]
        let out = try read(lines)
        #expect(out.observations.isEmpty)
        #expect(out.report.skippedByKind[.orderNotResult] == 2)  // the OBR and its OBX
    }

    @Test func orderMessageTypeIsRecognisedInAnyCaseAndFromTheMessageStructure() throws {
        for type in ["orm^o01", "Oml^O21", "^^OML_O21", "ORU^R01^OML_O21"] {
            let lines = ["MSH|^~\\&|EHR|HOSP|LAB|HOSP|20250108||\(type)|O1|P|2.5.1", pid, "ORC|NW|1",
                         "OBR|1|1||1834-1^AFP^LN", "OBX|1|NM|1834-1^AFP^LN||12|ng/mL|||||F"]
            let out = try read(lines)
            #expect(out.observations.isEmpty, "\(type)")
            #expect(out.report.skippedByKind[.orderNotResult] == 2, "\(type)")
        }
    }

    @Test func obxOfAMessageWithoutReadableTypeIsCountedNotRead() throws {
        for type in ["", "ORM&O01", "^R01", "O R M^O01"] {
            let lines = ["MSH|^~\\&|EHR|HOSP|LAB|HOSP|20250108||\(type)|O1|P|2.5.1", pid,
                         "OBR|1|1||1834-1^AFP^LN", "OBX|1|NM|1834-1^AFP^LN||12|ng/mL|||||F"]
            let out = try read(lines)
            #expect(out.observations.isEmpty, "\(type)")
            #expect(out.report.skippedByKind[.invalidResource] == 1, "\(type)")
        }
    }

    @Test func lowerCaseResultMessageIsStillRead() throws {
        let lines = ["MSH|^~\\&|LAB|HOSP|TACE|ONCO|20250108||oru^r01|O1|P|2.5.1", pid,
                     "OBR|1|1||1834-1^AFP^LN", "OBX|1|NM|1834-1^AFP^LN||12|ng/mL|||||F"]
        #expect(try read(lines).observations.count == 1)
    }

    @Test func obrWithoutResultStatusOrResultsIsCountedAsAnOrder() throws {
        let out = try read([msh, pid, "OBR|1||F2|1834-1^AFP^LN|||20250108"])
        #expect(out.observations.isEmpty && out.report.skippedByKind[.orderNotResult] == 1)
    }

    @Test func notesAfterTheOBXStayWithTheResult() throws {
        let o = try only(read(oru("NM|1834-1^AFP^LN||12|ng/mL|||||F", extra: ["NTE|1||Haemolysed sample", "NTE|2||Repeat advised"])))
        #expect(o.notes == ["Haemolysed sample", "Repeat advised"])
    }

    @Test func provenanceNamesMessageOBXAndAStableRecordKey() throws {
        let lines = [msh, pid, obr, "OBX|1|NM|9999-9^Other^LN||1|U/L|||||F", "OBX|2|NM|1742-6^ALT^LN||40|U/L|||||F"]
        let o = try only(read(lines))
        #expect(o.source.format == .hl7v2ER7)
        #expect(o.source.file == "test.hl7")
        #expect(o.source.location == "message 1 OBX[2]")
        #expect(o.source.recordKey == "LAB|HOSP|M1#OBX-2")
    }

    @Test func messagesWithoutControlIDGetDifferentRecordKeys() throws {
        let header = "MSH|^~\\&|LAB|HOSP|TACE|ONCO|20250108090000+0100||ORU^R01||P|2.5.1"
        let lines = [header, "PID|1||1001^^^HOSP^MR", obr, "OBX|1|NM|1742-6^ALT^LN||40|U/L|||||F",
                     header, "PID|1||2002^^^HOSP^MR", obr, "OBX|1|NM|1742-6^ALT^LN||41|U/L|||||F"]
        let out = try read(lines)
        #expect(out.observations.count == 2)
        let keys = out.observations.map(\.source.recordKey)
        #expect(Set(keys).count == 2)
        #expect(keys.first == "LAB|HOSP|test.hl7#message-1#OBX-1")
    }

    @Test func everyOBXIsEitherAnObservationOrCounted() throws {
        let lines = [msh, pid, obr,
                     "OBX|1|NM|1742-6^ALT^LN||40|U/L|||||F", "OBX|2|NM|1742-6^ALT^LN||41|U/L|||||X",
                     "OBX|3|NM|0000-0^?^LN||1|U/L|||||F", "OBX|4|SN|1742-6^ALT^LN||^1^-^2|U/L|||||F"]
        let out = try read(lines)
        #expect(out.observations.count + out.report.skippedTotal == 4)
        #expect(out.report.resourcesByType["OBX"] == 4)
        #expect(out.report.observationsProduced == 1)
    }
}
