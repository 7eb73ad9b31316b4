import Testing
import TACEFHIRReader
import TACEMappings
import TACEModel
import TACEXML
@testable import TACECDAReader

/// Values checked by hand against the corpus files (the comments quote the file and line), and
/// every listed CDA file read without a crash.
@Suite("Corpus CDA files")
struct CorpusReadingTests {
    /// Reads a fragment as if its patient were known (a fragment has no recordTarget; a real run
    /// counts its results as no-subject), so that the values it carries can be checked.
    static func readFragment(_ suffix: String, mappings: MappingTables? = nil) throws -> FHIRReadOutput {
        let matches = Corpus.cdaFiles.filter { $0.hasSuffix(suffix) }
        try #require(matches.count == 1, "expected one corpus file ending in \(suffix)")
        let document = try CDAReader.parse(try Corpus.bytes(matches[0]))
        var walker = DocumentWalker(reader: CDAReader(mappings: try mappings ?? MappingTables.defaults()), file: suffix)
        walker.identity = PatientIdentity(reference: nil, identifiers: [PatientIdentifier(system: "urn:test", value: "fragment")])
        var out = FHIRReadOutput()
        try walker.read(root: try #require(document.root), into: &out)
        return out
    }

    /// Test-only rows: a few corpus codes with no TACEBridge concept are mapped to concepts whose
    /// canonical unit suits them, only so that their values, units, times and statuses can be
    /// checked through the whole reader. The concepts are placeholders, not clinical claims.
    static let placeholders = """
        system,code,concept,default_unit
        http://loinc.org,32016-8,crp,
        http://loinc.org,38483-4,crp,
        http://loinc.org,6598-7,afp,
        http://loinc.org,20570-8,afp-l3,
        http://loinc.org,6299-2,crp,
        """

    static func placeholderTables() throws -> MappingTables {
        try MappingTables.defaults().merging(codes: placeholders, codesFile: "test/codes.csv", values: nil, valuesFile: "")
    }

    /// A site that calls SNOMED CT 246120007 "Nodule size" its largest tumor diameter.
    static func noduleSizeTables() throws -> MappingTables {
        try MappingTables.defaults().merging(codes: "system,code,concept\nhttp://snomed.info/sct,246120007,largest-tumor-diameter\n",
                                             codesFile: "site/codes.csv", values: nil, valuesFile: "")
    }

    @Test func ccdPlateletsInBothCopies() throws {
        // CCD.XML line 2939 and C-CDA_R2-1_CCD.xml.ccda line 2952: <value xsi:type="PQ" value="123" unit="10*9/L"/>,
        // statusCode completed, effectiveTime 200803190830-0800; patient id 444222222 root 2.16.840.1.113883.4.1.
        for file in ["CCD 1/CCD.XML", "C-CDA_R2-1_CCD.xml.ccda"] {
            let out = try Corpus.read(file)
            let o = try only(out)
            #expect(o.concept == .platelets, "\(file)")
            #expect(o.value.measurement == Measurement(123, .perNanoliter))
            #expect(o.original.valueText == "123" && o.original.unit == "10*9/L")
            #expect(o.effective?.fhirDateTime == "2008-03-19T08:30:00-08:00")
            #expect(o.status == .final)
            #expect(o.patient.identifiers == [PatientIdentifier(system: "urn:oid:2.16.840.1.113883.4.1", value: "444222222")])
            #expect(o.notes == ["interpretation: LX"])
        }
    }

    @Test func consultationNotePlatelets() throws {
        // Consultation_Note.ccda line 1764: <value xsi:type="PQ" value="123" unit="10*9/L"/>, effectiveTime 201303110830-0800 (line 1763).
        let o = try only(Corpus.read("Consultation_Note.ccda"))
        #expect(o.value.measurement == Measurement(123, .perNanoliter))
        #expect(o.effective?.fhirDateTime == "2013-03-11T08:30:00-08:00")
        #expect(o.status == .final)
        #expect(o.source.location.hasSuffix("/organizer/component[3]/observation (line 1754)"))
    }

    @Test func historyAndPhysicalPlateletsHaveANonUCUMUnit() throws {
        // History_and_Physical.ccda line 1848: <value xsi:type="PQ" value="123" unit="10+3/ul"/>: not UCUM, not a known spelling.
        let out = try Corpus.read("History_and_Physical.ccda")
        #expect(out.observations.isEmpty)
        let unit = try #require(out.report.items.first { $0.kind == .unknownUnit })
        #expect(unit.detail == "platelets: unit (value withheld, 7 characters)")
    }

    @Test func imagingReportNoduleSizeThroughASiteRow() throws {
        // Diagnostic_Imaging_Report.xml line 475: <value xsi:type="PQ" value="45" unit="mm">, effectiveTime 20060823223912
        // (line 474, no offset) and no statusCode (commented out at line 473); patient id 12345 root 2.16.840.1.113883.19.5.
        for file in ["Documents/Diagnostic Imaging Report/Diagnostic_Imaging_Report.xml", "Ccda/Diagnostic_Imaging_Report.ccda"] {
            let o = try only(Corpus.read(file, mappings: Self.noduleSizeTables()))
            #expect(o.concept == .largestTumorDiameter, "\(file)")
            #expect(o.value.measurement == Measurement(4.5, .cm))
            #expect(o.original.valueText == "45" && o.original.unit == "mm")
            #expect(o.effective == ClinicalTime(year: 2006, month: 8, day: 23, hour: 22, minute: 39, second: 12, utcOffsetSeconds: nil))
            #expect(o.status == .unknown)
            #expect(o.patient.identifiers == [PatientIdentifier(system: "urn:oid:2.16.840.1.113883.19.5", value: "12345")])
        }
        // Without the site row the same observation is counted as unmapped.
        let plain = try Corpus.read("Documents/Diagnostic Imaging Report/Diagnostic_Imaging_Report.xml")
        #expect(plain.observations.isEmpty)
        #expect(plain.report.items.contains { $0.kind == .unmappedCode && $0.detail.contains("http://snomed.info/sct|246120007") })
    }

    @Test func fragmentPlateletsWithTranslatedUnit() throws {
        // Results with translation unit line 59: <value xsi:type="PQ" value="152" unit="10*3/uL"/>, statusCode completed (line 53),
        // effectiveTime low 201310200908-0500 (line 55).
        let o = try only(Self.readFragment("Results with translation unit(C-CDA2.1).xml"))
        #expect(o.value.measurement == Measurement(152, .perNanoliter))
        #expect(o.effective?.fhirDateTime == "2013-10-20T09:08:00-05:00" && o.effective?.precision == .minute)
        #expect(o.status == .final)
        #expect(o.source.location == "/section/entry/organizer/component/observation (line 44)")
    }

    @Test func fragmentGreaterThanIsAComparator() throws {
        // Result with greater than… line 61: <low value="500" unit="mg/dL" inclusive="false"/>, line 63 <high nullFlavor="PINF"/>,
        // effectiveTime 201403020908-0500 (line 54). Read as > 500 mg/dL = > 5000 mg/L on the placeholder concept.
        let o = try only(Self.readFragment("Result with greater than a specified value(C-CDA2.1).xml", mappings: Self.placeholderTables()))
        #expect(o.value.measurement == Measurement(5000, .mgPerL, comparator: .greaterThan))
        #expect(o.original.valueText == "500" && o.original.unit == "mg/dL")
        #expect(o.effective?.fhirDateTime == "2014-03-02T09:08:00-05:00")
    }

    @Test func fragmentLessThanFromZero() throws {
        // Results with less than… lines 61 and 64: <low value="0" unit="pg/mL" inclusive="true"/>, <high value="5" unit="pg/mL" inclusive="true"/>.
        // pg/mL has no conversion for any concept, so the written value is checked before mapping.
        let matches = Corpus.cdaFiles.filter { $0.hasSuffix("Results with less than specific value(C-CDA2.1).xml") }
        let document = try CDAReader.parse(try Corpus.bytes(try #require(matches.first)))
        let value = try #require(try document.first("//hl7:observation/hl7:value", namespaces: XMLNamespaces.cda))
        guard case .number(let number, let unit, let type) = WrittenValue.read(value) else {
            Issue.record("expected a number")
            return
        }
        #expect(number.value == 5 && number.comparator == .lessOrEqual && number.text == "5")
        #expect(unit?.text == "pg/mL" && unit?.isUCUM == true && type == "IVL_PQ")
        let out = try Self.readFragment("Results with less than specific value(C-CDA2.1).xml",
                                        mappings: MappingTables.defaults().merging(codes: "system,code,concept\nhttp://loinc.org,42637-9,afp\n",
                                                                                 codesFile: "test/codes.csv", values: nil, valuesFile: ""))
        #expect(try onlySkip(out).detail == "afp: unit (value withheld, 5 characters)")
    }

    @Test func fragmentMetabolicPanelValues() throws {
        // Basic Metabolic Panel with Troponin: creatinine line 289 <value xsi:type="PQ" value="1.2" unit="mg/dL"/> (effectiveTime
        // 201210020908-0500, line 288); troponin lines 378 and 423 value="0.01" unit="ng/mL" at 201210020908-0500 and
        // 201210031008-0500; BUN line 258 unit="md/dL" (a typo: unknown unit). Placeholder concepts crp / afp.
        let out = try Self.readFragment("Basic Metabolic Panel with Troponin(C-CDA2.1).xml", mappings: Self.placeholderTables())
        let creatinine = try #require(out.observations.first { $0.original.code == "38483-4" })
        #expect(creatinine.value.measurement == Measurement(12, .mgPerL))
        #expect(creatinine.effective?.fhirDateTime == "2012-10-02T09:08:00-05:00" && creatinine.status == .final)
        let troponins = out.observations.filter { $0.original.code == "6598-7" }
        #expect(troponins.map { $0.value.measurement } == [Measurement(0.01, .ngPerML), Measurement(0.01, .ngPerML)])
        #expect(troponins.map { $0.effective?.fhirDateTime } == ["2012-10-02T09:08:00-05:00", "2012-10-03T10:08:00-05:00"])
        #expect(out.report.items.contains { $0.kind == .unknownUnit && $0.detail == "crp: unit (value withheld, 5 characters)" })
    }

    @Test func guideResultObservationHematocrit() throws {
        // Result Observation (V3) Example line 8: <value xsi:type="PQ" value="35.3" unit="%"/>, statusCode completed, effectiveTime
        // 200803190830-0800 (lines 6-7), interpretationCode L. Root <observation>, no namespace, unbound xsi.
        let o = try only(Self.readFragment("Result Observation (V3) Example.xml", mappings: Self.placeholderTables()))
        #expect(o.value.measurement == Measurement(35.3, .percent))
        #expect(o.effective?.fhirDateTime == "2008-03-19T08:30:00-08:00" && o.status == .final)
        #expect(o.notes == ["interpretation: L"])
    }

    @Test func pendingComponentAndNonUCUMUnitAreCountedNotInvented() throws {
        // Results panel with pending component line 62: <value xsi:type="PQ" nullFlavor="NA"/> (statusCode active).
        let pending = try Self.readFragment("Results panel with pending component(C-CDA2.1).xml",
                                            mappings: MappingTables.defaults().merging(codes: "system,code,concept\nhttp://loinc.org,804-5,lymphocytes\n",
                                                                                     codesFile: "test/codes.csv", values: nil, valuesFile: ""))
        #expect(try onlySkip(pending).kind == .dataAbsent)
        // Results Unit Non-UCUM: <value xsi:type="PQ" nullFlavor="OTH"><translation value="152" nullFlavor="OTH"><originalText>THOUS/MCL…
        let nonUCUM = try Self.readFragment("Results Unit Non-UCUM(C-CDA2.1).xml")
        #expect(try onlySkip(nonUCUM).detail == "platelets: unit (value withheld, 9 characters)")
    }

    @Test func fragmentsWithoutPatientGiveNoObservationsButCountThem() throws {
        let out = try Corpus.read("Results with translation unit(C-CDA2.1).xml")
        #expect(out.observations.isEmpty)
        #expect(out.report.skippedByKind[.noSubject] == 1)
    }

    @Test func unstructuredDocumentsHaveNoResults() throws {
        for file in ["CDA_with_Embedded_PDF.ccda", "Unstructured_Document_reference.ccda"] {
            let out = try Corpus.read(file)
            #expect(out.observations.isEmpty)
            #expect(out.report.skippedByKind[.ignoredResourceType] == 1, "\(file)")
        }
    }

    @Test func plannedAndIntendedStatementsInTheCorpusAreNeverResults() throws {
        // The CCD's plan of treatment holds RQO, INT and PRMS statements (and a GOL observation).
        let out = try Corpus.read("C-CDA_R2-1_CCD.xml.ccda")
        #expect(out.observations.allSatisfy { $0.concept == .platelets })
        #expect((out.report.skippedByKind[.orderNotResult] ?? 0) >= 4)
    }

    @Test func everyListedCDAFileGivesObservationsOrAClearError() throws {
        try #require(Corpus.cdaFiles.count >= 30, "corpus not found at \(Corpus.root.path); set TACE_CORPUS")
        let tables = try MappingTables.defaults()
        var observations = 0, errors = 0
        for file in Corpus.cdaFiles {
            let document: XMLDocument
            do {
                document = try CDAReader.parse(try Corpus.bytes(file))
            } catch {
                Issue.record("\(file): \(error)")
                continue
            }
            var out = FHIRReadOutput()
            do {
                try CDAReader(mappings: tables).read(document, file: file, into: &out)
                observations += out.observations.count
                // Nothing read is silently dropped: every statement is an observation or a counted item.
                #expect(out.report.resourcesByType.values.reduce(0, +) > 0, "\(file)")
            } catch {
                // Only the header fragment has nothing to read.
                #expect(file.hasSuffix("DIR Participant Example.xml"), "\(file): \(error)")
                #expect(error.reason.contains("holds no results"))
                errors += 1
            }
        }
        #expect(observations == 3)  // the three CCD platelet counts above
        #expect(errors <= 1)
    }
}
