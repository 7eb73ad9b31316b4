#if canImport(Glibc)
import Glibc
#endif
import TACEFHIRReader
import TACEHL7v2
import TACEHL7v2Reader
import TACEMappings

/// The HL7 v2 part of `tacebridge-bench` (issue 3, item 11): generated ORU^R01 messages, timed in
/// process on one thread, in three stages:
/// - parse: `HL7Parser.parse` over the whole corpus (segments and fields indexed);
/// - parse + OBX fields: also every OBX's value type, code, coding system, value, unit, status and
///   time decoded into `String`s (the work the Python libraries are asked to do);
/// - parse + map: `HL7v2Reader` on every message, bytes to `TypedObservation`s through the mapping
///   tables (observations are handed on, i.e. dropped, after each message, as a streaming consumer would).
/// Then the Python libraries `hl7` and `hl7apy` on a prefix of the same messages, with the same stages
/// of TACEBridge re-timed on exactly that prefix for the ratio.
/// Times are the thread's CPU time (robust against other processes on this shared machine).
enum HL7Bench {
    struct Options {
        var megabytes = 64
        var runs = 5
        var python: String? = nil
        var script = "scripts/bench_hl7_python.py"
        /// Bytes of the corpus given to each Python library (hl7apy is slow).
        var pythonBytes: [(library: String, bytes: Int)] = [("hl7", 4 << 20), ("hl7apy", 256 << 10)]
        /// Whether to leave the corpus in the directory as `oru-r01.hl7` (`--keep DIR`).
        var keepCorpus = false
    }

    static func run(_ options: Options, directory: String) {
        var generator = HL7CorpusGenerator()
        let corpus = generator.generate(targetBytes: options.megabytes * 1_000_000)
        let tables: MappingTables
        do { tables = try MappingTables.defaults() } catch {
            print("HL7 v2: mapping tables do not load: \(error)")
            return
        }
        let reader = HL7v2Reader(mappings: tables)
        if options.keepCorpus { writeFile("\(directory)/oru-r01.hl7", corpus.bytes) }
        print("")
        print("HL7 v2 ER7: \(corpus.messages) generated ORU^R01 messages, \(f1(Double(corpus.bytes.count) / 1e6)) MB, "
              + "\(corpus.results) OBX; in process, one thread, MB/s of thread CPU time over \(options.runs) runs (median, min-max)")
        let stages = measureStages(corpus.bytes, reader: reader, runs: options.runs)
        print(pad("stage", 22) + pad("MB/s", 8) + pad("range", 14) + pad("messages/s", 12) + "OBX/s")
        for stage in stages.rows {
            let mb = Double(corpus.bytes.count) / 1e6
            print(pad(stage.name, 22) + pad(f1(mb / stage.median), 8) + pad(f1(mb / stage.max) + "-" + f1(mb / stage.min), 14)
                  + pad("\(Int(Double(corpus.messages) / stage.median))", 12) + "\(Int(Double(corpus.results) / stage.median))")
        }
        let s = stages.summary
        print("mapped: \(s.observations) observations from \(s.obx) OBX; not used: "
              + s.skipped.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key.rawValue)" }.joined(separator: ", "))
        guard let python = options.python else {
            print("Python libraries: not run (no --python; scripts/bench.sh installs hl7 and hl7apy in a venv)")
            return
        }
        print("Python libraries on a prefix of the same messages (split, parse, the same 7 OBX fields as str; process CPU time, best of 3):")
        for (library, budget) in options.pythonBytes {
            let prefix = messagePrefix(corpus.bytes, maxBytes: budget)
            let path = "\(directory)/oru-prefix-\(library).hl7"
            writeFile(path, prefix)
            defer { unlink(path) }
            guard let result = runPython(python, script: options.script, file: path, library: library) else {
                print("  \(library): failed (see stderr)")
                continue
            }
            let ours = measureStages(prefix, reader: reader, runs: max(3, options.runs))
            let mb = Double(prefix.count) / 1e6
            let theirs = mb / result.best
            let fields = mb / ours.rows[1].min, mapped = mb / ours.rows[2].min
            print("  \(library) \(result.version): \(f2(theirs)) MB/s on \(f1(mb)) MB (\(result.messages) messages, \(result.obx) OBX); "
                  + "TACEBridge on the same bytes: parse + OBX fields \(f1(fields)) MB/s = \(ratio(fields / theirs)), "
                  + "parse + map \(f1(mapped)) MB/s = \(ratio(mapped / theirs))")
            if result.obx != ours.summary.obx {
                print("  warning: \(library) read \(result.obx) OBX, TACEBridge \(ours.summary.obx)")
            }
        }
    }

    struct Stage {
        var name: String
        var min: Double
        var median: Double
        var max: Double
    }

