import Testing
import TACEFHIRReader
import TACEMappings
import TACEModel
@testable import TACEHL7v2Reader

@Suite("OBX value types become canonical values")
struct ValueTypeTests {
    @Test func numericAlbuminInGramsPerDeciliterIsConvertedToGramsPerLiter() throws {
        let o = try only(read(oru("NM|1751-7^Albumin^LN||3.5|g/dL^^UCUM|||||F")))
        #expect(o.concept == .albumin)
        #expect(o.value.measurement == Measurement(35, .gPerL))
        #expect(o.original.valueText == "3.5")
        #expect(o.original.unit == "g/dL")
        #expect(o.conversion?.from == .gPerDL)
    }

    @Test func structuredNumericWithComparatorKeepsTheComparator() throws {
        let o = try only(read(oru("SN|1834-1^AFP^LN||>^60500|ng/mL^^UCUM|||||F")))
        #expect(o.value.measurement == Measurement(60500, .ngPerML, comparator: .greaterThan))
    }

    @Test func structuredNumericWithEmptyComparatorIsAnExactValue() throws {
        let o = try only(read(oru("SN|1742-6^ALT^LN||^200|U/L|||||F")))
        #expect(o.value.measurement == Measurement(200, .unitsPerL))
    }

    @Test func structuredNumericRangeIsNotASingleValueAndIsCounted() throws {
        let out = try read(oru("SN|1742-6^ALT^LN||^10^-^20|U/L|||||F"))
        #expect(out.observations.isEmpty)
        #expect(out.report.skippedByKind[.nonNumericValue] == 1)
        #expect(out.report.items.first?.detail.contains("range") == true)
    }

    @Test func structuredNumericRatioIsCounted() throws {
        let out = try read(oru("SN|1742-6^ALT^LN||^1^:^128|U/L|||||F"))
        #expect(out.observations.isEmpty && out.report.skippedByKind[.nonNumericValue] == 1)
    }

    @Test func stringResultWithComparatorIsReadAsACensoredNumber() throws {
        let o = try only(read(oru("ST|1834-1^AFP^LN||>60500|ng/mL|||||F")))
        #expect(o.value.measurement == Measurement(60500, .ngPerML, comparator: .greaterThan))
    }

    @Test func textResultWithUnitInsideTheTextUsesThatUnit() throws {
        let o = try only(read(oru("TX|1975-2^Bilirubin^LN||1.2 mg/dL||||||F")))
        #expect(o.concept == .bilirubinTotal)
        #expect(abs((quantity(o) ?? 0) - 20.5248) < 0.01)
    }

    @Test func textWithMoreThanANumberNextToAnOBX6UnitIsCountedNotCutToItsFirstNumber() throws {
        for value in ["10-20", "1:128", "100 x10^3", "<5^10", "5 IU/mL", "3\\.br\\5"] {
            let out = try read(oru("ST|1834-1^AFP^LN||\(value)|ng/mL^^UCUM|||||F"))
            #expect(out.observations.isEmpty, "\(value) must not become its first number")
            #expect(out.report.skippedByKind[.nonNumericValue] == 1, "\(value)")
        }
    }

    @Test func textWithTheSameUnitAsOBX6IsRead() throws {
        let o = try only(read(oru("ST|1834-1^AFP^LN||< 5 ng/mL|ng/mL^^UCUM|||||F")))
        #expect(o.value.measurement == Measurement(5, .ngPerML, comparator: .lessThan))
    }

    @Test func textWithAnUnknownUnitAndNoOBX6IsCounted() throws {
        let out = try read(oru("ST|1834-1^AFP^LN||10-20||||||F"))
        #expect(out.observations.isEmpty && out.report.skippedByKind[.nonNumericValue] == 1)
    }

    @Test func formattedTextThatIsNotANumberIsCounted() throws {
        let out = try read(oru("FT|1834-1^AFP^LN||see report|ng/mL|||||F"))
        #expect(out.observations.isEmpty && out.report.skippedByKind[.nonNumericValue] == 1)
        #expect(!(out.report.items.first?.detail.contains("see report") ?? true), "result text must not be echoed")
    }

    @Test func numericFieldWithTextIsCountedNotGuessed() throws {
        let out = try read(oru("NM|1834-1^AFP^LN||>60500|ng/mL|||||F"))
        #expect(out.observations.isEmpty && out.report.skippedByKind[.nonNumericValue] == 1)
    }

