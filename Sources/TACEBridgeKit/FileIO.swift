#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads input files (or standard input for `-`) with plain POSIX calls: no Foundation on the hot path.
struct InputFile: ~Copyable {
    let name: String
    let fd: Int32
    private let ownsDescriptor: Bool

    init(path: String) throws(TACEBridgeError) {
        name = path
        if path == "-" {
            fd = 0
            ownsDescriptor = false
            return
        }
        var st = stat()
        if stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            throw TACEBridgeError(.noInput, "\(path): is a directory (give the files inside it, e.g. \(path)/*.json)")
        }
        let d = open(path, O_RDONLY)
        guard d >= 0 else {
            throw TACEBridgeError(.noInput, "\(path): cannot open: \(String(cString: strerror(errno)))")
        }
        fd = d
        ownsDescriptor = true
    }

    deinit { if ownsDescriptor { close(fd) } }

    /// Appends up to `count` bytes to `buffer`; returns how many were read (0 at end of file).
    func read(appendingTo buffer: inout [UInt8], count: Int) throws(TACEBridgeError) -> Int {
        var failure: TACEBridgeError? = nil
        let chunk = [UInt8](unsafeUninitializedCapacity: count) { p, initialized in
            do throws(TACEBridgeError) {
                initialized = try read(into: UnsafeMutableRawPointer(p.baseAddress), count: count)
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        if buffer.isEmpty { buffer = chunk } else { buffer.append(contentsOf: chunk) }
        return chunk.count
    }

    /// Reads up to `count` bytes to `target`; returns how many were read (0 at end of file).
    func read(into target: UnsafeMutableRawPointer?, count: Int) throws(TACEBridgeError) -> Int {
        var r: Int
        repeat { r = Glibc.read(fd, target, count) } while r < 0 && errno == EINTR
        if r < 0 {
            let failure = errno
            throw TACEBridgeError(.noInput, "\(name): read error: \(String(cString: strerror(failure)))")
        }
        return r
    }

    /// The whole file, refusing files larger than `limit` bytes.
    func readAll(limit: Int) throws(TACEBridgeError) -> [UInt8] {
        var bytes: [UInt8] = []
        while true {
            let n = try read(appendingTo: &bytes, count: 1 << 20)
            if n == 0 { return bytes }
            if bytes.count > limit {
                throw TACEBridgeError(.dataFormat, "\(name): larger than \(limit >> 20) MiB; split it, or use NDJSON, which is streamed")
            }
        }
    }
}

/// Output to a file (written to a temporary name and renamed on success) or standard output.
public final class OutputSink {
    private let fd: Int32
    private let path: String?
    private let temporaryPath: String?
    private var buffer: [UInt8] = []
    public private(set) var bytesWritten = 0

    public init(path: String?) throws(TACEBridgeError) {
        var st = stat()
        if let path, path != "-", stat(path, &st) == 0, (st.st_mode & S_IFMT) != S_IFREG {
            // A device, FIFO or socket (/dev/null, /dev/stdout, a pipe): write to it directly; never rename over it.
            let d = open(path, O_WRONLY)
            guard d >= 0 else {
                throw TACEBridgeError(.cannotCreate, "\(path): cannot open for writing: \(String(cString: strerror(errno)))")
            }
            fd = d
            self.path = path
            temporaryPath = nil
        } else if let path, path != "-" {
            let tmp = path + ".partial"
            let d = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard d >= 0 else {
                throw TACEBridgeError(.cannotCreate, "\(path): cannot create: \(String(cString: strerror(errno)))")
            }
            fd = d
            self.path = path
            temporaryPath = tmp
        } else {
            fd = 1
            self.path = nil
            temporaryPath = nil
        }
        buffer.reserveCapacity(1 << 20)
    }

    public func write(_ bytes: [UInt8]) throws(TACEBridgeError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Writes bytes that stay valid only during the call (a writer's own buffer, see
    /// `BundleStreamWriter.drainBytes`): buffered when small, written straight through when large.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(TACEBridgeError) {
        if bytes.count >= 1 << 20 {
            try flush()
            try writeAll(bytes)
            bytesWritten += bytes.count
            return
        }
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    public func flush() throws(TACEBridgeError) {
        var failure: TACEBridgeError? = nil
        buffer.withUnsafeBytes { raw in
            do throws(TACEBridgeError) { try writeAll(raw) } catch { failure = error }
        }
        if let failure { throw failure }
        bytesWritten += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ raw: UnsafeRawBufferPointer) throws(TACEBridgeError) {
        guard let base = raw.baseAddress else { return }
        var offset = 0
        while offset < raw.count {
            let r = Glibc.write(fd, base + offset, raw.count - offset)
            if r < 0 {
                if errno == EINTR { continue }
                let failure = errno
                throw TACEBridgeError(.ioError, "\(path ?? "standard output"): write error: \(String(cString: strerror(failure)))")
            }
            offset += r
        }
    }

    /// Flushes and, for a file, moves it into place: a failed run never leaves a half-written output file.
    public func commit() throws(TACEBridgeError) {
        try flush()
        if path != nil && temporaryPath == nil { close(fd) }
        if let path, let temporaryPath {
            close(fd)
            guard rename(temporaryPath, path) == 0 else {
                throw TACEBridgeError(.cannotCreate, "\(path): cannot rename from \(temporaryPath): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Removes the partial file after a failure.
    public func abandon() {
        if path != nil && temporaryPath == nil { close(fd) }
        if let temporaryPath {
            close(fd)
            unlink(temporaryPath)
        }
    }
}

/// Writes a line to standard error (diagnostics never go to stdout, which carries FHIR output).
public func printError(_ line: String) {
    var bytes = Array(line.utf8)
    bytes.append(0x0A)
    _ = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
}

/// Seconds since the epoch, for progress and summaries only (never for clinical times unless `--now` is absent).
func wallClock() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// A whole input file (or standard input for `-`), refusing one larger than `limit` bytes.
public func readWholeFile(_ path: String, limit: Int = 1 << 30) throws(TACEBridgeError) -> [UInt8] {
    let file = try InputFile(path: path)
    return try file.readAll(limit: limit)
}
