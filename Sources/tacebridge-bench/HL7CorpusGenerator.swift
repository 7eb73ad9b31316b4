/// Generates synthetic HL7 v2.5.1 ORU^R01 lab messages in the shapes real lab feeds send: MSH, PID
/// (two identifiers, name, address), PV1, ORC, then two to four OBR panels with 10-30 OBX in all
/// (NM, SN, ST and CWE values; LOINC codes that map to TACEBridge concepts and routine ones that do
/// not; local alternate codes; UCUM units and unit text), NTE comments after some results and some
/// panels, times with offsets, mostly final results with some corrected and preliminary ones.
/// CR-terminated segments. Deterministic (seeded) so that figures are comparable between runs.
/// All data are invented.
struct HL7CorpusGenerator {
    var random = SplitMix(seed: 0x4C7_2026_0E77_ACE0)

    /// One OBX template: value type, LOINC code and name, local code, unit (code, text, system) and
    /// the value range or the fixed answers of the generated results.
    struct Test {
        var type: String
        var loinc: String
        var name: String
        var local: String
        var unit: (code: String, text: String, system: String)?
        var low: Double
        var high: Double
        var decimals: Int
        var answers: [String] = []
    }

    /// Panels: OBR-4 code and name, and the tests reported under it. About half of the codes map to
    /// concepts (albumin, bilirubin, AST, ALT, GGT, INR, platelets, neutrophils, lymphocytes, AFP, CRP).
    static let panels: [(code: String, name: String, tests: [Test])] = [
        ("24325-3", "Hepatic function panel", [
            Test(type: "NM", loinc: "1751-7", name: "Albumin [Mass/volume] in Serum or Plasma", local: "ALB", unit: ("g/dL", "gram per deciliter", "UCUM"), low: 2.4, high: 4.9, decimals: 1),
            Test(type: "NM", loinc: "1975-2", name: "Bilirubin.total [Mass/volume] in Serum or Plasma", local: "TBIL", unit: ("mg/dL", "milligram per deciliter", "UCUM"), low: 0.2, high: 4.0, decimals: 1),
            Test(type: "NM", loinc: "1968-7", name: "Bilirubin.direct [Mass/volume] in Serum or Plasma", local: "DBIL", unit: ("mg/dL", "milligram per deciliter", "UCUM"), low: 0.0, high: 1.5, decimals: 1),
            Test(type: "NM", loinc: "1920-8", name: "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma", local: "AST", unit: ("U/L", "unit per liter", "UCUM"), low: 12, high: 240, decimals: 0),
            Test(type: "NM", loinc: "1742-6", name: "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma", local: "ALT", unit: ("U/L", "unit per liter", "UCUM"), low: 8, high: 220, decimals: 0),
            Test(type: "NM", loinc: "2324-2", name: "Gamma glutamyl transferase [Enzymatic activity/volume] in Serum or Plasma", local: "GGT", unit: ("U/L", "unit per liter", "UCUM"), low: 10, high: 400, decimals: 0),
            Test(type: "NM", loinc: "6768-6", name: "Alkaline phosphatase [Enzymatic activity/volume] in Serum or Plasma", local: "ALP", unit: ("U/L", "unit per liter", "UCUM"), low: 35, high: 300, decimals: 0),
            Test(type: "NM", loinc: "2885-2", name: "Protein [Mass/volume] in Serum or Plasma", local: "TP", unit: ("g/dL", "gram per deciliter", "UCUM"), low: 5.5, high: 8.5, decimals: 1),
        ]),
        ("58410-2", "CBC panel - Blood by Automated count", [
            Test(type: "NM", loinc: "6690-2", name: "Leukocytes [#/volume] in Blood by Automated count", local: "WBC", unit: ("10*3/uL", "thousand per microliter", "UCUM"), low: 2.5, high: 14, decimals: 1),
            Test(type: "NM", loinc: "718-7", name: "Hemoglobin [Mass/volume] in Blood", local: "HGB", unit: ("g/dL", "gram per deciliter", "UCUM"), low: 8, high: 17, decimals: 1),
            Test(type: "NM", loinc: "4544-3", name: "Hematocrit [Volume Fraction] of Blood by Automated count", local: "HCT", unit: ("%", "percent", "UCUM"), low: 25, high: 52, decimals: 1),
            Test(type: "NM", loinc: "777-3", name: "Platelets [#/volume] in Blood by Automated count", local: "PLT", unit: ("10*3/uL", "thousand per microliter", "UCUM"), low: 40, high: 420, decimals: 0),
            Test(type: "NM", loinc: "751-8", name: "Neutrophils [#/volume] in Blood by Automated count", local: "NEUT", unit: ("10*3/uL", "thousand per microliter", "UCUM"), low: 1, high: 9, decimals: 2),
            Test(type: "NM", loinc: "731-0", name: "Lymphocytes [#/volume] in Blood by Automated count", local: "LYMPH", unit: ("10*3/uL", "thousand per microliter", "UCUM"), low: 0.5, high: 4, decimals: 2),
        ]),
        ("34528-0", "PT and aPTT panel - Platelet poor plasma by Coagulation assay", [
            Test(type: "NM", loinc: "6301-6", name: "INR in Platelet poor plasma by Coagulation assay", local: "INR", unit: ("{INR}", "INR", "UCUM"), low: 0.9, high: 2.4, decimals: 2),
            Test(type: "NM", loinc: "5902-2", name: "Prothrombin time (PT)", local: "PT", unit: ("s", "second", "UCUM"), low: 10, high: 24, decimals: 1),
            Test(type: "NM", loinc: "14979-9", name: "aPTT in Platelet poor plasma by Coagulation assay", local: "APTT", unit: ("s", "second", "UCUM"), low: 24, high: 45, decimals: 1),
        ]),
        ("24362-6", "Renal function panel - Serum or Plasma", [
            Test(type: "NM", loinc: "2951-2", name: "Sodium [Moles/volume] in Serum or Plasma", local: "NA", unit: ("mmol/L", "millimole per liter", "UCUM"), low: 128, high: 146, decimals: 0),
            Test(type: "NM", loinc: "2823-3", name: "Potassium [Moles/volume] in Serum or Plasma", local: "K", unit: ("mmol/L", "millimole per liter", "UCUM"), low: 3.1, high: 5.6, decimals: 1),
            Test(type: "NM", loinc: "2160-0", name: "Creatinine [Mass/volume] in Serum or Plasma", local: "CREA", unit: ("mg/dL", "milligram per deciliter", "UCUM"), low: 0.5, high: 2.5, decimals: 2),
            Test(type: "NM", loinc: "3094-0", name: "Urea nitrogen [Mass/volume] in Serum or Plasma", local: "BUN", unit: ("mg/dL", "milligram per deciliter", "UCUM"), low: 6, high: 40, decimals: 0),
            Test(type: "NM", loinc: "1988-5", name: "C reactive protein [Mass/volume] in Serum or Plasma", local: "CRP", unit: ("mg/L", "milligram per liter", "UCUM"), low: 0.5, high: 80, decimals: 1),
        ]),
        ("96451-0", "Tumor markers - Serum or Plasma", [
            Test(type: "SN", loinc: "1834-1", name: "Alpha-1-Fetoprotein [Mass/volume] in Serum or Plasma", local: "AFP", unit: ("ng/mL", "nanogram per milliliter", "UCUM"), low: 2, high: 9000, decimals: 1),
            Test(type: "ST", loinc: "19176-7", name: "Alpha-1-Fetoprotein [Units/volume] in Serum or Plasma", local: "AFPIU", unit: ("IU/mL", "IU/mL", "L"), low: 1, high: 7000, decimals: 1),
            Test(type: "NM", loinc: "2039-6", name: "Carcinoembryonic Ag [Mass/volume] in Serum or Plasma", local: "CEA", unit: ("ng/mL", "nanogram per milliliter", "UCUM"), low: 0.5, high: 20, decimals: 1),
        ]),
        ("4433-5", "Hepatitis serology panel", [
            Test(type: "CWE", loinc: "5196-1", name: "Hepatitis B virus surface Ag [Presence] in Serum", local: "HBSAG", unit: nil, low: 0, high: 0, decimals: 0,
                 answers: ["260385009^Negative^SCT^NEG^Negative^L", "10828004^Positive^SCT^POS^Positive^L"]),
            Test(type: "CWE", loinc: "16128-1", name: "Hepatitis C virus Ab [Presence] in Serum", local: "HCVAB", unit: nil, low: 0, high: 0, decimals: 0,
                 answers: ["260385009^Negative^SCT^NEG^Negative^L", "10828004^Positive^SCT^POS^Positive^L"]),
            Test(type: "ST", loinc: "8251-1", name: "Service comment", local: "CMT", unit: nil, low: 0, high: 0, decimals: 0,
                 answers: ["Specimen received in good condition", "Slightly hemolyzed specimen", "Repeat testing confirmed"]),
        ]),
    ]

