#if canImport(Glibc)
import Glibc
#endif
import TACEBridgeKit
import TACEModel
import TACEStore
@testable import TACEIngest

/// The repository root (tests read samples from it).
let repositoryRoot: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)  // Tests/TACEIngestTests/Support.swift
    return parts.joined(separator: "/")
}()

func sampleBytes(_ relativePath: String) throws -> [UInt8] {
    try Array(readAll(repositoryRoot + "/" + relativePath))
}

/// Reads a whole file without Foundation.
func readAll(_ path: String) throws -> [UInt8] {
    struct ReadFailure: Error { var path: String }
    guard let f = fopen(path, "rb") else { throw ReadFailure(path: path) }
    defer { fclose(f) }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = fread(&buffer, 1, buffer.count, f)
        if n <= 0 { break }
        out += buffer[0..<n]
    }
    return out
}

/// A clock the test moves by hand.
final class TestClock: @unchecked Sendable {
    var now = ClinicalTime(epochSeconds: 1_767_225_600, utcOffsetSeconds: 0, precision: .second)  // 2026-01-01T00:00:00Z
    func advance(days: Double) { now = now.adding(days: days) }
}

func makeService(store: any ClinicalStore = InMemoryStore(), mappingsDirectory: String? = nil, clock: TestClock = TestClock(),
                 configure: (inout IngestSettings) -> Void = { _ in }) throws -> IngestService {
    let setup = try Setup.load(mappingsDirectory: mappingsDirectory, configFile: nil, settings: [])
    var settings = IngestSettings(mappings: setup.mappings, scoring: setup.configuration, refractoriness: setup.refractoriness)
    configure(&settings)
    return IngestService(store: store, settings: settings, clock: { clock.now })
}

/// An ORU^R01 with one albumin result, segments separated by CR.
func albuminORU(control: String, value: String = "3.9", unit: String = "g/dL", status: String = "F",
                mrn: String = "MRN-1", authority: String = "HOSP", time: String = "20250224080500+0100") -> [UInt8] {
    let segments = [
        "MSH|^~\\&|LIS|LAB|TACEBRIDGE|ONC|20250224090000+0100||ORU^R01^ORU_R01|\(control)|P|2.5.1",
        "PID|1||\(mrn)^^^\(authority)^MR||Doe^Test",
        "OBR|1|ORD-1|FIL-1|24325-3^Hepatic function panel^LN|||\(time)",
        "OBX|1|NM|1751-7^Albumin^LN||\(value)|\(unit)^^UCUM|||||\(status)|||\(time)",
    ]
    return Array((segments.joined(separator: "\r") + "\r").utf8)
}

extension Array where Element == UInt8 {
    var text: String { String(decoding: self, as: UTF8.self) }
}

func contains(_ haystack: [UInt8], _ needle: String) -> Bool { haystack.text.contains(needle) }

func temporaryDirectory() throws -> String {
    struct TempFailure: Error {}
    var template = Array("/tmp/tacebridge-ingest-XXXXXX".utf8CString)
    guard let p = mkdtemp(&template) else { throw TempFailure() }
    return String(cString: p)
}

func write(_ text: String, to path: String) throws {
    struct WriteFailure: Error { var path: String }
    guard let f = fopen(path, "wb") else { throw WriteFailure(path: path) }
    defer { fclose(f) }
    let bytes = Array(text.utf8)
    guard fwrite(bytes, 1, bytes.count, f) == bytes.count else { throw WriteFailure(path: path) }
}
