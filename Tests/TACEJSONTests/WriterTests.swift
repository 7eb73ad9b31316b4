import Testing
import TACEJSON

private func text(_ w: JSONWriter) -> String { String(decoding: w.bytes, as: UTF8.self) }

private func numberText(_ d: Double) -> String {
    var w = JSONWriter(pretty: false)
    w.number(d)
    return text(w)
}

@Suite("Writing JSON")
struct WriterTests {
    @Test func prettyOutputHasOneMemberPerLineAndCompactEmptyContainers() {
        var w = JSONWriter()
        w.beginObject()
        w.field("resourceType", "Observation")
        w.key("empty")
        w.beginObject()
        w.endObject()
        w.key("none")
        w.beginArray()
        w.endArray()
        w.key("list")
        w.beginArray()
        w.number(1)
        w.beginObject()
        w.field("ok", true)
        w.endObject()
        w.null()
        w.endArray()
        w.field("value", 4.5)
        w.endObject()
        #expect(text(w) == """
        {
          "resourceType": "Observation",
          "empty": {},
          "none": [],
          "list": [
            1,
            {
              "ok": true
            },
            null
          ],
          "value": 4.5
        }
        """)
    }

    @Test func compactOutputHasNoWhitespace() {
        var w = JSONWriter(pretty: false)
        w.beginObject()
        w.field("a", 1)
        w.key("b")
        w.beginArray()
        w.bool(false)
        w.string("x y")
        w.beginArray()
        w.endArray()
        w.endArray()
        w.nullField("c")
        w.endObject()
        #expect(text(w) == #"{"a":1,"b":[false,"x y",[]],"c":null}"#)
    }

    @Test func customIndentWidth() {
        var w = JSONWriter(pretty: true, indent: 4)
        w.beginArray()
        w.number(1)
        w.endArray()
        #expect(text(w) == "[\n    1\n]")
    }

    @Test func topLevelValuesAreSeparatedByNewlinesForNDJSON() {
        var w = JSONWriter(pretty: false)
        for n in 1 ... 3 {
            w.beginObject()
            w.field("n", n)
            w.endObject()
        }
        #expect(text(w) == "{\"n\":1}\n{\"n\":2}\n{\"n\":3}")
    }

    @Test func escapesQuotesBackslashesAndControlCharacters() {
        var w = JSONWriter(pretty: false)
        w.string("q\"b\\s/n\nr\rt\tb\u{8}f\u{C}z\u{0}x\u{1F}d\u{7F}é😀")
        #expect(text(w) == #""q\"b\\s/n\nr\rt\tb\bf\fz\u0000x\u001fd"# + "\u{7F}é😀\"")
    }

    @Test func escapedStringsAndKeysRoundTripThroughTheParser() throws {
        let pool: [Unicode.Scalar] = (0 ..< 0x20).map { Unicode.Scalar(UInt8($0)) }
            + ["\"", "\\", "/", "a", "Z", "0", " ", "\u{7F}", "\u{80}", "é", "µ", "€", "\u{2028}", "\u{FFFD}",
               "\u{FFFF}", "😀", "\u{10FFFF}", "{", "}", "[", "]", ":", ","]
        var rng = SplitMix64(seed: 42)
        for _ in 0 ..< 2_000 {
            var s = String.UnicodeScalarView()
            for _ in 0 ..< Int.random(in: 0 ... 24, using: &rng) {
                s.append(pool[Int.random(in: 0 ..< pool.count, using: &rng)])
            }
            let original = String(s)
            var w = JSONWriter(pretty: Bool.random(using: &rng))
            w.beginObject()
            w.field(original, original)
            w.key("list")
            w.beginArray()
            w.string(original)
            w.endArray()
            w.endObject()
            let root = try JSONDocument.parse(w.bytes).root
            #expect(root[original]?.string == original)
            #expect(root[original]?.stringEquals(original) == true)
            #expect(root["list"]?[0]?.string == original)
            #expect(root.members.first?.key == original)
        }
    }

    @Test func formatsDoublesShortestWithoutTrailingPointZero() {
        #expect(numberText(15) == "15")
        #expect(numberText(15.5) == "15.5")
        #expect(numberText(0.773) == "0.773")
        #expect(numberText(1e-7) == "1e-7")
        #expect(numberText(-2.448) == "-2.448")
        #expect(numberText(1234567.0) == "1234567")
        #expect(numberText(3.5) == "3.5")
        #expect(numberText(0) == "0")
        #expect(numberText(-0.0) == "-0")
        #expect(numberText(0.1 + 0.2) == "0.30000000000000004")
        #expect(numberText(1e21) == "1e21")
        #expect(numberText(1.5e300) == "1.5e300")
        #expect(numberText(-1e-300) == "-1e-300")
        #expect(numberText(9_007_199_254_740_991) == "9007199254740991")
        #expect(numberText(Double.leastNonzeroMagnitude) == "5e-324")
    }

    @Test func formatsIntegers() {
        for (value, expected) in [(0, "0"), (7, "7"), (-7, "-7"), (1_000_000, "1000000"),
                                  (Int.max, "9223372036854775807"), (Int.min, "-9223372036854775808")] {
            var w = JSONWriter(pretty: false)
            w.number(value)
            #expect(text(w) == expected)
        }
    }

    @Test func doublesRoundTripExactly() throws {
        var rng = SplitMix64(seed: 7)
        var w = JSONWriter(pretty: false)
        var expected: [Double] = []
        w.beginArray()
        for k in 0 ..< 5_000 {
            let d: Double
            switch k % 3 {
            case 0: d = Double(bitPattern: rng.next())
            case 1: d = Double.random(in: -1000 ... 1000, using: &rng)
            default: d = (Double(Int.random(in: -100_000 ... 100_000, using: &rng)) / 1000)
            }
            guard d.isFinite else { continue }
            expected.append(d)
            w.number(d)
        }
        w.endArray()
        let root = try JSONDocument.parse(w.bytes).root
        let actual = root.elements.map { $0.double }
        #expect(actual.count == expected.count)
        for (a, e) in zip(actual, expected) where a != e {
            Issue.record("\(e) came back as \(String(describing: a))")
        }
    }

    @Test func rawNumberKeepsTheTokenAsWritten() throws {
        let value = try #require(try JSONDocument.parse(sampleBytes).root["valueQuantity"]?["value"])
        var w = JSONWriter(pretty: false)
        w.beginObject()
        w.rawNumberField("value", value.numberText ?? "")
        w.key("e")
        w.rawNumber("-1.50E+10")
        w.endObject()
        #expect(text(w) == #"{"value":4.10,"e":-1.50E+10}"#)
    }

    @Test func takeBytesStreamsTheSameBytesAsOneShot() throws {
        let doc = try JSONDocument.parse(sampleBytes)
        func write(_ w: inout JSONWriter, chunks: inout [UInt8], take: Bool) {
            w.beginArray()
            for k in 0 ..< 50 {
                w.beginObject()
                w.field("k", k)
                w.field("obs", doc.root)
                w.endObject()
                if take && k % 7 == 3 { chunks += w.takeBytes() }
            }
            w.endArray()
            chunks += w.takeBytes()
        }
        for pretty in [true, false] {
            var oneShot = JSONWriter(pretty: pretty)
            var whole: [UInt8] = []
            write(&oneShot, chunks: &whole, take: false)
            var streaming = JSONWriter(pretty: pretty)
            var chunks: [UInt8] = []
            write(&streaming, chunks: &chunks, take: true)
            #expect(chunks == whole)
            #expect(streaming.bytes.isEmpty)
            #expect(try JSONDocument.parse(chunks).root.count == 50)
        }
    }

    @Test func rawReserialisesParsedValues() throws {
        let doc = try JSONDocument.parse(sampleBytes)
        for pretty in [true, false] {
            var w = JSONWriter(pretty: pretty)
            w.raw(doc.root)
            let again = try JSONDocument.parse(w.bytes)
            #expect(jsonEqual(doc.root, again.root))
            // Writing the re-parsed document again is byte-identical.
            var w2 = JSONWriter(pretty: pretty)
            w2.raw(again.root)
            #expect(w2.bytes == w.bytes)
        }
    }

    @Test func rawWritesFragmentsInsideOtherStructures() throws {
        let doc = try parse(#"{"a": {"x": [1, {"y": "z\/"}], "e": {}}, "b": [], "c": "s"}"#)
        var w = JSONWriter(pretty: false)
        w.beginArray()
        w.raw(try #require(doc.root["a"]))
        w.raw(try #require(doc.root["b"]))
        w.raw(try #require(doc.root["c"]))
        w.raw(try #require(doc.root["a"]?["x"]?[1]?["y"]))
        w.beginObject()
        w.field("copy", try #require(doc.root["a"]?["e"]))
        w.endObject()
        w.endArray()
        #expect(text(w) == #"[{"x":[1,{"y":"z\/"}],"e":{}},[],"s","z\/",{"copy":{}}]"#)
    }

    @Test func rawPrettyPrintsCompactInput() throws {
        let doc = try parse(#"{"a":[1,{"b":null}],"c":{}}"#)
        var w = JSONWriter()
        w.raw(doc.root)
        #expect(text(w) == """
        {
          "a": [
            1,
            {
              "b": null
            }
          ],
          "c": {}
        }
        """)
    }

    @Test func copiesOfAWriterContinueIndependently() {
        var a = JSONWriter(pretty: false)
        a.beginArray()
        a.number(1)
        var b = a
        a.number(2)
        a.endArray()
        b.string("b")
        b.endArray()
        #expect(text(a) == "[1,2]")
        #expect(text(b) == "[1,\"b\"]")
        #expect(a.byteCount == 5 && a.depth == 0)
    }

    @Test func preEscapedKeysWriteLikeStringKeys() {
        let names = ["status", "a\"b", "back\\slash", "tab\t", "é", ""]
        for pretty in [true, false] {
            var viaString = JSONWriter(pretty: pretty), viaKey = JSONWriter(pretty: pretty)
            viaString.beginObject(); viaKey.beginObject()
            for (i, name) in names.enumerated() {
                viaString.key(name); viaString.number(i)
                viaKey.key(JSONKey(name)); viaKey.number(i)
            }
            viaString.endObject(); viaKey.endObject()
            #expect(text(viaKey) == text(viaString))
        }
        #expect(JSONKey("a\"b").name == "a\"b")
    }

    @Test func utf8StringsAreEscapedLikeStrings() {
        var a = JSONWriter(pretty: false), b = JSONWriter(pretty: false)
        let value = "x\"y\n"
        a.string(value)
        var copy = value
        copy.withUTF8 { b.string(utf8: $0) }
        #expect(text(a) == text(b))
    }

    @Test func compactSourceFragmentsWriteLikeRaw() throws {
        let source = #"{"coding":[{"system":"http://x","code":"a\"b","n":1.50,"ok":true,"none":null}],"e":{},"l":[]}"#
        let fragment = try JSONDocument.parse(Array(source.utf8)).root
        for pretty in [true, false] {
            var viaRaw = JSONWriter(pretty: pretty), viaCompact = JSONWriter(pretty: pretty)
            for w in [0, 1] {
                var json = w == 0 ? viaRaw : viaCompact
                json.beginArray(); json.number(1)
                if w == 0 { json.raw(fragment) } else { json.raw(compactSource: fragment) }
                json.endArray()
                if w == 0 { viaRaw = json } else { viaCompact = json }
            }
            #expect(text(viaCompact) == text(viaRaw))
        }
    }
}
