#if canImport(Glibc)
import Glibc
#endif
import CLibXML2
import TACECDAReader
import TACEFHIRReader
import TACEMappings
import TACEModel
import TACEXML

/// The CDA half of the benchmark: a generated corpus of C-CDA documents (one per patient: results
/// organizers with narrative table, imaging findings, a TACE procedure), read by `tacebridge convert`
/// next to `xmllint --noout` on the same files, and, in process, TACEBridge's parse + map next to
/// libxml2's parse alone. Target (issue 3): TACEBridge at least 80 % of libxml2's speed.
enum CDABench {
    static func run(binary: String, dir: String, patients: Int, draws: Int, keep: Bool) {
        var generator = CDAGenerator()
        var paths: [String] = []
        var documents: [[UInt8]] = []
        var bytes = 0
        for p in 0..<patients {
            let doc = generator.document(patient: p, draws: draws)
            let path = "\(dir)/cda-\(p).xml"
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            doc.withUnsafeBytes { raw in
                var off = 0
                while off < raw.count {
                    let r = write(fd, raw.baseAddress! + off, raw.count - off)
                    if r <= 0 { break }
                    off += r
                }
            }
            close(fd)
            paths.append(path)
            documents.append(doc)
            bytes += doc.count
        }
        let mb = Double(bytes) / 1_000_000
        print("")
        print("CDA: \(patients) generated C-CDA documents (\(draws) draws of 8 labs, imaging findings, TACE), "
              + "\(BenchMain.f1(mb)) MB, \(bytes / max(patients, 1) / 1000) kB each")
        print("CPU seconds (user + system), not wall clock: other processes on the machine then matter less")
        print(BenchMain.pad("what", 44) + BenchMain.pad("CPU s", 9) + BenchMain.pad("MB/s", 8) + "peak RSS MB")

        // Child processes: the whole command line of each tool on the same files.
        var xmllintSeconds: Double? = nil
        let candidates: [String] = ["/usr/bin/xmllint", "/usr/local/bin/xmllint"]
        if let xmllint = candidates.first(where: { access($0, X_OK) == 0 }) {
            let (s, rss, status) = runChild([xmllint, "--noout", "--nonet"] + paths)
            if status == 0 {
                xmllintSeconds = s
                line("xmllint --noout (libxml2 tree, CLI)", s, mb, rss)
            } else {
                print("xmllint failed with status \(status)")
            }
        } else {
            print("xmllint not found (apt-get install libxml2-utils): CLI comparison skipped")
        }
        let (convertSeconds, rss, status) = runChild([binary, "convert", "--quiet", "--compact", "--now", "2026-01-01T00:00:00Z", "-o", "/dev/null"] + paths)
        guard status == 0 else {
            print("tacebridge convert failed with status \(status)")
            exit(1)
        }
        line("tacebridge convert (parse, map, write FHIR)", convertSeconds, mb, rss)

        // In process, best of five: libxml2's parse alone vs TACEBridge's hardened parse + mapping.
        let options = libxml2Options
        let libxml2 = best(of: 5) {
            for doc in documents {
                doc.withUnsafeBufferPointer { buffer in
                    buffer.withMemoryRebound(to: CChar.self) { chars in
                        if let parsed = xmlReadMemory(chars.baseAddress, Int32(chars.count), nil, nil, options) { xmlFreeDoc(parsed) }
                    }
                }
            }
        }
        line("libxml2 xmlReadMemory alone (in process)", libxml2, mb, nil)
        guard let tables = try? MappingTables.defaults() else {
            print("mapping tables failed to load")
            exit(1)
        }
        let reader = CDAReader(mappings: tables)
        var observations = 0
        let parseOnly = best(of: 5) {
            for doc in documents { _ = try? CDAReader.parse(doc) }
        }
        line("TACEXML hardened parse (in process)", parseOnly, mb, nil)
        let ours = best(of: 5) {
            observations = 0
            for (i, doc) in documents.enumerated() {
                guard let parsed = try? CDAReader.parse(doc) else { continue }
                var out = FHIRReadOutput()
                try? reader.read(parsed, file: paths[i], into: &out)
                observations += out.observations.count
            }
        }
        line("TACECDAReader parse + map (in process)", ours, mb, nil)
        print("\(observations) observations per pass")
        if let xmllintSeconds {
            print("ratio, command lines: tacebridge convert at \(percent(xmllintSeconds / convertSeconds)) of xmllint --noout's speed")
        }
        print("ratio, in process: parse + map at \(percent(libxml2 / ours)) of libxml2's parse speed (target >= 80 %)")
        if !keep { for path in paths { unlink(path) } }
    }

    /// One step of the in-process comparison on the generated documents.
    enum Pass: String {
        /// `xmlReadMemory` + `xmlFreeDoc`, the same options as TACEXML.
        case libxml2
        /// TACEXML's hardened parse (`CDAReader.parse`) alone.
        case parse
        /// Parse + map into typed observations (`CDAReader.read`).
        case read
    }

    /// Generates the corpus in memory and reads it once in one way, nothing else (no child process,
    /// no timing): the run to give `valgrind --tool=callgrind`, whose instruction counts stay stable
    /// on a busy machine. The generation is the same in every pass, so the difference between two
    /// passes' totals is the difference between the two ways of reading.
    static func singlePass(_ pass: Pass, patients: Int, draws: Int) {
        var generator = CDAGenerator()
        let documents = (0..<patients).map { generator.document(patient: $0, draws: draws) }
        guard let tables = try? MappingTables.defaults() else {
            print("mapping tables failed to load")
            exit(1)
        }
        let reader = CDAReader(mappings: tables)
        let produced = readAll(documents, pass, reader)
        print("\(pass.rawValue): \(documents.count) documents, \(documents.reduce(0) { $0 + $1.count }) bytes, \(produced) "
              + (pass == .read ? "observations" : "trees"))
    }