    struct Summary {
        var obx = 0
        var observations = 0
        var skipped: [SkipKind: Int] = [:]
    }

    /// Times the three stages `runs` times each (interleaved, so that machine noise spreads evenly).
    static func measureStages(_ bytes: [UInt8], reader: HL7v2Reader, runs: Int) -> (rows: [Stage], summary: Summary) {
        var times: [[Double]] = [[], [], []]
        var summary = Summary()
        for _ in 0..<runs {
            times[0].append(cpuSeconds { _ = parse(bytes).messages.count })
            times[1].append(cpuSeconds { summary.obx = readFields(parse(bytes)) })
            times[2].append(cpuSeconds {
                let output = map(parse(bytes), reader: reader)
                summary.observations = output.report.observationsProduced
                summary.skipped = output.report.skippedByKind
            })
        }
        let names = ["parse", "parse + OBX fields", "parse + map"]
        let rows = zip(names, times).map { name, t -> Stage in
            let sorted = t.sorted()
            return Stage(name: name, min: sorted[0], median: sorted[sorted.count / 2], max: sorted[sorted.count - 1])
        }
        return (rows, summary)
    }

    static func parse(_ bytes: [UInt8]) -> HL7Interchange {
        do { return try HL7Parser.parse(bytes) } catch {
            print("HL7 v2 corpus does not parse: \(error)")
            exit(1)
        }
    }

    /// Decodes the OBX fields the Python libraries are asked for; returns the OBX count.
    static func readFields(_ interchange: HL7Interchange) -> Int {
        var obx = 0, characters = 0
        for message in interchange.messages {
            for segment in message.segments where segment.id == "OBX" {
                let code = segment[3]
                let fields = [segment[2].string, code.component(1).string, code.component(3).string, segment[5].string,
                              segment[6].component(1).string, segment[11].string, segment[14].string]
                characters &+= fields.reduce(0) { $0 + $1.utf8.count }
                obx += 1
            }
        }
        return characters >= 0 ? obx : 0
    }

    /// Maps every message, dropping each message's observations once made.
    static func map(_ interchange: HL7Interchange, reader: HL7v2Reader) -> FHIRReadOutput {
        var output = FHIRReadOutput()
        for message in interchange.messages {
            do { try reader.read(message, file: "bench.hl7", into: &output) } catch {
                print("HL7 v2 corpus does not map: \(error)")
                exit(1)
            }
            output.observations.removeAll(keepingCapacity: true)
        }
        return output
    }

    /// The whole messages at the start of `bytes` that fit in `maxBytes` (at least one).
    static func messagePrefix(_ bytes: [UInt8], maxBytes: Int) -> [UInt8] {
        guard bytes.count > maxBytes else { return bytes }
        var end = maxBytes
        // Back to the start of a segment "MSH|" that follows a CR.
        while end > 4, !(bytes[end - 1] == 0x0D && bytes[end] == 0x4D && bytes[end + 1] == 0x53 && bytes[end + 2] == 0x48) { end -= 1 }
        return Array(bytes[..<end])
    }

    struct PythonResult {
        var version: String
        var messages: Int
        var obx: Int
        var best: Double
    }

    /// Runs scripts/bench_hl7_python.py for one library and reads its one-line result.
    static func runPython(_ python: String, script: String, file: String, library: String) -> PythonResult? {
        let resultPath = file + ".result"
        defer { unlink(resultPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, resultPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = [python, script, file, library, "3"]
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        var pid: pid_t = 0
        guard posix_spawnp(&pid, python, &actions, nil, &cargs, environ) == 0 else { return nil }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        guard status == 0, let text = readFile(resultPath) else { return nil }
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        guard words.count >= 7, let messages = Int(words[3]), let obx = Int(words[4]), let best = Double(words[5]) else { return nil }
        return PythonResult(version: words[1], messages: messages, obx: obx, best: best)
    }

    static func cpuSeconds(_ body: () -> Void) -> Double {
        var start = timespec(), end = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start)
        body()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &end)
        return Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
    }

    static func writeFile(_ path: String, _ bytes: [UInt8]) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        bytes.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let r = write(fd, raw.baseAddress! + off, raw.count - off)
                if r <= 0 { break }
                off += r
            }
        }
        close(fd)
    }

    static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, 4096) }
            if n <= 0 { break }
            out += chunk[..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func ratio(_ x: Double) -> String { x >= 10 ? "\(Int(x.rounded()))×" : "\(f1(x))×" }
    static func pad(_ s: String, _ w: Int) -> String { BenchMain.pad(s, w) }
    static func f1(_ x: Double) -> String { BenchMain.f1(x) }
    static func f2(_ x: Double) -> String { BenchMain.f2(x) }
}