    /// Writes messages until at least `targetBytes` bytes exist; returns the messages and OBX written.
    mutating func generate(targetBytes: Int) -> (bytes: [UInt8], messages: Int, results: Int) {
        var out: [UInt8] = []
        out.reserveCapacity(targetBytes + 16 << 10)
        var messages = 0, results = 0
        while out.count < targetBytes {
            messages += 1
            results += message(messages, into: &out)
        }
        return (out, messages, results)
    }

    /// Appends message number `n`; returns its OBX count.
    mutating func message(_ n: Int, into out: inout [UInt8]) -> Int {
        let patient = 100_000 + Int(random.next() % 40_000)
        let day = 1 + Int(random.next() % 28), month = 1 + Int(random.next() % 12)
        let date = "2024" + two(month) + two(day)
        let drawn = date + two(6 + Int(random.next() % 4)) + two(Int(random.next() % 60)) + "00+0100"
        let reported = date + "1" + String(random.next() % 10) + two(Int(random.next() % 60)) + "00+0100"
        var m = "MSH|^~\\&|LABSYS^2.16.840.1.113883.3.72.7.1^ISO|CENTRAL LAB^2.16.840.1.113883.3.72.7.2^ISO|TACEBRIDGE|ONCOLOGY|"
            + reported + "||ORU^R01^ORU_R01|MSG\(n)|P|2.5.1|||AL|NE||UNICODE UTF-8\r"
        m += "PID|1||\(patient)^^^HOSP&2.16.840.1.113883.19.3.2.1&ISO^MR~\(patient)9876^^^NAT^NI||Synthetic\(patient % 997)^Bench^A^^^^L||1955"
            + two(1 + patient % 12) + "15|" + (patient % 2 == 0 ? "F" : "M") + "|||\(patient % 500) Main St^^Springfield^ST^12345^USA^H||555-0100\r"
        m += "PV1|1|O|ONC^101^1^HOSP||||1234^Doctor^Alan^^^^^^HOSP&2.16.840.1.113883.19.4.6&ISO|||||||||||V\(n)\r"
        m += "ORC|RE|ORD\(n)^EHR^2.16.840.1.113883.3.72.5.24^ISO|FIL\(n)^LAB^2.16.840.1.113883.3.72.5.25^ISO||CM\r"
        // Two to four distinct panels, more while there are fewer than 10 OBX (10-25 in all).
        var chosen: [Int] = []
        let panelCount = 2 + Int(random.next() % 3)
        while chosen.count < panelCount || chosen.reduce(0, { $0 + Self.panels[$1].tests.count }) < 10 {
            let p = Int(random.next() % UInt64(Self.panels.count))
            if !chosen.contains(p) { chosen.append(p) }
        }
        var results = 0
        for (g, p) in chosen.enumerated() {
            let panel = Self.panels[p]
            m += "OBR|\(g + 1)|ORD\(n)-\(g + 1)^EHR|FIL\(n)-\(g + 1)^LAB|\(panel.code)^\(panel.name)^LN|||" + drawn
                + "|||||||||1234^Doctor^Alan||||||" + reported + "|||F\r"
            if random.next() % 4 == 0 { m += "NTE|1|L|Fasting specimen.\r" }
            for (k, test) in panel.tests.enumerated() {
                results += 1
                m += obx(k + 1, test, drawn: drawn)
                if random.next() % 5 == 0 {
                    m += "NTE|1|L|Result verified \\T\\ reviewed\\.br\\by laboratory staff\r"
                }
            }
        }
        out += m.utf8
        return results
    }