    @Test func codedAnswerGoesThroughValuesTable() throws {
        let tables = try MappingTables.defaults().merging(
            codes: "system,code,concept\nL,VASC,vascularization-pattern\n", codesFile: "site/codes.csv",
            values: "concept,system,code,value\nvascularization-pattern,99IMG,T3,type-3\n", valuesFile: "site/values.csv")
        let o = try only(read(oru("CWE|VASC^Vascularization^L||T3^Type 3^99IMG||||||F"), mappings: tables))
        #expect(o.value == .coded("type-3"))
        for type in ["CE", "CNE"] {
            let p = try only(read(oru("\(type)|VASC^Vascularization^L||T3^Type 3^99IMG||||||F"), mappings: tables))
            #expect(p.value == .coded("type-3"))
        }
    }

    @Test func codedAnswerNotInValuesTableIsCounted() throws {
        let tables = try MappingTables.defaults().merging(
            codes: "system,code,concept\nL,VASC,vascularization-pattern\n", codesFile: "site/codes.csv", values: nil, valuesFile: "")
        let out = try read(oru("CWE|VASC^Vascularization^L||T9^Other^99IMG||||||F"), mappings: tables)
        #expect(out.observations.isEmpty && out.report.skippedByKind[.unmappedValue] == 1)
    }

    @Test func encapsulatedDataForALabIsAnUnsupportedValueType() throws {
        let out = try read(oru("ED|1834-1^AFP^LN||^AP^PDF^Base64^AAAA||||||F"))
        #expect(out.observations.isEmpty && out.report.skippedByKind[.unsupportedValueType] == 1)
    }

    @Test func emptyOrNullValueIsCountedAsNoValue() throws {
        for value in ["", "\"\""] {
            let out = try read(oru("NM|1834-1^AFP^LN||\(value)|ng/mL|||||F"))
            #expect(out.observations.isEmpty && out.report.skippedByKind[.noValue] == 1)
        }
    }

    @Test func repeatedValueIsNotOneResult() throws {
        let out = try read(oru("NM|1834-1^AFP^LN||27~25|ng/mL|||||F"))
        #expect(out.observations.isEmpty && out.report.skippedByKind[.nonNumericValue] == 1)
    }
}

@Suite("OBX-6 units")
struct UnitTests {
    @Test func ucumCodedUnitIsResolvedAsUCUM() throws {
        let o = try only(read(oru("NM|26515-7^Platelets^LN||210000|{cells}/uL^cells per microliter^UCUM|||||F")))
        #expect(o.value.measurement == Measurement(210, .perNanoliter))
    }

    @Test func unitWithoutCodingSystemIsResolvedAsText() throws {
        let o = try only(read(oru("NM|26515-7^Platelets^LN||150|K/uL|||||F")))
        #expect(o.value.measurement == Measurement(150, .perNanoliter))
    }

    @Test func unitTextComponentIsTriedWhenTheCodeIsLocal() throws {
        let o = try only(read(oru("NM|1751-7^Albumin^LN||38|GL^g/L^99U|||||F")))
        #expect(o.value.measurement == Measurement(38, .gPerL))
    }

    @Test func missingUnitUsesTheCodesDefaultUnit() throws {
        let o = try only(read(oru("NM|1834-1^AFP^LN||12.5||||||F")))
        #expect(o.value.measurement == Measurement(12.5, .ngPerML))
    }

    @Test func missingUnitWithoutDefaultIsCounted() throws {
        let out = try read(oru("NM|1751-7^Albumin^LN||38||||||F"))
        #expect(out.observations.isEmpty && out.report.skippedByKind[.missingUnit] == 1)
    }

    @Test func unknownUnitIsCounted() throws {
        let out = try read(oru("NM|1751-7^Albumin^LN||38|furlongs^^UCUM|||||F"))
        #expect(out.observations.isEmpty && out.report.skippedByKind[.unknownUnit] == 1)
    }

    @Test func knownButUnconvertibleUnitIsCounted() throws {
        let out = try read(oru("NM|1751-7^Albumin^LN||38|U/L^^UCUM|||||F"))
        #expect(out.observations.isEmpty && out.report.skippedByKind[.unconvertibleUnit] == 1)
    }
}
