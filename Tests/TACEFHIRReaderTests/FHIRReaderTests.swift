import Testing
import TACEJSON
import TACEMappings
import TACEModel
@testable import TACEFHIRReader

/// Reads `json` as one FHIR file with the default tables.
func read(_ json: String, policy: InvalidResourcePolicy = .fail, mappings: MappingTables? = nil) throws -> FHIRReadOutput {
    let tables = try mappings ?? MappingTables.defaults()
    let reader = FHIRReader(mappings: tables, invalidPolicy: policy)
    var out = FHIRReadOutput()
    try reader.read(try JSONDocument.parse(Array(json.utf8)), file: "test.json", format: .fhirJSON, into: &out)
    return out
}

func observation(code: String, system: String = "http://loinc.org", value: String, status: String = "final",
                 subject: String = "Patient/p1", effective: String = "2025-01-08T08:15:00+08:00", id: String = "o1") -> String {
    """
    {"resourceType":"Observation","id":"\(id)","status":"\(status)",
     "code":{"coding":[{"system":"\(system)","code":"\(code)"}]},
     "subject":{"reference":"\(subject)"},"effectiveDateTime":"\(effective)",\(value)}
    """
}

@Suite("FHIR R4 observations become typed observations in canonical units")
struct ObservationValueTests {
    @Test func bilirubinInMgPerDLIsConvertedToMicromolPerL() throws {
        let out = try read(observation(code: "1975-2", value: #""valueQuantity":{"value":1.0,"unit":"mg/dL","system":"http://unitsofmeasure.org","code":"mg/dL"}"#))
        let o = try #require(out.observations.first)
        #expect(o.concept == .bilirubinTotal)
        #expect(abs((o.value.measurement?.value ?? 0) - 17.104) < 1e-9)
        #expect(o.value.measurement?.unit == .umolPerL)
        #expect(o.original.unit == "mg/dL")
        #expect(o.original.valueText == "1.0")
        #expect(o.conversion?.factor == 17.104)
        #expect(o.effective?.utcOffsetSeconds == 8 * 3600)
        #expect(o.source.resourceReference == "Observation/o1")
        #expect(o.patient.reference == "Patient/p1")
    }

    @Test func albuminInGPerDLBecomesGPerL() throws {
        let out = try read(observation(code: "1751-7", value: #""valueQuantity":{"value":3.5,"unit":"g/dL","system":"http://unitsofmeasure.org","code":"g/dL"}"#))
        #expect(out.observations.first?.value.measurement == Measurement(35, .gPerL))
    }

    @Test func afpInInternationalUnitsUsesTheNgPerIUParameter() throws {
        let out = try read(observation(code: "19176-7", value: #""valueQuantity":{"value":100,"unit":"IU/mL","system":"http://unitsofmeasure.org","code":"[IU]/mL"}"#))
        let o = try #require(out.observations.first)
        #expect(abs((o.value.measurement?.value ?? 0) - 121) < 1e-9)
        #expect(o.conversion?.parameter == "afp.ngPerIU")
    }

    @Test func unitTextIsResolvedWhenThereIsNoUCUMCode() throws {
        let out = try read(observation(code: "1975-2", value: #""valueQuantity":{"value":2,"unit":"mg/dl"}"#))
        #expect(abs((out.observations.first?.value.measurement?.value ?? 0) - 34.208) < 1e-9)
    }

    @Test func comparatorIsKept() throws {
        let out = try read(observation(code: "1834-1", value: #""valueQuantity":{"value":60500,"comparator":">","unit":"ng/mL","system":"http://unitsofmeasure.org","code":"ng/mL"}"#))
        #expect(out.observations.first?.value.measurement == Measurement(60500, .ngPerML, comparator: .greaterThan))
    }

    @Test(arguments: [
        (">60500", Comparator.greaterThan, 60500.0),
        ("<1.0", Comparator.lessThan, 1.0),
        (" >= 2.5 ", Comparator.greaterOrEqual, 2.5),
        ("520", Comparator.equal, 520.0),
    ])
    func censoredValueStringIsParsedWithTheDefaultUnitOfItsCode(text: String, comparator: Comparator, value: Double) throws {
        let out = try read(observation(code: "1834-1", value: #""valueString":"\#(text)""#))
        let m = try #require(out.observations.first?.value.measurement)
        #expect(m.comparator == comparator)
        #expect(m.value == value)
        #expect(m.unit == .ngPerML)
    }

    @Test func valueStringWithAUnitUsesThatUnit() throws {
        let out = try read(observation(code: "1975-2", value: #""valueString":"<1.0 mg/dL""#))
        let m = try #require(out.observations.first?.value.measurement)
        #expect(m.comparator == .lessThan)
        #expect(abs(m.value - 17.104) < 1e-9)
    }

    @Test func nonNumericTextIsReportedNotGuessed() throws {
        let out = try read(observation(code: "1834-1", value: #""valueString":"see comment""#))
        #expect(out.observations.isEmpty)
        #expect(out.report.skippedByKind[.nonNumericValue] == 1)
    }

    @Test func unknownUnitIsReported() throws {
        let out = try read(observation(code: "1834-1", value: #""valueQuantity":{"value":5,"unit":"furlongs"}"#))
        #expect(out.observations.isEmpty)
        #expect(out.report.skippedByKind[.unknownUnit] == 1)
        // An unknown unit is not from a closed list: only its length is shown (it could be a misplaced name).
        #expect(out.report.items.first?.detail.contains("furlongs") == false)
        #expect(out.report.items.first?.detail.contains("(value withheld, 8 characters)") == true)
    }

    @Test func unconvertibleUnitIsReported() throws {
        // DCP in ng/mL has no universal factor to mAU/mL (clinical reference §8.4).
        let out = try read(observation(code: "34444-0", value: #""valueQuantity":{"value":5,"unit":"ng/mL","system":"http://unitsofmeasure.org","code":"ng/mL"}"#))
        #expect(out.observations.isEmpty)
        #expect(out.report.skippedByKind[.unconvertibleUnit] == 1)
    }

    @Test func vascularizationPatternIsACodedValue() throws {
        let out = try read(observation(code: "vascularization-pattern", system: "https://tacebridge.org/fhir/CodeSystem/hcc-imaging",
                                       value: #""valueCodeableConcept":{"coding":[{"system":"https://tacebridge.org/fhir/CodeSystem/vascularization-pattern","code":"type-3"}]}"#))
        #expect(out.observations.first?.value == .coded("type-3"))
    }

    @Test func unmappedCodedAnswerIsReported() throws {
        let out = try read(observation(code: "vascularization-pattern", system: "https://tacebridge.org/fhir/CodeSystem/hcc-imaging",
                                       value: #""valueCodeableConcept":{"coding":[{"system":"urn:local","code":"V9"}]}"#))
        #expect(out.observations.isEmpty)
        #expect(out.report.skippedByKind[.unmappedValue] == 1)
    }

    @Test func tumorCountFromValueInteger() throws {
        let out = try read(observation(code: "tumor-count", system: "https://tacebridge.org/fhir/CodeSystem/hcc-imaging", value: #""valueInteger":3"#))
        #expect(out.observations.first?.value.measurement == Measurement(3, .count))
    }

    @Test func largestDiameterInMillimetresFromAComponent() throws {
        let json = """
        {"resourceType":"Observation","id":"size","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"21889-1"}]},
         "subject":{"reference":"Patient/p1"},"effectiveDateTime":"2025-01-05",
         "component":[{"code":{"coding":[{"system":"http://loinc.org","code":"33728-7"}]},"valueQuantity":{"value":62,"unit":"mm","system":"http://unitsofmeasure.org","code":"mm"}}]}
        """
        let out = try read(json)
        let o = try #require(out.observations.first { $0.concept == .largestTumorDiameter })
        #expect(abs((o.value.measurement?.value ?? 0) - 6.2) < 1e-12)
        #expect(o.source.location == "$.component[0]")
    }

    @Test(arguments: ["cancelled", "entered-in-error"])
    func excludedStatusesAreCountedNotRead(status: String) throws {
        let out = try read(observation(code: "1834-1", value: #""valueQuantity":{"value":5,"unit":"ng/mL"}"#, status: status))
        #expect(out.observations.isEmpty)
        #expect(out.report.skippedByKind[.excludedStatus] == 1)
    }

    @Test func preliminaryResultsAreReadWithTheirStatus() throws {
        let out = try read(observation(code: "1834-1", value: #""valueQuantity":{"value":5,"unit":"ng/mL"}"#, status: "preliminary"))
        #expect(out.observations.first?.status == .preliminary)
    }

    @Test func dataAbsentReasonIsCounted() throws {
        let out = try read(observation(code: "1834-1", value: #""dataAbsentReason":{"coding":[{"code":"not-performed"}]}"#))
        #expect(out.observations.isEmpty)
        #expect(out.report.skippedByKind[.dataAbsent] == 1)
    }

    /// obs-6: a dataAbsentReason only without a value. Both given, the value is not used.
    @Test func valueBesideDataAbsentReasonIsCountedDataAbsentNotUsed() throws {
        let both = #""valueQuantity":{"value":5,"unit":"ng/mL"},"dataAbsentReason":{"coding":[{"code":"error"}]}"#
        let out = try read(observation(code: "1834-1", value: both))
        #expect(out.observations.isEmpty)
        #expect(out.report.skippedByKind[.dataAbsent] == 1)
        #expect(out.report.items.first?.detail.contains("obs-6") == true)
        // The same value without the dataAbsentReason is used.
        #expect(try read(observation(code: "1834-1", value: #""valueQuantity":{"value":5,"unit":"ng/mL"}"#)).observations.count == 1)
    }

    @Test func componentValueBesideDataAbsentReasonIsNotUsed() throws {
        let json = """
        {"resourceType":"Observation","id":"o1","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"21889-1"}]},
         "subject":{"reference":"Patient/p1"},"effectiveDateTime":"2025-01-05",
         "component":[{"code":{"coding":[{"system":"http://loinc.org","code":"33728-7"}]},"valueQuantity":{"value":62,"unit":"mm","system":"http://unitsofmeasure.org","code":"mm"},
                       "dataAbsentReason":{"coding":[{"code":"error"}]}}]}
        """
        let out = try read(json)
        #expect(out.observations.isEmpty)
        #expect(out.report.skippedByKind[.dataAbsent] == 1)
    }

    @Test func unmappedCodeIsCountedWithItsCodes() throws {
        let out = try read(observation(code: "8867-4", value: #""valueQuantity":{"value":60,"unit":"/min"}"#))
        #expect(out.report.skippedByKind[.unmappedCode] == 1)
        #expect(out.report.items.first?.detail.contains("http://loinc.org|8867-4") == true)
    }

    @Test func wrongJSONTypeIsAnErrorWithItsPath() throws {
        #expect {
            _ = try read(observation(code: "1834-1", value: #""valueQuantity":{"value":"5","unit":"ng/mL"}"#))
        } throws: { error in
            guard let e = error as? FHIRReadError else { return false }
            return e.location == "$.valueQuantity.value" && e.kind == .invalidResource
        }
    }

    @Test func wrongJSONTypeIsCountedWhenSkipping() throws {
        let out = try read(observation(code: "1834-1", value: #""valueQuantity":{"value":"5","unit":"ng/mL"}"#), policy: .skip)
        #expect(out.report.skippedByKind[.invalidResource] == 1)
    }

    @Test func outOfRangeNumberIsAnError() throws {
        #expect(throws: FHIRReadError.self) {
            _ = try read(observation(code: "1834-1", value: #""valueQuantity":{"value":1e999,"unit":"ng/mL"}"#))
        }
    }

    /// A number too small for a Double is not a measured 0.
    @Test(arguments: ["1e-400", "-2.5E-999", "0.0000000001e-330"])
    func numberThatUnderflowsToZeroIsAnErrorNotZero(written: String) throws {
        #expect(throws: FHIRReadError.self) {
            _ = try read(observation(code: "1834-1", value: #""valueQuantity":{"value":"# + written + #","unit":"ng/mL"}"#))
        }
        let skipped = try read(observation(code: "1834-1", value: #""valueQuantity":{"value":"# + written + #","unit":"ng/mL"}"#), policy: .skip)
        #expect(skipped.observations.isEmpty && skipped.report.skippedByKind[.invalidResource] == 1)
    }

    @Test(arguments: ["0", "0.0", "-0", "0e-400", "0.000e5"])
    func writtenZeroIsZero(written: String) throws {
        let out = try read(observation(code: "1834-1", value: #""valueQuantity":{"value":"# + written + #","unit":"ng/mL"}"#))
        #expect(out.observations.first?.value.measurement?.value == 0)
    }
}

@Suite("Bundles, references and other resources")
struct BundleTests {
    @Test func urnUUIDSubjectResolvesToThePatientId() throws {
        let json = """
        {"resourceType":"Bundle","type":"transaction","entry":[
         {"fullUrl":"urn:uuid:11111111-1111-4111-8111-111111111111","resource":{"resourceType":"Patient","id":"abc",
           "identifier":[{"system":"urn:oid:1.2.3","value":"MRN1"}]},"request":{"method":"POST","url":"Patient"}},
         {"fullUrl":"urn:uuid:22222222-2222-4222-8222-222222222222","resource":\(observation(code: "2324-2", value: #""valueQuantity":{"value":62,"unit":"U/L","system":"http://unitsofmeasure.org","code":"U/L"}"#, subject: "urn:uuid:11111111-1111-4111-8111-111111111111"))}
        ]}
        """
        let out = try read(json)
        #expect(out.observations.first?.patient.reference == "Patient/abc")
        #expect(out.patients["Patient/abc"]?.identity.identifiers == [PatientIdentifier(system: "urn:oid:1.2.3", value: "MRN1")])
    }

    @Test func absoluteReferenceBecomesRelative() throws {
        let out = try read(observation(code: "2324-2", value: #""valueQuantity":{"value":62,"unit":"U/L"}"#, subject: "https://ehr.test/fhir/Patient/77"))
        #expect(out.observations.first?.patient.reference == "Patient/77")
    }

    /// Only a Patient is a patient: a result about a group, device or location has no subject.
    @Test(arguments: ["Group/g1", "Device/d1", "Location/l1", "https://ehr.test/fhir/Group/g1", "https://ehr.test/fhir/Group/g1/_history/2"])
    func subjectThatIsNoPatientIsNoSubject(reference: String) throws {
        let out = try read(observation(code: "2324-2", value: #""valueQuantity":{"value":62,"unit":"U/L"}"#, subject: reference))
        #expect(out.observations.isEmpty)
        #expect(out.report.skippedByKind[.noSubject] == 1)
    }

    @Test func bundleEntryThatIsNoPatientIsNoSubject() throws {
        let json = """
        {"resourceType":"Bundle","type":"collection","entry":[
         {"fullUrl":"urn:uuid:11111111-1111-4111-8111-111111111111","resource":{"resourceType":"Group","id":"abc","type":"person","actual":true}},
         {"fullUrl":"urn:uuid:22222222-2222-4222-8222-222222222222","resource":\(observation(code: "2324-2", value: #""valueQuantity":{"value":62,"unit":"U/L"}"#, subject: "urn:uuid:11111111-1111-4111-8111-111111111111"))}
        ]}
        """
        let out = try read(json)
        #expect(out.observations.isEmpty)
        #expect(out.report.skippedByKind[.noSubject] == 1)
    }

    @Test func identifierOnlySubjectIsKeptUnlessItsTypeIsNoPatient() throws {
        func json(_ subject: String) -> String {
            """
            {"resourceType":"Observation","id":"o1","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"2324-2"}]},
             "subject":\(subject),"effectiveDateTime":"2025-01-05","valueQuantity":{"value":62,"unit":"U/L"}}
            """
        }
        let identifier = #""identifier":{"system":"urn:oid:1.2.3","value":"MRN1"}"#
        let kept = try read(json("{\(identifier)}"))
        #expect(kept.observations.first?.patient.identifiers == [PatientIdentifier(system: "urn:oid:1.2.3", value: "MRN1")])
        #expect(try read(json(#"{"type":"Patient","# + identifier + "}")).observations.count == 1)
        let group = try read(json(#"{"type":"Group","# + identifier + "}"))
        #expect(group.observations.isEmpty && group.report.skippedByKind[.noSubject] == 1)
        // A Patient reference is still read as before.
        #expect(try read(json(#"{"reference":"Patient/p1"}"#)).observations.first?.patient.reference == "Patient/p1")
    }

    @Test func unresolvableUrnSubjectIsReported() throws {
        let out = try read(observation(code: "2324-2", value: #""valueQuantity":{"value":62,"unit":"U/L"}"#, subject: "urn:uuid:99999999-9999-4999-8999-999999999999"))
        #expect(out.observations.isEmpty)
        #expect(out.report.skippedByKind[.noSubject] == 1)
    }

    @Test func diagnosticReportResultsInheritSubjectAndTime() throws {
        let json = """
        {"resourceType":"Bundle","type":"collection","entry":[
         {"fullUrl":"https://ehr.test/fhir/DiagnosticReport/dr1","resource":{"resourceType":"DiagnosticReport","id":"dr1","status":"final",
           "code":{"text":"LFT"},"subject":{"reference":"Patient/p9"},"effectiveDateTime":"2025-01-03T10:00:00Z","result":[{"reference":"Observation/ggt"}]}},
         {"fullUrl":"https://ehr.test/fhir/Observation/ggt","resource":{"resourceType":"Observation","id":"ggt","status":"final",
           "code":{"coding":[{"system":"http://loinc.org","code":"2324-2"}]},"valueQuantity":{"value":98,"unit":"U/L"}}}
        ]}
        """
        let out = try read(json)
        let o = try #require(out.observations.first)
        #expect(o.patient.reference == "Patient/p9")
        #expect(o.effective == ClinicalTime(fhir: "2025-01-03T10:00:00Z"))
    }

    @Test func containedResultsOfADiagnosticReportAreRead() throws {
        let json = """
        {"resourceType":"DiagnosticReport","id":"dr2","status":"final","code":{"text":"AFP"},"subject":{"reference":"Patient/p3"},
         "effectiveDateTime":"2025-01-03","contained":[{"resourceType":"Observation","id":"afp","status":"final",
         "code":{"coding":[{"system":"http://loinc.org","code":"1834-1"}]},"valueQuantity":{"value":25,"unit":"ng/mL"}}],
         "result":[{"reference":"#afp"}]}
        """
        let out = try read(json)
        #expect(out.observations.count == 1)
        #expect(out.observations.first?.patient.reference == "Patient/p3")
    }

    @Test func completedTACEProcedureIsASession() throws {
        let json = """
        {"resourceType":"Procedure","id":"t1","status":"completed","code":{"coding":[{"system":"https://tacebridge.org/fhir/CodeSystem/hcc-procedures","code":"tace"}]},
         "subject":{"reference":"Patient/p1"},"performedDateTime":"2025-01-10T09:30:00+08:00"}
        """
        let out = try read(json)
        #expect(out.observations.first?.concept == .tace)
        #expect(out.observations.first?.effective == ClinicalTime(fhir: "2025-01-10T09:30:00+08:00"))
    }

    @Test("other treatments are procedures too (they interrupt TACE chains)",
          arguments: [("ablation", Concept.ablation), ("resection", .resection), ("systemic-therapy", .systemicTherapy)])
    func otherTreatmentProcedure(code: String, concept: Concept) throws {
        let json = """
        {"resourceType":"Procedure","id":"x1","status":"completed","code":{"coding":[{"system":"https://tacebridge.org/fhir/CodeSystem/hcc-procedures","code":"\(code)"}]},
         "subject":{"reference":"Patient/p1"},"performedDateTime":"2025-02-24"}
        """
        let out = try read(json)
        #expect(out.observations.first?.concept == concept)
        #expect(out.observations.first?.value == .event)
    }

    @Test func aProcedureCodedAsAnObservationConceptIsNotRead() throws {
        let json = """
        {"resourceType":"Procedure","id":"x1","status":"completed","code":{"coding":[{"system":"http://loinc.org","code":"1834-1"}]},
         "subject":{"reference":"Patient/p1"},"performedDateTime":"2025-02-24"}
        """
        let out = try read(json)
        #expect(out.observations.isEmpty)
        #expect(out.report.skippedByKind[.unsupportedValueType] == 1)
    }

    @Test func plannedTACEIsNotASession() throws {
        let json = """
        {"resourceType":"Procedure","id":"t1","status":"preparation","code":{"coding":[{"system":"https://tacebridge.org/fhir/CodeSystem/hcc-procedures","code":"tace"}]},
         "subject":{"reference":"Patient/p1"}}
        """
        let out = try read(json)
        #expect(out.observations.isEmpty)
        #expect(out.report.skippedByKind[.procedureNotCompleted] == 1)
    }

    /// Review 13: a stopped or not-done TACE is kept (it breaks a chain of sessions), with its status as the value.
    @Test(arguments: ["stopped", "not-done"])
    func tACEThatWasNotCompletedIsKeptWithItsStatus(status: String) throws {
        let json = """
        {"resourceType":"Procedure","id":"t1","status":"\(status)","code":{"coding":[{"system":"https://tacebridge.org/fhir/CodeSystem/hcc-procedures","code":"tace"}]},
         "subject":{"reference":"Patient/p1"},"performedDateTime":"2025-03-11"}
        """
        let out = try read(json)
        #expect(out.observations.count == 1)
        #expect(out.observations.first?.value == .coded(status))
        #expect(out.observations.first?.value.notCompletedProcedureStatus?.rawValue == status)
        #expect(out.report.skippedByKind[.procedureNotCompleted] == nil)
    }

    @Test func anotherTreatmentThatWasStoppedIsNotRead() throws {
        let json = """
        {"resourceType":"Procedure","id":"a1","status":"stopped","code":{"coding":[{"system":"https://tacebridge.org/fhir/CodeSystem/hcc-procedures","code":"ablation"}]},
         "subject":{"reference":"Patient/p1"},"performedDateTime":"2025-03-11"}
        """
        let out = try read(json)
        #expect(out.observations.isEmpty)
        #expect(out.report.skippedByKind[.procedureNotCompleted] == 1)
    }

    @Test func otherResourceTypesAreCountedAsIgnored() throws {
        let out = try read(#"{"resourceType":"Encounter","id":"e1","status":"finished"}"#)
        #expect(out.report.skippedByKind[.ignoredResourceType] == 1)
    }

    @Test func stu3ContentIsAVersionError() throws {
        #expect {
            _ = try read(#"{"resourceType":"DiagnosticReport","id":"x","status":"final","codedDiagnosis":[]}"#)
        } throws: { error in
            guard let e = error as? FHIRReadError, case .unsupportedVersion(let v) = e.kind else { return false }
            return v == "STU3" && e.description.contains("R4")
        }
    }

    @Test func dstu2ContentIsAVersionError() throws {
        #expect(throws: FHIRReadError.self) {
            _ = try read(#"{"resourceType":"Patient","id":"x","name":[{"family":["Old"]}]}"#)
        }
    }

    @Test func jsonWithoutResourceTypeIsNotFHIR() throws {
        #expect {
            _ = try read(#"{"hello":"world"}"#)
        } throws: { error in
            (error as? FHIRReadError)?.kind == .notFHIR
        }
    }

    @Test func siteCodesMapLocalLabCodes() throws {
        let tables = try MappingTables.defaults().merging(
            codes: "system,code,concept\nurn:oid:1.2.3.4,AFP-S,afp\n", codesFile: "site/codes.csv", values: nil, valuesFile: "site/values.csv")
        let out = try read(observation(code: "AFP-S", system: "urn:oid:1.2.3.4", value: #""valueQuantity":{"value":81,"unit":"ng/mL"}"#), mappings: tables)
        #expect(out.observations.first?.concept == .afp)
    }
}
