import Testing
import TACEFHIRReader
import TACEMappings
import TACEModel
import TACEXML
@testable import TACECDAReader

/// Patient, document structure, fragments, locations, record keys and procedures.
@Suite("CDA documents and fragments")
struct DocumentTests {
    static let albumin = observation(value: #"<value xsi:type="PQ" value="3.9" unit="g/dL"/>"#)

    // MARK: Patient

    @Test func recordTargetIdRootBecomesAnOIDSystem() throws {
        let o = try only(read(xml: document([Self.albumin])))
        #expect(o.patient == PatientIdentity(reference: nil, identifiers: [PatientIdentifier(system: "urn:oid:2.999.1.2.3", value: "MRN-1")]))
    }

    @Test func assigningAuthoritiesTableMapsTheRootToTheSitesSystem() throws {
        let tables = try MappingTables.defaults().mergingHL7v2(codingSystems: nil, codingSystemsFile: "",
                                                              authorities: "authority,system\n2.999.1.2.3,https://hospital.example/sid/mrn\n",
                                                              authoritiesFile: "site/assigning-authorities.csv")
        let o = try only(read(xml: document([Self.albumin]), mappings: tables))
        #expect(o.patient.identifiers == [PatientIdentifier(system: "https://hospital.example/sid/mrn", value: "MRN-1")])
    }

    @Test func everyUsableIdIsKeptAndNullFlavorIdsAreNot() throws {
        let ids = """
        <id nullFlavor="NI"/><id root="2.999.1.2.3" extension="MRN-1"/><id root="6f1b4c2e-0d7a-4c55-9e0b-2b1f3c4d5e6f"/>
        <id root="2.999.1.2.4" extension=" 77 "/><id root="2.999.1.2.3" extension="MRN-1"/><id root="not an oid" extension="X"/>
        """
        let o = try only(read(xml: document([Self.albumin], patient: ids)))
        #expect(o.patient.identifiers == [
            PatientIdentifier(system: "urn:oid:2.999.1.2.3", value: "MRN-1"),
            PatientIdentifier(system: "urn:ietf:rfc:3986", value: "urn:uuid:6f1b4c2e-0d7a-4c55-9e0b-2b1f3c4d5e6f"),
            PatientIdentifier(system: "urn:oid:2.999.1.2.4", value: "77"),
            PatientIdentifier(system: "urn:tacebridge:cda-root:not an oid", value: "X"),
        ])
    }

    @Test func documentWithoutUsablePatientIdCountsEveryResultAsNoSubject() throws {
        let item = try onlySkip(read(xml: document([Self.albumin], patient: #"<id nullFlavor="UNK"/>"#)))
        #expect(item.kind == .noSubject)
        let two = document([Self.albumin]).replacingOccurrences(of: "<recordTarget>", with: "<recordTarget><patientRole><id root=\"2.999.5\" extension=\"B\"/></patientRole></recordTarget><recordTarget>")
        let twoItem = try onlySkip(read(xml: two))
        #expect(twoItem.kind == .noSubject && twoItem.detail.contains("2 recordTargets"))
    }

    // MARK: Locations and record keys

    @Test func locationIsAnXPathWithPositionsOnlyWhereNamesRepeat() throws {
        let second = observation(code: "1975-2", value: #"<value xsi:type="PQ" value="0.9" unit="mg/dL"/>"#)
        let out = try read(xml: document([Self.albumin, second], extraSections: [tace()]))
        try #require(out.observations.count == 3)
        #expect(out.observations[0].source.location == "/ClinicalDocument/component/structuredBody/component[1]/section/entry[1]/observation (line 11)")
        #expect(out.observations[1].source.location.hasPrefix("/ClinicalDocument/component/structuredBody/component[1]/section/entry[2]/observation (line "))
        #expect(out.observations[2].source.location.hasPrefix("/ClinicalDocument/component/structuredBody/component[2]/section/entry/procedure (line "))
    }

    @Test func recordKeyIsDocumentIdAndStatementIdElseThePath() throws {
        let out = try read(xml: document([Self.albumin]))
        #expect(try only(out).source.recordKey == "cda:2.999.9^DOC-1#2.999.9.1^1751-7-EVN")
        let noIds = document([Self.albumin.replacingOccurrences(of: #"<id root="2.999.9.1" extension="1751-7-EVN"/>"#, with: "")])
            .replacingOccurrences(of: #"<id root="2.999.9" extension="DOC-1"/>"#, with: "")
        let o = try only(read(xml: noIds, file: "labs.xml"))
        #expect(o.source.recordKey == "cda-file:labs.xml#/ClinicalDocument/component/structuredBody/component/section/entry/observation")
    }

    @Test func reReadingGivesTheSameKeysAndLocations() throws {
        let a = try read(xml: document([Self.albumin]))
        let b = try read(xml: document([Self.albumin]))
        #expect(a.observations == b.observations)
    }

    // MARK: Structure

    @Test func nestedSectionsAndRelationshipsAreRead() throws {
        let nested = """
        <observation classCode="OBS" moodCode="EVN"><code code="121071" codeSystem="1.2.840.10008.2.16.4"/>
          <statusCode code="completed"/><effectiveTime value="20250103111500+0100"/>
          <entryRelationship typeCode="SPRT">\(observation(code: "33728-7", time: nil, value: #"<value xsi:type="PQ" value="62" unit="mm"/>"#))</entryRelationship>
        </observation>
        """
        let xml = document([]).replacingOccurrences(of: "<code code=\"30954-2\" codeSystem=\"\(loinc)\"/>",
                                                    with: "<code code=\"18782-3\" codeSystem=\"\(loinc)\"/><component><section><entry>\(nested)</entry></section></component>")
        let o = try only(read(xml: xml))
        #expect(o.concept == .largestTumorDiameter)
        #expect(o.value.measurement == Measurement(6.2, .cm))
        // No effectiveTime of its own: the finding it supports gives the time.
        #expect(o.effective?.fhirDateTime == "2025-01-03T11:15:00+01:00")
        #expect(o.source.location.contains("/section/component/section/entry/observation/entryRelationship/observation"))
    }

    @Test func nonXMLBodyIsCountedAsNotRead() throws {
        let xml = """
        <ClinicalDocument xmlns="urn:hl7-org:v3"><id root="2.999.9" extension="D"/>
        <recordTarget><patientRole><id root="2.999.1" extension="P"/></patientRole></recordTarget>
        <component><nonXMLBody><text mediaType="application/pdf" representation="B64">JVBERi0=</text></nonXMLBody></component>
        </ClinicalDocument>
        """
        let item = try onlySkip(read(xml: xml))
        #expect(item.kind == .ignoredResourceType && item.location == "/ClinicalDocument/component/nonXMLBody (line 3)")
    }

    @Test func otherStatementsAreCountedAndSearchedForResults() throws {
        let encounter = """
        <encounter classCode="ENC" moodCode="EVN"><code code="99213" codeSystem="2.16.840.1.113883.6.12"/>
          <entryRelationship typeCode="COMP">\(Self.albumin)</entryRelationship></encounter>
        """
        let out = try read(xml: document([encounter]))
        #expect(out.observations.count == 1)
        #expect(out.report.skippedByKind[.ignoredResourceType] == 1)
        #expect(out.report.resourcesByType["CDA encounter"] == 1)
    }

    // MARK: Fragments

    @Test func fragmentWithoutNamespacesIsReadButHasNoPatient() throws {
        // The C-CDA examples' shape: no xmlns at all and an unbound xsi: prefix.
        let fragment = "<section><code code=\"30954-2\" codeSystem=\"\(loinc)\"/><entry>\(Self.albumin)</entry></section>"
        let out = try read(xml: fragment)
        let item = try onlySkip(out)
        #expect(item.kind == .noSubject && item.detail.hasPrefix("albumin:"))
        #expect(item.location == "/section/entry/observation (line 1)")
        #expect(out.report.resourcesByType["CDA fragment <section>"] == 1)
    }

    @Test func fragmentValueIsReadThroughTheRepairedXsiType() throws {
        // Without a patient nothing is produced, but the value was understood: a unit error is reported as such.
        let fragment = #"<observation classCode="OBS" moodCode="EVN"><code code="1751-7" codeSystem="2.16.840.1.113883.6.1"/><value xsi:type="PQ" value="3.9" unit="bogus"/></observation>"#
        #expect(try onlySkip(read(xml: fragment)).kind == .noSubject)
    }

    @Test func headerFragmentIsAClearError() throws {
        #expect(throws: CDAReadError.self) { try read(xml: #"<participant xmlns="urn:hl7-org:v3" typeCode="REF"/>"#) }
    }

    // MARK: Procedures

    @Test func completedTACEProcedureIsASession() throws {
        let o = try only(read(xml: document([tace()])))
        #expect(o.concept == .tace && o.value == .event && o.status == .final)
        #expect(o.effective?.fhirDateTime == "2025-01-10T08:30:00+01:00")
        #expect(o.source.recordKey == "cda:2.999.9^DOC-1#2.999.9.2^TACE-1")
    }

    @Test func tacecodedActIsASessionToo() throws {
        let act = tace().replacingOccurrences(of: "<procedure classCode=\"PROC\"", with: "<act classCode=\"ACT\"")
            .replacingOccurrences(of: "</procedure>", with: "</act>")
        let out = try read(xml: document([act]))
        #expect(try only(out).concept == .tace)
        #expect(out.report.resourcesByType["CDA act"] == 1)
    }

    @Test(arguments: ["active", "new"])
    func procedureThatIsNotCompletedIsNoSession(status: String) throws {
        let item = try onlySkip(read(xml: document([tace(status: status)])))
        #expect(item.kind == .procedureNotCompleted)
    }

    /// Review 13: an aborted TACE (begun, not completed) or a cancelled one (abandoned before it began) is kept as
    /// an attempt not completed — it breaks a chain of sessions — in the FHIR Procedure.status words.
    @Test(arguments: [("aborted", ProcedureStatus.stopped), ("cancelled", .notDone)])
    func abortedOrCancelledTACEIsKeptAsNotCompleted(status: String, expected: ProcedureStatus) throws {
        let o = try only(read(xml: document([tace(status: status)])))
        #expect(o.concept == .tace && o.value == .coded(expected.rawValue) && o.status == .final)
        #expect(o.value.notCompletedProcedureStatus == expected)
    }

    @Test func anAbortedOtherTreatmentIsStillSkipped() throws {
        let ablation = tace(status: "aborted").replacingOccurrences(of: "code=\"tace\" codeSystem=\"\(procedures)\"",
                                                                   with: "code=\"ablation\" codeSystem=\"\(procedures)\"")
        #expect(try onlySkip(read(xml: document([ablation]))).kind == .procedureNotCompleted)
    }

    @Test func procedureWithoutStatusOrWithAnotherCodeIsNoSession() throws {
        #expect(try onlySkip(read(xml: document([tace(status: nil)]))).kind == .procedureNotCompleted)
        let other = tace().replacingOccurrences(of: "code=\"tace\" codeSystem=\"\(procedures)\"", with: "code=\"80146002\" codeSystem=\"2.16.840.1.113883.6.96\"")
        #expect(try onlySkip(read(xml: document([other]))).kind == .unmappedCode)
        let notAProcedure = tace().replacingOccurrences(of: "code=\"tace\" codeSystem=\"\(procedures)\"", with: "code=\"1751-7\" codeSystem=\"\(loinc)\"")
        #expect(try onlySkip(read(xml: document([notAProcedure]))).kind == .unsupportedValueType)
    }
}
