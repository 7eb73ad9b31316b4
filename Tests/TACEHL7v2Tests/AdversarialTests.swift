import Testing
import TACEHL7v2

/// SplitMix64: a small seeded generator so fuzz runs are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Reads everything a consumer could read, so that accessors are fuzzed too.
func touchEverything(_ interchange: HL7Interchange) {
    for message in interchange.messages {
        _ = message.messageType
        _ = message.controlID
        _ = message.version
        _ = message.characterSet
        _ = message.sendingApplication
        for segment in message.segments {
            for field in segment.fields {
                _ = field.string
                for repetition in field.repetitions {
                    for component in repetition.components {
                        for sub in component.subcomponents { _ = sub.string }
                    }
                }
            }
        }
        _ = HL7Acknowledgment.build(for: message, code: .error, controlID: "F", timestamp: "1",
                                    errors: [HL7AcknowledgmentError(code: .dataTypeError)])
    }
    for segment in interchange.envelope { _ = segment.fields.map(\.string) }
}

@Suite struct AdversarialTests {
    /// Reasons a prefix of a valid message may fail with.
    static let truncationReasons: Set<String> = ["emptyInput", "noMessageHeader", "invalidDelimiters", "truncatedHeader", "invalidSegmentID"]

    @Test func truncatedAtEveryByteOffsetParsesOrFailsCleanly() throws {
        let full = bytes(sampleORU)
        let complete = try HL7Parser.parseMessage(full)
        let mshLength = complete.header.byteRange.upperBound
        for length in 0...full.count {
            let prefix = Array(full[..<length])
            do {
                let interchange = try HL7Parser.parse(prefix)
                #expect(interchange.messages.count == 1)
                #expect(interchange.messages[0].segments.count <= complete.segments.count)
                touchEverything(interchange)
            } catch {
                #expect(Self.truncationReasons.contains(error.reason.name), "length \(length): \(error)")
                #expect(error.byteOffset <= length)
                // Once MSH is whole, only a cut inside a segment id can fail.
                if length > mshLength { #expect(error.reason == .invalidSegmentID, "length \(length)") }
            }
        }
    }

    @Test func truncatedCorpusMessagesAtEveryByteOffset() throws {
        for name in ["ORU_R01_2.5.1_SampleTestCase1.hl7", "EnhancedELR_COVID19_Example.txt", "LAB-ORU-1.hl7"] {
            let full = try Corpus.file(name)
            for length in 0...full.count {
                do {
                    let interchange = try HL7Parser.parse(Array(full[..<length]))
                    if length % 64 == 0 { touchEverything(interchange) }
                } catch {
                    #expect(Self.truncationReasons.contains(error.reason.name), "\(name) length \(length): \(error)")
                }
            }
        }
    }

    @Test func truncatedMLLPStreamReportsUnterminatedFrame() {
        let framed = HL7MLLP.frame(bytes(sampleORU))
        for length in 1..<(framed.count - 1) {
            #expect(parseError(Array(framed[..<length]))?.reason == .unterminatedMLLPFrame, "length \(length)")
        }
        #expect(parseError(Array(framed[..<(framed.count - 1)])) == nil, "0x1C without the final CR is accepted")
    }

    @Test func seededFuzzNeverCrashes() throws {
        var rng = SeededGenerator(seed: 0x7ACE_4C7)
        let seeds: [[UInt8]] = [
            bytes(sampleORU),
            try Corpus.file("ORU_R01_2.5.1_SampleTestCase1.hl7"),
            try Corpus.file("InterPartner~CELR~IN~AIMSPlatform~Prod~Prod~20200415082416800~STOP~EXR231BatchSpace1"),
            HL7MLLP.frame(bytes(sampleORU)) + HL7MLLP.frame(bytes(sampleORU)),
        ]
        let interesting: [UInt8] = Array("|^~\\&#\r\nMSHFHSBHSBTSFTSX.br0123456789\"".utf8) + [0x00, 0x0B, 0x1C, 0x1B, 0x09, 0xEF, 0xBB, 0xBF, 0xFF, 0xC3]
        var parsed = 0
        var failed = 0
        for iteration in 0..<20_000 {
            var input: [UInt8]
            switch iteration % 4 {
            case 0:
                // Pure random bytes, sometimes after a valid MSH.
                let count = Int.random(in: 0..<256, using: &rng)
                input = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
                if Bool.random(using: &rng) { input = bytes("MSH|^~\\&|A|B|C|D|1||ORU^R01|1|P|2.5\r") + input }
            case 1:
                // Random text over the HL7 alphabet.
                let count = Int.random(in: 0..<512, using: &rng)
                input = (0..<count).map { _ in interesting.randomElement(using: &rng)! }
                if Bool.random(using: &rng) { input = bytes("MSH|^~\\&|") + input }
            default:
                // Mutations of real messages: flips, inserts, deletions, cuts.
                input = seeds.randomElement(using: &rng)!
                for _ in 0..<Int.random(in: 1...8, using: &rng) where !input.isEmpty {
                    let at = Int.random(in: 0..<input.count, using: &rng)
                    switch Int.random(in: 0..<5, using: &rng) {
                    case 0: input[at] = UInt8.random(in: 0...255, using: &rng)
                    case 1: input.insert(interesting.randomElement(using: &rng)!, at: at)
                    case 2: input.remove(at: at)
                    case 3: input = Array(input[..<at])
                    default: input[at] = interesting.randomElement(using: &rng)!
                    }
                }
            }
            do {
                let interchange = try HL7Parser.parse(input, limits: HL7Limits(maxMessageBytes: 4096, maxFieldBytes: 512, maxSegmentsPerMessage: 64))
                parsed += 1
                if iteration % 8 == 0 { touchEverything(interchange) }
            } catch {
                failed += 1
                #expect(error.byteOffset >= 0 && error.byteOffset <= input.count)
                #expect(error.line >= 1 && error.column >= 1)
                #expect(!error.description.isEmpty)
            }
        }
        #expect(parsed + failed == 20_000)
        #expect(parsed > 1_000, "mutations should often leave a parseable message")
        #expect(failed > 1_000)
    }

    @Test func hundredThousandSegments() throws {
        var input = bytes("MSH|^~\\&|LAB|HOSP|TACE|ONCO|20240304||ORU^R01|BIG|P|2.5.1\rPID|1||42\r")
        input.reserveCapacity(5_000_000)
        for n in 1...100_000 { input += bytes("OBX|\(n)|NM|1751-7^Albumin^LN||\(n % 50)|g/L|||||F\r") }
        let m = try HL7Parser.parseMessage(input)
        #expect(m.segments.count == 100_002)
        #expect(m.segments("OBX").count == 100_000)
        #expect(m.segments[100_001][1].string == "100000")
        #expect(m.string(at: "OBX[99999]-5") == "\(99_999 % 50)")
    }

    @Test func deeplyRepeatedAndComponentHeavyField() throws {
        let field = String(repeating: "a^b&c~", count: 50_000)
        let m = try message("MSH|^~\\&|A|B|C|D|1||ORU^R01|1|P|2.5\rOBX|1|ST|x||" + field)
        let value = try #require(m.value(at: "OBX-5"))
        #expect(value.repetitions.count == 50_001)
        #expect(value.repetition(50_000).component(2).subcomponent(2).string == "c")
    }
}
