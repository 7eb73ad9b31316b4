import Testing
import TACEFHIRReader
import TACEMappings
import TACEModel
import TACEXML
@testable import TACESiteXMLReader

/// samples/legacy-xml/kestrel-labs.xml read through the default kestrel-lab-report rows, checked
/// by hand against the file.
@Suite("The Kestrel sample")
struct SampleTests {
    let out: FHIRReadOutput

    init() throws {
        let tables = try MappingTables.defaults()
        let document = try XMLDocument.parse(Files.bytes("samples/legacy-xml/kestrel-labs.xml"))
        let reader = SiteXMLReader(mappings: tables, invalidPolicy: .fail)
        let root = try #require(document.root)
        let format = try #require(reader.format(for: root))
        var out = FHIRReadOutput()
        try reader.read(document, format: format, file: "kestrel-labs.xml", into: &out)
        self.out = out
    }

    func observation(_ concept: Concept) throws -> TypedObservation {
        try #require(out.observations.first { $0.concept == concept })
    }

    @Test("five of eight records become observations; the other three are counted with their record")
    func counts() {
        #expect(out.observations.map(\.concept) == [.albumin, .bilirubinTotal, .ggt, .afp, .crp])
        #expect(out.report.resourcesByType == ["XML kestrel-lab-report": 1, "kestrel-lab-report record": 8])
        #expect(out.report.items.map(\.kind) == [.excludedStatus, .unmappedCode, .noValue])
        #expect(out.report.items.map { $0.location.prefix(9) } == ["record 5 ", "record 7 ", "record 8 "])
    }

    @Test("values by hand: albumin 38 g/l; bilirubin 21 µmol/l; GGT 1.5 µkat/l x 60 = 90 U/L; AFP 412 ng/ml; CRP < 5 mg/l")
    func values() throws {
        #expect(try observation(.albumin).value.measurement == Measurement(38, .gPerL))
        #expect(try observation(.bilirubinTotal).value.measurement == Measurement(21, .umolPerL))
        let ggt = try observation(.ggt)
        #expect(ggt.value.measurement == Measurement(90, .unitsPerL))
        #expect(ggt.conversion?.factor == 60)
        #expect(ggt.original.unit == "µkat/l")
        #expect(try observation(.afp).value.measurement == Measurement(412, .ngPerML))
        #expect(try observation(.crp).value.measurement == Measurement(5, .mgPerL, comparator: .lessThan))
    }

    @Test("statuses through the status map: FIN final, PRE preliminary, COR corrected")
    func statuses() throws {
        #expect(try observation(.albumin).status == .final)
        #expect(try observation(.ggt).status == .preliminary)
        #expect(try observation(.afp).status == .corrected)
    }

    @Test("times: +01:00, Z, a space for T, minutes only, and no offset")
    func times() throws {
        #expect(try observation(.albumin).effective?.fhirDateTime == "2025-03-10T07:45:00+01:00")
        #expect(try observation(.bilirubinTotal).effective?.fhirDateTime == "2025-03-10T06:45:00Z")
        #expect(try observation(.ggt).effective == observation(.albumin).effective)
        #expect(try observation(.afp).effective?.precision == .minute)
        #expect(try observation(.crp).effective?.utcOffsetSeconds == nil)
    }

    @Test("the patient is the MR identifier, its issuer an unlisted authority; the lab's own number is not used")
    func patient() throws {
        for o in out.observations {
            #expect(o.patient.identifiers == [PatientIdentifier(system: "urn:tacebridge:xml-authority:DEMO-HOSP", value: "PTACE-K01")])
        }
    }

    @Test("report details and locations never carry the patient's identifiers, name or birth date")
    func noPatientData() {
        for item in out.report.items {
            for secret in ["PTACE-K01", "K-778812", "Testpatient", "Fictitious", "1961"] {
                #expect(!item.detail.contains(secret) && !item.location.contains(secret))
            }
        }
    }
}