    /// The measured part of `singlePass`, kept out of line so that callgrind can count it alone:
    /// `--toggle-collect='*readAll*'`. Returns the trees built or the observations produced.
    @inline(never)
    static func readAll(_ documents: [[UInt8]], _ pass: Pass, _ reader: CDAReader) -> Int {
        var produced = 0
        for (i, doc) in documents.enumerated() {
            switch pass {
            case .libxml2:
                doc.withUnsafeBufferPointer { buffer in
                    buffer.withMemoryRebound(to: CChar.self) { chars in
                        if let parsed = xmlReadMemory(chars.baseAddress, Int32(chars.count), nil, nil, libxml2Options) {
                            produced += 1
                            xmlFreeDoc(parsed)
                        }
                    }
                }
            case .parse:
                if (try? CDAReader.parse(doc)) != nil { produced += 1 }
            case .read:
                guard let parsed = try? CDAReader.parse(doc) else { continue }
                var out = FHIRReadOutput()
                try? reader.read(parsed, file: "cda-\(i).xml", into: &out)
                produced += out.observations.count
            }
        }
        return produced
    }

    /// The options TACEXML parses with (`XMLDocument.parseOptions`), for libxml2 alone.
    static let libxml2Options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_COMPACT.rawValue | XML_PARSE_BIG_LINES.rawValue)

    /// In process, on real documents: every full C-CDA document of the shared corpus (`../shared/corpus`
    /// or `dir`), each read `repeats` times, TACEBridge's parse + map beside libxml2's parse alone.
    static func runCorpus(dir: String, repeats: Int) {
        var documents: [[UInt8]] = []
        for relative in corpusDocuments {
            guard let fd = Optional(open(dir + "/" + relative, O_RDONLY)), fd >= 0 else { continue }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                bytes.append(contentsOf: chunk[0..<n])
            }
            close(fd)
            documents.append(bytes)
        }
        guard !documents.isEmpty else {
            print("corpus documents not found under \(dir): real-document comparison skipped")
            return
        }
        let bytes = documents.reduce(0) { $0 + $1.count } * repeats
        let mb = Double(bytes) / 1_000_000
        print("")
        print("CDA, real documents: the \(documents.count) full C-CDA documents of the corpus (CCDs, notes, imaging reports), each read \(repeats) times, \(BenchMain.f1(mb)) MB")
        let options = libxml2Options
        let libxml2 = best(of: 5) {
            for _ in 0..<repeats {
                for doc in documents {
                    doc.withUnsafeBufferPointer { buffer in
                        buffer.withMemoryRebound(to: CChar.self) { chars in
                            if let parsed = xmlReadMemory(chars.baseAddress, Int32(chars.count), nil, nil, options) { xmlFreeDoc(parsed) }
                        }
                    }
                }
            }
        }
        line("libxml2 xmlReadMemory alone (in process)", libxml2, mb, nil)
        guard let tables = try? MappingTables.defaults() else { return }
        let reader = CDAReader(mappings: tables)
        let ours = best(of: 5) {
            for _ in 0..<repeats {
                for doc in documents {
                    guard let parsed = try? CDAReader.parse(doc) else { continue }
                    var out = FHIRReadOutput()
                    try? reader.read(parsed, file: "corpus.xml", into: &out)
                }
            }
        }
        line("TACECDAReader parse + map (in process)", ours, mb, nil)
        print("ratio, real documents in process: parse + map at \(percent(libxml2 / ours)) of libxml2's parse speed")
    }

    static let corpusDocuments = [
        "HL7__C-CDA-Examples/Documents/CCD/CCD 1/CCD.XML",
        "HL7__C-CDA-Examples/Documents/Diagnostic Imaging Report/Diagnostic_Imaging_Report.xml",
        "microsoft__FHIR-Converter/data/SampleData/Ccda/170.314B2_Amb_CCD.ccda",
        "microsoft__FHIR-Converter/data/SampleData/Ccda/C-CDA_R2-1_CCD.xml.ccda",
        "microsoft__FHIR-Converter/data/SampleData/Ccda/Consultation_Note.ccda",
        "microsoft__FHIR-Converter/data/SampleData/Ccda/History_and_Physical.ccda",
        "microsoft__FHIR-Converter/data/SampleData/Ccda/Patient-1.ccda",
    ]

    static func line(_ what: String, _ seconds: Double, _ mb: Double, _ rssKB: Int?) {
        print(BenchMain.pad(what, 44) + BenchMain.pad(BenchMain.f2(seconds), 9) + BenchMain.pad(BenchMain.f1(mb / seconds), 8)
              + (rssKB.map { BenchMain.f1(Double($0) / 1024) } ?? "-"))
    }

    static func percent(_ x: Double) -> String { "\(Int((x * 100).rounded())) %" }

    /// Runs a child; its CPU time (user + system, from wait4), peak RSS in KiB and exit status.
    static func runChild(_ argv: [String]) -> (Double, Int, Int32) {
        var pid: pid_t = 0
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        guard posix_spawn(&pid, argv[0], nil, nil, &cargs, environ) == 0 else { return (0, 0, -1) }
        var status: Int32 = 0
        var usage = rusage()
        wait4(pid, &status, 0, &usage)
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
        return (cpu, usage.ru_maxrss, exitStatus)
    }

    /// The least CPU time of `n` runs of `body` in this process.
    static func best(of n: Int, _ body: () -> Void) -> Double {
        var best = Double.infinity
        for _ in 0..<n {
            var start = timespec(), end = timespec()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &start)
            body()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &end)
            best = min(best, Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9)
        }
        return best
    }
}
