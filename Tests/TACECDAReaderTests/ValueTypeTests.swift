import Testing
import TACEFHIRReader
import TACEMappings
import TACEModel
@testable import TACECDAReader

/// Every observation value type TACEBridge reads, and the ones it counts instead.
@Suite("CDA value types and units")
struct ValueTypeTests {
    // MARK: PQ

    @Test func pqIsConvertedToTheCanonicalUnitAndKeepsWhatWasWritten() throws {
        let o = try only(readOne(observation(value: #"<value xsi:type="PQ" value="3.9" unit="g/dL"/>"#)))
        #expect(o.concept == .albumin)
        #expect(o.value.measurement == Measurement(39, .gPerL))
        #expect(o.original.valueText == "3.9" && o.original.unit == "g/dL")
        #expect(o.original.system == "http://loinc.org" && o.original.code == "1751-7")
        #expect(o.conversion?.factor == 10)
        #expect(o.source.format == .cda)
    }

    @Test func bilirubinInMgPerDLBecomesMicromolesPerLitre() throws {
        let o = try only(readOne(observation(code: "1975-2", value: #"<value xsi:type="PQ" value="0.9" unit="mg/dL"/>"#)))
        let value = try #require(o.value.measurement?.value)
        #expect(abs(value - 0.9 * 17.104) < 1e-9)
        #expect(o.value.measurement?.unit == .umolPerL)
    }

    @Test func pqWithExponentIsANumber() throws {
        let o = try only(readOne(observation(code: "1834-1", value: #"<value xsi:type="PQ" value="1.2e3" unit="ng/mL"/>"#)))
        #expect(o.value.measurement == Measurement(1200, .ngPerML))
        #expect(o.original.valueText == "1.2e3")
    }

    @Test func pqWithoutUnitTakesTheCodesDefaultUnitOnly() throws {
        // AFP mass (1834-1) has default_unit ng/mL; albumin has none, so it is counted, not guessed.
        let afp = try only(readOne(observation(code: "1834-1", value: #"<value xsi:type="PQ" value="182"/>"#)))
        #expect(afp.value.measurement == Measurement(182, .ngPerML))
        #expect(afp.original.unit == nil)
        let albumin = try onlySkip(readOne(observation(value: #"<value xsi:type="PQ" value="3.9"/>"#)))
        #expect(albumin.kind == .missingUnit)
    }

    @Test func unknownAndUnconvertibleUnitsAreCountedByKind() throws {
        #expect(try onlySkip(readOne(observation(value: #"<value xsi:type="PQ" value="3.9" unit="gram-ish"/>"#))).kind == .unknownUnit)
        #expect(try onlySkip(readOne(observation(value: #"<value xsi:type="PQ" value="3.9" unit="U/L"/>"#))).kind == .unconvertibleUnit)
    }

    @Test func pqValueThatIsNoNumberIsNonNumeric() throws {
        for bad in ["3,9", "NaN", "", "0x10", "1e"] {
            let item = try onlySkip(readOne(observation(value: "<value xsi:type=\"PQ\" value=\"\(bad)\" unit=\"g/dL\"/>")))
            #expect(item.kind == .nonNumericValue, "\(bad)")
        }
    }

    @Test func prefixedXsiTypeIsRead() throws {
        let o = try only(readOne(observation(value: #"<value xsi:type="v3:PQ" xmlns:v3="urn:hl7-org:v3" value="40" unit="g/L"/>"#)))
        #expect(o.value.measurement == Measurement(40, .gPerL))
    }

    // MARK: IVL_PQ

    func ivl(_ inner: String, code: String = "1834-1") throws -> FHIRReadOutput {
        try readOne(observation(code: code, value: "<value xsi:type=\"IVL_PQ\">\(inner)</value>"))
    }

    @Test func ivlWithOnlyALowBoundIsGreaterOrEqualOrGreater() throws {
        #expect(try only(ivl(#"<low value="500" unit="ng/mL"/>"#)).value.measurement == Measurement(500, .ngPerML, comparator: .greaterOrEqual))
        #expect(try only(ivl(#"<low value="500" unit="ng/mL" inclusive="false"/>"#)).value.measurement == Measurement(500, .ngPerML, comparator: .greaterThan))
        // The corpus shape: high nullFlavor="PINF".
        let open = try only(ivl(#"<low value="500" unit="ng/mL" inclusive="false"/><high nullFlavor="PINF"/>"#))
        #expect(open.value.measurement == Measurement(500, .ngPerML, comparator: .greaterThan))
        #expect(open.original.valueText == "500")
    }

    @Test func ivlWithOnlyAHighBoundIsLessOrEqualOrLess() throws {
        #expect(try only(ivl(#"<high value="2" unit="ng/mL"/>"#)).value.measurement == Measurement(2, .ngPerML, comparator: .lessOrEqual))
        #expect(try only(ivl(#"<low nullFlavor="NINF"/><high value="2" unit="ng/mL" inclusive="false"/>"#)).value.measurement
                == Measurement(2, .ngPerML, comparator: .lessThan))
    }

    @Test func ivlFromZeroIsTheUpperBound() throws {
        // C-CDA's "less than" example: low 0 inclusive, high 5 inclusive = at most 5.
        let o = try only(ivl(#"<low value="0" unit="ng/mL" inclusive="true"/><high value="5" unit="ng/mL" inclusive="true"/>"#))
        #expect(o.value.measurement == Measurement(5, .ngPerML, comparator: .lessOrEqual))
    }

    @Test func ivlWithTwoDifferentBoundsIsARangeNotAValue() throws {
        let item = try onlySkip(ivl(#"<low value="10" unit="ng/mL"/><high value="20" unit="ng/mL"/>"#))
        #expect(item.kind == .nonNumericValue)
        #expect(item.detail.contains("range"))
        #expect(try onlySkip(ivl(#"<center value="10" unit="ng/mL"/>"#)).kind == .nonNumericValue)
        #expect(try onlySkip(ivl(#"<low nullFlavor="NINF"/><high nullFlavor="PINF"/>"#)).kind == .nonNumericValue)
        #expect(try onlySkip(ivl(#"<low value="ten" unit="ng/mL"/>"#)).kind == .nonNumericValue)
    }

    @Test func ivlWithEqualInclusiveBoundsIsThatValue() throws {
        #expect(try only(ivl(#"<low value="7" unit="ng/mL"/><high value="7" unit="ng/mL"/>"#)).value.measurement == Measurement(7, .ngPerML))
    }

    @Test func ivlBoundUnitIsConverted() throws {
        let o = try only(ivl(#"<low value="4" unit="g/dL" inclusive="false"/>"#, code: "1751-7"))
        #expect(o.value.measurement == Measurement(40, .gPerL, comparator: .greaterThan))
    }

    // MARK: INT, REAL, ST

    @Test func intIsACountInTheCodesDefaultUnit() throws {
        let o = try only(readOne(observation(code: "tumor-count", system: imaging, value: #"<value xsi:type="INT" value="3"/>"#)))
        #expect(o.concept == .tumorCount)
        #expect(o.value.measurement == Measurement(3, .count))
        #expect(try onlySkip(readOne(observation(code: "tumor-count", system: imaging, value: #"<value xsi:type="INT" value="2.5"/>"#))).kind == .nonNumericValue)
    }

    @Test func realIsANumber() throws {
        let o = try only(readOne(observation(code: "viable-tumor-percent", system: imaging, value: #"<value xsi:type="REAL" value="42.5"/>"#)))
        #expect(o.value.measurement == Measurement(42.5, .percent))
    }

    @Test func stringWithComparatorAndUnitIsANumber() throws {
        let afp = try only(readOne(observation(code: "1834-1", value: #"<value xsi:type="ST">&gt;60500</value>"#)))
        #expect(afp.value.measurement == Measurement(60500, .ngPerML, comparator: .greaterThan))
        let bili = try only(readOne(observation(code: "1975-2", value: #"<value xsi:type="ST"> 1.2 mg/dl </value>"#)))
        #expect(bili.original.unit == "mg/dl")
        #expect(bili.value.measurement?.unit == .umolPerL)
    }

    @Test func stringThatIsNoNumberIsNonNumeric() throws {
        let item = try onlySkip(readOne(observation(code: "1834-1", value: #"<value xsi:type="ST">not detected</value>"#)))
        #expect(item.kind == .nonNumericValue)
        #expect(!item.detail.contains("detected"))  // the text itself is never echoed
    }

    // MARK: Coded values

    @Test func codedValueGoesThroughValuesCSV() throws {
        let o = try only(readOne(observation(code: "vascularization-pattern", system: imaging,
                                             value: "<value xsi:type=\"CD\" code=\"type-3\" codeSystem=\"\(project).2.1\"/>")))
        #expect(o.concept == .vascularizationPattern)
        #expect(o.value == .coded("type-3"))
        #expect(o.original.system == "https://tacebridge.org/fhir/CodeSystem/hcc-imaging" && o.original.valueText == "type-3")
    }

    @Test func mrecistResponseIsACodedImagingFinding() throws {
        let o = try only(readOne(observation(code: "mrecist-response", system: imaging,
                                             value: "<value xsi:type=\"CD\" code=\"PR\" codeSystem=\"\(project).2.2\"/>")))
        #expect(o.concept == .mrecistResponse && o.value == .coded("PR"))
    }

    @Test func codedValueTranslationIsTriedAfterTheCode() throws {
        let value = "<value xsi:type=\"CE\" code=\"LOCAL-V3\" codeSystem=\"2.999.77\"><translation code=\"Vp2\" codeSystem=\"\(project).2.3\"/></value>"
        let o = try only(readOne(observation(code: "portal-vein-invasion", system: imaging, value: value)))
        #expect(o.value == .coded("Vp2"))
    }

    @Test func codedValueNotInValuesCSVIsUnmappedValue() throws {
        let item = try onlySkip(readOne(observation(code: "mrecist-response", system: imaging,
                                                   value: #"<value xsi:type="CD" code="XX" codeSystem="2.999.77"/>"#)))
        #expect(item.kind == .unmappedValue)
        #expect(item.detail.contains("urn:oid:2.999.77|XX"))
    }

    @Test func aSiteMapsItsLocalAnswerCodesByOID() throws {
        let tables = try MappingTables.defaults().merging(codes: nil, codesFile: "",
                                                         values: "concept,system,code,value\nextrahepatic-spread,urn:oid:2.999.77,NEG,absent\n",
                                                         valuesFile: "site/values.csv")
        let o = try only(readOne(observation(code: "extrahepatic-spread", system: imaging,
                                             value: #"<value xsi:type="CD" code="NEG" codeSystem="2.999.77"/>"#), mappings: tables))
        #expect(o.value == .coded("absent"))
    }

    @Test func wrongKindOfValueForTheConceptIsUnsupported() throws {
        #expect(try onlySkip(readOne(observation(code: "vascularization-pattern", system: imaging,
                                                 value: #"<value xsi:type="PQ" value="3" unit="1"/>"#))).kind == .unsupportedValueType)
        #expect(try onlySkip(readOne(observation(value: #"<value xsi:type="CD" code="H" codeSystem="2.999.77"/>"#))).kind == .unsupportedValueType)
        #expect(try onlySkip(readOne(observation(value: ##"<value xsi:type="ED"><reference value="#t1"/></value>"##))).kind == .unsupportedValueType)
        #expect(try onlySkip(readOne(observation(value: #"<value xsi:type="BL" value="true"/>"#))).kind == .unsupportedValueType)
        #expect(try onlySkip(readOne(observation(value: #"<value value="3.9" unit="g/dL"/>"#))).kind == .unsupportedValueType)
    }

    // MARK: nullFlavor, missing and repeated values

    @Test func nullFlavorIsCountedNeverAValue() throws {
        for flavor in ["NA", "NI", "UNK", "ASKU", "MSK"] {
            let item = try onlySkip(readOne(observation(value: "<value xsi:type=\"PQ\" nullFlavor=\"\(flavor)\"/>")))
            #expect(item.kind == .dataAbsent, "\(flavor)")
        }
        // Even with a value attribute beside it, the nullFlavor wins.
        #expect(try onlySkip(readOne(observation(value: #"<value xsi:type="PQ" nullFlavor="UNK" value="3.9" unit="g/dL"/>"#))).kind == .dataAbsent)
    }

    @Test func nullFlavorOtherWithATranslationIsReadFromTheTranslation() throws {
        // C-CDA's non-UCUM unit: PQ nullFlavor OTH, the number and unit text in a PQR translation.
        let nonUCUM = #"<value xsi:type="PQ" nullFlavor="OTH"><translation value="3.9" nullFlavor="OTH"><originalText>g/dl</originalText></translation></value>"#
        let o = try only(readOne(observation(value: nonUCUM)))
        #expect(o.value.measurement == Measurement(39, .gPerL))
        #expect(o.original.unit == "g/dl")
        let unknown = #"<value xsi:type="PQ" nullFlavor="OTH"><translation value="152" nullFlavor="OTH"><originalText>THOUS/MCL</originalText></translation></value>"#
        #expect(try onlySkip(readOne(observation(code: "26515-7", value: unknown))).kind == .unknownUnit)
        // OTH without any translation stays absent.
        #expect(try onlySkip(readOne(observation(value: #"<value xsi:type="PQ" nullFlavor="OTH"/>"#))).kind == .dataAbsent)
    }

    @Test func nullFlavorOtherWithConflictingTranslationsIsCountedNotTheFirst() throws {
        func oth(_ translations: String) -> String { #"<value xsi:type="PQ" nullFlavor="OTH">"# + translations + "</value>" }
        let a = #"<translation value="3.9" nullFlavor="OTH"><originalText>g/dl</originalText></translation>"#
        let b = #"<translation value="2.1" nullFlavor="OTH"><originalText>g/dl</originalText></translation>"#
        let c = #"<translation value="3.9" code="mg/dL" codeSystem="2.16.840.1.113883.6.8"/>"#
        for conflicting in [a + b, b + a, a + c] {
            let item = try onlySkip(readOne(observation(value: oth(conflicting))))
            #expect(item.kind == .nonNumericValue && item.detail.contains("2 translations"))
        }
        // The same translation written twice is one value.
        #expect(try only(readOne(observation(value: oth(a + a)))).value.measurement == Measurement(39, .gPerL))
        // A translation without a number beside one with a number: the one with the number.
        let noNumber = #"<translation nullFlavor="OTH"><originalText>g/dl</originalText></translation>"#
        #expect(try only(readOne(observation(value: oth(noNumber + a)))).value.measurement == Measurement(39, .gPerL))
    }

    @Test func noValueAndTwoValuesAreCounted() throws {
        #expect(try onlySkip(readOne(observation(value: ""))).kind == .noValue)
        let two = #"<value xsi:type="PQ" value="3.9" unit="g/dL"/><value xsi:type="PQ" value="4.0" unit="g/dL"/>"#
        #expect(try onlySkip(readOne(observation(value: two))).kind == .nonNumericValue)
    }

    // MARK: Codes

    @Test func codeWithBlanksAndTranslationsMaps() throws {
        let padded = observation(code: "1751-7 ", value: #"<value xsi:type="PQ" value="4" unit="g/dL"/>"#)
        #expect(try only(readOne(padded)).concept == .albumin)
        let translated = """
        <observation classCode="OBS" moodCode="EVN"><code code="ALB" codeSystem="2.999.77"><translation code="1751-7" codeSystem="\(loinc)"/></code>
        <statusCode code="completed"/><effectiveTime value="20250106"/><value xsi:type="PQ" value="4" unit="g/dL"/></observation>
        """
        let o = try only(readOne(translated))
        #expect(o.original.code == "1751-7")
    }

    @Test func unmappedAndRejectedCodesAreCountedWithTheirSystem() throws {
        let unmapped = try onlySkip(readOne(observation(code: "2345-7", value: #"<value xsi:type="PQ" value="5" unit="mmol/L"/>"#)))
        #expect(unmapped.kind == .unmappedCode && unmapped.detail.contains("http://loinc.org|2345-7"))
        let rejected = try onlySkip(readOne(observation(code: "19177-5", value: #"<value xsi:type="PQ" value="5" unit="nmol/L"/>"#)))
        #expect(rejected.kind == .unmappedCode && rejected.detail.contains("deliberately not used"))
        let unknownSystem = try onlySkip(readOne(observation(code: "AFP", system: "2.999.77", value: #"<value xsi:type="PQ" value="5" unit="ng/mL"/>"#)))
        #expect(unknownSystem.detail.contains("urn:oid:2.999.77|AFP"))
    }

    @Test func aSiteMapsALocalCodeByOIDRowOrByURN() throws {
        let byURN = try MappingTables.defaults().merging(codes: "system,code,concept,default_unit\nurn:oid:2.999.77,AFP,afp,ng/mL\n",
                                                        codesFile: "site/codes.csv", values: nil, valuesFile: "")
        let o = try only(readOne(observation(code: "AFP", system: "2.999.77", value: #"<value xsi:type="PQ" value="12"/>"#), mappings: byURN))
        #expect(o.value.measurement == Measurement(12, .ngPerML))
        let byOIDRow = try byURN.mergingCodeSystemOIDs("oid,system\n2.999.78,urn:oid:2.999.77\n", file: "site/code-system-oids.csv")
        #expect(try only(readOne(observation(code: "AFP", system: "2.999.78", value: #"<value xsi:type="PQ" value="12"/>"#), mappings: byOIDRow)).concept == .afp)
    }

    @Test func interpretationIsKeptAsANote() throws {
        let o = try only(readOne(observation(value: #"<value xsi:type="PQ" value="3.1" unit="g/dL"/>"#,
                                             extra: #"<interpretationCode code="L" codeSystem="2.16.840.1.113883.5.83"/>"#)))
        #expect(o.notes == ["interpretation: L"])
    }
}
