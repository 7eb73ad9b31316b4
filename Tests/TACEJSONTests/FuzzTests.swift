import Testing
import TACEJSON

@Suite("Robustness")
struct FuzzTests {
    /// 20,000 seeded random mutations of a FHIR Observation: each must parse or
    /// throw (never crash); whatever parses must be fully readable and must
    /// survive a write/re-parse round trip.
    @Test func randomMutationsNeverCrash() throws {
        var rng = SplitMix64(seed: 0x7ACE_B81D)
        let interesting: [UInt8] = Array("{}[],:\"\\/-+.eE0123456789tfnu \n\t".utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xF5, 0xFF]
        var parsed = 0, rejected = 0
        for _ in 0 ..< 20_000 {
            var input = sampleBytes
            for _ in 0 ..< Int.random(in: 1 ... 4, using: &rng) {
                guard !input.isEmpty else { break }
                let at = Int.random(in: 0 ..< input.count, using: &rng)
                let byte = Bool.random(using: &rng)
                    ? interesting[Int.random(in: 0 ..< interesting.count, using: &rng)]
                    : UInt8.random(in: 0 ... 255, using: &rng)
                switch Int.random(in: 0 ..< 6, using: &rng) {
                case 0: input[at] = byte
                case 1: input.insert(byte, at: at)
                case 2: input.remove(at: at)
                case 3: input.removeSubrange(at...)
                case 4:
                    let end = min(input.count, at + Int.random(in: 1 ... 40, using: &rng))
                    input.insert(contentsOf: input[at ..< end], at: Int.random(in: 0 ... input.count, using: &rng))
                default:
                    let end = min(input.count, at + Int.random(in: 1 ... 40, using: &rng))
                    input.removeSubrange(at ..< end)
                }
            }
            do {
                let doc = try JSONDocument.parse(input)
                parsed += 1
                _ = walkAll(doc.root)
                var w = JSONWriter(pretty: Bool.random(using: &rng))
                w.raw(doc.root)
                let again = try JSONDocument.parse(w.bytes)
                #expect(jsonEqual(doc.root, again.root))
            } catch {
                rejected += 1
                #expect(error.byteOffset >= 0 && error.byteOffset <= input.count)
                #expect(error.line >= 1 && error.column >= 1)
                _ = error.description
            }
        }
        #expect(parsed + rejected == 20_000)
        #expect(parsed > 100 && rejected > 100)
    }

    @Test func randomBytesNeverCrash() {
        var rng = SplitMix64(seed: 1)
        for _ in 0 ..< 5_000 {
            let input = (0 ..< Int.random(in: 0 ..< 64, using: &rng)).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
            if let doc = try? JSONDocument.parse(input) { _ = walkAll(doc.root) }
        }
    }
}