    mutating func obx(_ setID: Int, _ test: Test, drawn: String) -> String {
        let roll = random.next() % 100
        let status = roll < 90 ? "F" : roll < 96 ? "C" : "P"
        let value: String
        switch test.type {
        case _ where !test.answers.isEmpty:
            value = test.answers[Int(random.next() % UInt64(test.answers.count))]
        case "SN":
            let x = number(test)
            value = random.next() % 10 == 0 ? ">^60500" : "^" + x
        case "ST":
            value = random.next() % 8 == 0 ? ">60500" : number(test)
        default:
            value = number(test)
        }
        let units = test.unit.map { "\($0.code)^\($0.text)^\($0.system)" } ?? ""
        let range = test.type == "NM" ? "\(Int(test.low))-\(Int(test.high))" : ""
        let flag = test.type == "NM" && random.next() % 3 == 0 ? "H" : "N"
        return "OBX|\(setID)|\(test.type)|\(test.loinc)^\(test.name)^LN^\(test.local)^\(test.local)^L||" + value + "|" + units
            + "|" + range + "|" + flag + "|||" + status + "|||" + drawn
            + "|||||||||Central Lab^D^^^^CLIA&2.16.840.1.113883.4.7&ISO^XX^^^05D0897628\r"
    }

    mutating func number(_ test: Test) -> String {
        let x = test.low + (test.high - test.low) * Double(random.next() >> 11) / Double(1 << 53)
        if test.decimals == 0 { return String(Int(x.rounded())) }
        var scale = 1.0
        for _ in 0..<test.decimals { scale *= 10 }
        let scaled = Int((x * scale).rounded())
        let whole = scaled / Int(scale), fraction = scaled % Int(scale)
        var digits = String(fraction)
        while digits.count < test.decimals { digits = "0" + digits }
        return "\(whole).\(digits)"
    }

    func two(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }
}

/// SplitMix64: a small, fast, seeded generator (the same mixing as `CorpusGenerator`).
struct SplitMix {
    var seed: UInt64
    mutating func next() -> UInt64 {
        seed &+= 0x9E37_79B9_7F4A_7C15
        var z = seed
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
