#if canImport(Glibc)
import Glibc
#endif

/// `tacebridge-bench [--patients N[,N...]|none] [--labs-per-patient K] [--binary PATH] [--keep DIR]
///  [--cda-patients N] [--cda-draws K] [--corpus DIR] [--hl7-mb MB] [--hl7-runs N] [--python PATH]`
///  or `tacebridge-bench --cda-pass libxml2|parse|read [--cda-patients N] [--cda-draws K]`
///
/// Generates FHIR NDJSON cohorts of N patients, runs `tacebridge convert` and `tacebridge score` on each
/// as a child process (release build expected), and prints MB/s, resources/s, wall time and peak RSS
/// of the child. Memory flat as the file grows shows as a constant peak RSS across sizes for convert.
/// Then HL7 v2 ORU^R01 parse and map in process, beside the Python libraries (`HL7Bench`).
@main
struct BenchMain {
    static func main() {
        var sizes = [2_000, 8_000, 32_000]
        var labsPerPatient = 4
        var binary = ".build/release/tacebridge"
        var keep: String? = nil
        var cdaPatients = 1_000, cdaDraws = 4, corpus = "../shared/corpus"
        var hl7 = HL7Bench.Options()
        var cdaPass: CDABench.Pass? = nil
        var mllp: MLLPLoadClient.Options? = nil
        var args = CommandLine.arguments.dropFirst().makeIterator()
        while let a = args.next() {
            switch a {
            case "--patients": sizes = (args.next() ?? "").split(separator: ",").compactMap { Int($0) }
            case "--labs-per-patient": labsPerPatient = Int(args.next() ?? "") ?? labsPerPatient
            case "--binary": binary = args.next() ?? binary
            case "--keep": keep = args.next()
            case "--cda-patients": cdaPatients = Int(args.next() ?? "") ?? cdaPatients
            case "--cda-draws": cdaDraws = Int(args.next() ?? "") ?? cdaDraws
            case "--corpus": corpus = args.next() ?? corpus
            case "--cda-pass":
                guard let pass = CDABench.Pass(rawValue: args.next() ?? "") else {
                    complain("tacebridge-bench: --cda-pass takes libxml2, parse or read")
                    exit(64)
                }
                cdaPass = pass
            case "--hl7-mb": hl7.megabytes = Int(args.next() ?? "") ?? hl7.megabytes
            case "--python": hl7.python = args.next()
            case "--hl7-runs": hl7.runs = max(1, Int(args.next() ?? "") ?? hl7.runs)
            case "--mllp-client":
                guard let port = UInt16(args.next() ?? "") else {
                    complain("tacebridge-bench: --mllp-client takes the listener's loopback port")
                    exit(64)
                }
                mllp = MLLPLoadClient.Options(port: port)
            case "--clients": mllp?.clients = max(1, Int(args.next() ?? "") ?? 20)
            case "--messages": mllp?.messages = max(1, Int(args.next() ?? "") ?? 1_000)
            case "--window": mllp?.window = max(1, Int(args.next() ?? "") ?? 8)
            case "--mllp-patients": mllp?.patients = max(1, Int(args.next() ?? "") ?? 200)
            case "--prefix": mllp?.prefix = args.next() ?? "B"
            case "-h", "--help":
                print("usage: tacebridge-bench --cda-pass libxml2|parse|read [--cda-patients 1000] [--cda-draws 4]  (one pass, for valgrind --tool=callgrind)")
                print("usage: tacebridge-bench --mllp-client PORT [--clients 20] [--messages 1000] [--window 8] [--mllp-patients 200] [--prefix B]  (load generator for scripts/bench_mllp.py)")
                print("usage: tacebridge-bench [--patients 2000,8000,32000] [--labs-per-patient 4] [--binary .build/release/tacebridge] [--keep DIR] [--cda-patients 1000 (0: none)] [--cda-draws 4] [--corpus ../shared/corpus] [--hl7-mb 64 (0: none)] [--hl7-runs 5] [--python PATH]")
                return
            default:
                complain("tacebridge-bench: unknown argument \(a)")
                exit(64)
            }
        }
        if let mllp { exit(MLLPLoadClient.run(mllp)) }
        if let cdaPass {
            CDABench.singlePass(cdaPass, patients: cdaPatients, draws: cdaDraws)
            return
        }
        guard access(binary, X_OK) == 0 else {
            complain("tacebridge-bench: \(binary) not found; build it with: swift build -c release --product tacebridge")
            exit(66)
        }
        let dir = keep ?? "/tmp/tacebridge-bench-\(getpid())"
        mkdir(dir, 0o755)
        print("TACEBridge benchmark: \(binary), FHIR R4 NDJSON, \(labsPerPatient) draws of 8 labs per patient, "
              + "\(sysconf(Int32(_SC_NPROCESSORS_ONLN))) cores online; tacebridge runs on one core")
        print(pad("command", 9) + pad("patients", 10) + pad("input MB", 10) + pad("resources", 11) + pad("seconds", 9)
              + pad("MB/s", 8) + pad("resources/s", 13) + "peak RSS MB")
        for n in sizes {
            let path = "\(dir)/cohort-\(n).ndjson"
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            var generator = CorpusGenerator()
            let (bytes, resources) = generator.write(patients: n, observationsPerLab: labsPerPatient, to: fd)
            close(fd)
            for command in ["convert", "score"] {
                let (seconds, rssKB, status) = runChild([binary, command, "--quiet", "--compact", "--now", "2026-01-01T00:00:00Z", "-o", "/dev/null", path])
                guard status == 0 else {
                    print("\(command) failed with status \(status)")
                    exit(1)
                }
                let mb = Double(bytes) / 1_000_000
                print(pad(command, 9) + pad("\(n)", 10) + pad(f1(mb), 10) + pad("\(resources)", 11) + pad(f2(seconds), 9)
                      + pad(f1(mb / seconds), 8) + pad("\(Int(Double(resources) / seconds))", 13) + f1(Double(rssKB) / 1024))
            }
            if keep == nil { unlink(path) }
        }
        if cdaPatients > 0 {
            CDABench.run(binary: binary, dir: dir, patients: cdaPatients, draws: cdaDraws, keep: keep != nil)
            CDABench.runCorpus(dir: corpus, repeats: 50)
        }
        hl7.keepCorpus = keep != nil
        if hl7.megabytes > 0 { HL7Bench.run(hl7, directory: dir) }
        if keep == nil { rmdir(dir) }
    }

    /// Runs a child, returning wall seconds, its peak RSS in KiB (wait4 rusage) and exit status.
    static func runChild(_ argv: [String]) -> (Double, Int, Int32) {
        var pid: pid_t = 0
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        var start = timespec(), end = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        guard posix_spawn(&pid, argv[0], nil, nil, &cargs, environ) == 0 else { return (0, 0, -1) }
        var status: Int32 = 0
        var usage = rusage()
        wait4(pid, &status, 0, &usage)
        clock_gettime(CLOCK_MONOTONIC, &end)
        let seconds = Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
        return (seconds, usage.ru_maxrss, exitStatus)
    }

    static func complain(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }

    static func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s + " " : s + String(repeating: " ", count: w - s.count) }
    static func f1(_ x: Double) -> String { String((x * 10).rounded() / 10) }
    static func f2(_ x: Double) -> String { String((x * 100).rounded() / 100) }
}
