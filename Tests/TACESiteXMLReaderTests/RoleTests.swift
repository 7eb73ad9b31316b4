import Testing
import TACEFHIRReader
import TACEMappings
import TACEModel
@testable import TACESiteXMLReader

/// Each role of a format row, read from a record.
@Suite("Site XML roles")
struct RoleTests {
    @Test("a complete record: code through the HL7 v2 coding-system names, value converted, time, status, provenance")
    func complete() throws {
        let o = try only(read(report([result(extra: "<a:Note>first</a:Note><a:Note> </a:Note><a:Note>second</a:Note>")])))
        #expect(o.concept == .albumin)
        #expect(o.value.measurement == Measurement(39, .gPerL))
        #expect(o.conversion?.factor == 10)
        #expect(o.original == OriginalCoding(system: "http://loinc.org", code: "1751-7", display: "Albumin", unit: "g/dL", valueText: "3.9"))
        #expect(o.status == .final)
        #expect(o.effective == ClinicalTime(year: 2025, month: 1, day: 8, hour: 7, minute: 30, second: 0, utcOffsetSeconds: 3600, precision: .second))
        #expect(o.patient == PatientIdentity(reference: nil, identifiers: [PatientIdentifier(system: "urn:tacebridge:xml-authority:HOSP", value: "P-77")]))
        #expect(o.notes == ["first", "second"])
        #expect(o.source == SourceProvenance(file: "report.xml", format: .legacyXML, resourceReference: nil,
                                             location: "record 1 (line 4: (/a:Report/a:Result)[1])", recordKey: "xml:acme|R1"))
    }

    @Test("patient-id-system: a row of assigning-authorities.csv, else a URI as written, else the xml-authority prefix")
    func patientSystem() throws {
        let mapped = try only(read(report([result()]), tables: tables(authorities: "authority,system\nHOSP,https://hosp.example/sid/mrn\n")))
        #expect(mapped.patient.identifiers == [PatientIdentifier(system: "https://hosp.example/sid/mrn", value: "P-77")])
        let uri = try only(read(report([result()], patient: "<a:Patient id=\"P-77\" authority=\"urn:oid:1.2.3\"/>")))
        #expect(uri.patient.identifiers == [PatientIdentifier(system: "urn:oid:1.2.3", value: "P-77")])
        let none = try only(read(report([result()], patient: "<a:Patient id=\"P-77\"/>")))
        #expect(none.patient.identifiers == [PatientIdentifier(system: nil, value: "P-77")])
        let noRow = try only(read(report([result()]), tables: tables(acmeRows(["patient-id-system": nil]))))
        #expect(noRow.patient.identifiers == [PatientIdentifier(system: nil, value: "P-77")])
    }

    @Test("no patient identifier: counted no-subject, the patient's values never in the detail")
    func noPatient() throws {
        let item = try skipped(read(report([result()], patient: "<a:Patient authority=\"HOSP\"/>")))
        #expect(item.kind == .noSubject)
        #expect(item.detail == "albumin: patient-id: nothing at \"/a:Report/a:Patient/@id\"")
        #expect(item.location == "record 1 (line 4: (/a:Report/a:Result)[1])")
    }

    @Test("code-system: a literal XPath string, or none (then only rows with an empty system match)")
    func codeSystemLiteral() throws {
        let literal = try only(read(report([result(code: "<a:Code>1751-7</a:Code>")]), tables: tables(acmeRows(["code-system": "'http://loinc.org'"]))))
        #expect(literal.concept == .albumin)
        let item = try skipped(read(report([result(code: "<a:Code>1751-7</a:Code>")]), tables: tables(acmeRows(["code-system": nil]))))
        #expect(item.kind == .unmappedCode)
        #expect(item.detail == "no codes.csv row for |1751-7")
    }

    @Test("codes: missing, unmapped, deliberately rejected")
    func codes() throws {
        #expect(try skipped(read(report([result(code: "<a:Code system=\"LN\"/>")]))).detail == "code: nothing at \"a:Code\"")
        let unmapped = try skipped(read(report([result(code: "<a:Code system=\"LN\">4548-4</a:Code>")])))
        #expect(unmapped.kind == .unmappedCode)
        #expect(unmapped.detail == "no codes.csv row for http://loinc.org|4548-4")
        let rejected = try skipped(read(report([result(code: "<a:Code system=\"LN\">19177-5</a:Code>")])))
        #expect(rejected.kind == .unmappedCode)
        #expect(rejected.detail.contains("deliberately not used"))
    }

    @Test("units: free text through unit-spellings.csv, UCUM codes of units.csv, a unit inside the value, the code's default unit")
    func units() throws {
        func afp(_ value: String) throws -> TypedObservation {
            try only(read(report([result(code: "<a:Code system=\"LN\">1834-1</a:Code>", value: value)])))
        }
        #expect(try afp("<a:Value unit=\"IU/ml\">10</a:Value>").value.measurement?.value == 12.1)
        #expect(try afp("<a:Value unit=\"ug/L\">10</a:Value>").value.measurement?.value == 10)
        #expect(try afp("<a:Value unit=\"NG/ML\">10</a:Value>").value.measurement?.value == 10)
        let inline = try afp("<a:Value>10 kIU/L</a:Value>")
        #expect(inline.value.measurement?.value == 12.1)
        #expect(inline.original.unit == "kIU/L")
        let defaulted = try afp("<a:Value>10</a:Value>")
        #expect(defaulted.value.measurement == Measurement(10, .ngPerML))
        #expect(defaulted.original.unit == nil)
    }

    @Test("unit problems are counted: unknown, missing (no default), not convertible for the concept")
    func unitProblems() throws {
        let unknown = try skipped(read(report([result(value: "<a:Value unit=\"furlong\">3.9</a:Value>")])))
        #expect(unknown.kind == .unknownUnit)
        let missing = try skipped(read(report([result(value: "<a:Value>3.9</a:Value>")])))
        #expect(missing.kind == .missingUnit)
        let unconvertible = try skipped(read(report([result(value: "<a:Value unit=\"mg/dL\">3.9</a:Value>")])))
        #expect(unconvertible.kind == .unconvertibleUnit)
    }

    @Test("comparators: from the comparator XPath, or written before the number; different ones are refused")
    func comparators() throws {
        func crp(_ value: String) throws -> FHIRReadOutput {
            try read(report([result(code: "<a:Code system=\"LN\">1988-5</a:Code>", value: value)]))
        }
        #expect(try only(crp("<a:Value unit=\"mg/L\" comparator=\"&lt;\">5</a:Value>")).value.measurement == Measurement(5, .mgPerL, comparator: .lessThan))
        #expect(try only(crp("<a:Value unit=\"mg/L\">&gt;= 200</a:Value>")).value.measurement == Measurement(200, .mgPerL, comparator: .greaterOrEqual))
        #expect(try only(crp("<a:Value unit=\"mg/L\" comparator=\"=\">5</a:Value>")).value.measurement?.comparator == .equal)
        #expect(try skipped(crp("<a:Value unit=\"mg/L\" comparator=\"&gt;\">&lt;5</a:Value>")).kind == .nonNumericValue)
        #expect(try skipped(crp("<a:Value unit=\"mg/L\" comparator=\"lt\">5</a:Value>")).kind == .nonNumericValue)
    }

    @Test("text after the number must be the unit role's unit (or a known unit without one): never cut to the first number")
    func textAfterTheNumber() throws {
        for value in ["<a:Value unit=\"g/l\">3.8 g/dl</a:Value>", "<a:Value unit=\"g/dL\">3-4</a:Value>",
                      "<a:Value unit=\"g/dL\">3.8 x10</a:Value>", "<a:Value>3.8 per litre-ish</a:Value>"] {
            #expect(try skipped(read(report([result(value: value)]))).kind == .nonNumericValue, "\(value)")
        }
        #expect(try only(read(report([result(value: "<a:Value unit=\"g/dL\">3.8 g/dL</a:Value>")]))).value.measurement == Measurement(38, .gPerL))
    }

    @Test("two patient identifiers for one record: no-subject, never the first one")
    func severalPatientIdentifiers() throws {
        let two = "<a:Patient id=\"P-77\" authority=\"HOSP\"/><a:Patient id=\"P-78\" authority=\"HOSP\"/>"
        let item = try skipped(read(report([result()], patient: two)))
        #expect(item.kind == .noSubject)
        #expect(!item.detail.contains("P-77") && !item.detail.contains("P-78"))
        let twoAuthorities = try tables(acmeRows(["patient-id-system": "/a:Report/a:Issuer"]))
        let xml = report([result()], patient: "<a:Patient id=\"P-77\"/><a:Issuer>HOSP</a:Issuer><a:Issuer>OTHER</a:Issuer>")
        #expect(try skipped(read(xml, tables: twoAuthorities)).kind == .noSubject)
    }

    @Test("two values, units or comparators for one record: counted ambiguous, never the first one")
    func severalValues() throws {
        let values = try skipped(read(report([result(value: "<a:Value unit=\"g/dL\">3.9</a:Value><a:Value unit=\"g/dL\">2.1</a:Value>")])))
        #expect(values.kind == .nonNumericValue && values.detail.contains("ambiguous"))
        let units = try tables(acmeRows(["unit": "a:Unit"]))
        let twoUnits = report([result(value: "<a:Value>3.9</a:Value>", extra: "<a:Unit>g/dL</a:Unit><a:Unit>g/L</a:Unit>")])
        #expect(try skipped(read(twoUnits, tables: units)).kind == .nonNumericValue)
        #expect(try only(read(report([result(value: "<a:Value>3.9</a:Value>", extra: "<a:Unit>g/dL</a:Unit>")]), tables: units)).value.measurement == Measurement(39, .gPerL))
    }

    @Test("values that are no number, or absent, are counted")
    func valueProblems() throws {
        #expect(try skipped(read(report([result(value: "<a:Value unit=\"g/dL\">3,9</a:Value>")]))).kind == .nonNumericValue)
        #expect(try skipped(read(report([result(value: "<a:Value unit=\"g/dL\">normal</a:Value>")]))).kind == .nonNumericValue)
        let absent = try skipped(read(report([result(value: "")])))
        #expect(absent.kind == .noValue)
        #expect(absent.detail == "albumin: value: nothing at \"a:Value\"")
    }

    @Test("coded answers through values.csv with the value-system XPath")
    func coded() throws {
        let rows = acmeRows(["value-system": "a:Value/@system"])
        let code = "<a:Code system=\"{base}\">x</a:Code>"
        _ = code
        let site = try tables(rows).merging(codes: "system,code,concept\nurn:example:acme:codes,VASC,vascularization-pattern\n", codesFile: "c.csv",
                                            values: "concept,system,code,value\nvascularization-pattern,urn:example:acme:codes,V3,type-3\n", valuesFile: "v.csv")
        let xml = report([result(code: "<a:Code system=\"urn:example:acme:codes\">VASC</a:Code>", value: "<a:Value system=\"urn:example:acme:codes\">V3</a:Value>")])
        let o = try only(read(xml, tables: site))
        #expect(o.value == .coded("type-3"))
        let unmapped = report([result(code: "<a:Code system=\"urn:example:acme:codes\">VASC</a:Code>", value: "<a:Value system=\"urn:example:acme:codes\">V9</a:Value>")])
        #expect(try skipped(read(unmapped, tables: site)).kind == .unmappedValue)
    }

    @Test("record-id gives the record key; without it the file and record number do")
    func recordKey() throws {
        let o = try only(read(report([result(id: "LAB-0042")])))
        #expect(o.source.recordKey == "xml:acme|LAB-0042")
        let without = try only(read(report([result()]), tables: tables(acmeRows(["record-id": nil])), file: "in/r.xml"))
        #expect(without.source.recordKey == "xml:acme|in/r.xml#record-1")
    }

    @Test("several records: each counted, located by number and line")
    func severalRecords() throws {
        let out = try read(report([result(id: "A"), result(code: "<a:Code system=\"LN\">4548-4</a:Code>", id: "B"), result(id: "C")]))
        #expect(out.observations.map(\.source.recordKey) == ["xml:acme|A", "xml:acme|C"])
        #expect(out.observations[1].source.location == "record 3 (line 6: (/a:Report/a:Result)[3])")
        #expect(out.report.items.map(\.location) == ["record 2 (line 5: (/a:Report/a:Result)[2])"])
        #expect(out.report.resourcesByType == ["XML acme": 1, "acme record": 3])
        #expect(out.report.observationsProduced == 2)
    }

    @Test("a document with no record is reported, not silently empty")
    func noRecords() throws {
        let item = try skipped(read(report([])))
        #expect(item.kind == .noValue)
        #expect(item.location == "document")
        #expect(item.detail.contains("/a:Report/a:Result"))
    }
}
