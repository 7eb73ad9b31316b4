#if canImport(Glibc)
import Glibc
#endif

/// A native MLLP load generator for `scripts/bench_mllp.py`: N connections to a loopback listener, each
/// sending ORU^R01 frames with at most `window` unacknowledged, all driven by one thread with `poll(2)`.
///
/// The Python clients it replaces took most of one of the machine's two cores themselves, so the
/// benchmark measured the clients as much as the server. This one costs a few microseconds per message.
/// The messages are the same bytes as `mllp_harness.oru` builds: one AFP result, `patients` patients.
/// Prints one line `mllp-load total=… aa=… other=… seconds=… p50_ms=… p99_ms=… max_ms=…` (and the
/// first non-AA code seen, if any) for the script to read; exits 1 when a connection fails or an ACK
/// arrives out of order.
enum MLLPLoadClient {
    struct Options {
        var port: UInt16 = 0
        var clients = 20
        var messages = 1_000
        var window = 8
        var patients = 200
        var prefix = "B"
    }

    private static let startByte: UInt8 = 0x0B, endByte: UInt8 = 0x1C, carriageReturn: UInt8 = 0x0D

    private struct Connection {
        var fd: Int32
        var nextToSend = 0
        var pending: [(control: Int, sentAt: Double)] = []
        var pendingHead = 0
        var outgoing: [UInt8] = []
        var incoming: [UInt8] = []
        var acknowledged = 0
    }

    static func run(_ options: Options) -> Int32 {
        var connections: [Connection] = []
        for _ in 0..<options.clients {
            guard let fd = connect(port: options.port) else {
                BenchMain.complain("mllp-load: cannot connect to 127.0.0.1:\(options.port): errno \(errno)")
                return 1
            }
            connections.append(Connection(fd: fd))
        }
        var latencies: [Double] = []
        latencies.reserveCapacity(options.clients * options.messages)
        var accepted = 0, other = 0
        var firstOther: String? = nil
        var pollSet = connections.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
        let started = monotonicSeconds()
        var open = options.clients
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while open > 0 {
            for i in connections.indices where connections[i].fd >= 0 {
                guard fill(&connections[i], client: i, options: options) else { return 1 }
                pollSet[i].events = Int16(POLLIN) | (connections[i].outgoing.isEmpty ? 0 : Int16(POLLOUT))
            }
            guard poll(&pollSet, nfds_t(pollSet.count), 30_000) > 0 else {
                BenchMain.complain("mllp-load: no ACK within 30 s")
                return 1
            }
            for i in connections.indices where connections[i].fd >= 0 && pollSet[i].revents & Int16(POLLIN | POLLERR | POLLHUP) != 0 {
                let got = buffer.withUnsafeMutableBytes { recv(connections[i].fd, $0.baseAddress, $0.count, 0) }
                if got <= 0 {
                    if got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { continue }
                    BenchMain.complain("mllp-load: connection \(i) closed by the server after \(connections[i].acknowledged) ACKs")
                    return 1
                }
                connections[i].incoming.append(contentsOf: buffer[0..<got])
                while let ack = nextFrame(&connections[i].incoming) {
                    guard let (code, latency) = acknowledge(ack, on: &connections[i], client: i, options: options) else { return 1 }
                    latencies.append(latency)
                    if code == "AA" { accepted += 1 } else { other += 1; firstOther = firstOther ?? code }
                    if connections[i].acknowledged == options.messages {
                        close(connections[i].fd)
                        connections[i].fd = -1
                        pollSet[i].fd = -1
                        open -= 1
                    }
                }
            }
        }
        let seconds = monotonicSeconds() - started
        latencies.sort()
        func percentile(_ p: Double) -> Double {
            guard !latencies.isEmpty else { return .nan }
            return latencies[min(latencies.count - 1, Int((p / 100 * Double(latencies.count - 1)).rounded()))] * 1000
        }
        print("mllp-load total=\(latencies.count) aa=\(accepted) other=\(other) seconds=\(seconds) "
              + "p50_ms=\(percentile(50)) p99_ms=\(percentile(99)) max_ms=\((latencies.last ?? .nan) * 1000)"
              + (firstOther.map { " first_other=\($0)" } ?? ""))
        return 0
    }

    /// Queues frames up to the window and writes what the socket takes; false on a send error.
    private static func fill(_ c: inout Connection, client: Int, options: Options) -> Bool {
        while c.nextToSend < options.messages && c.pending.count - c.pendingHead < options.window {
            appendFrame(client: client, n: c.nextToSend, options: options, to: &c.outgoing)
            c.pending.append((c.nextToSend, monotonicSeconds()))
            c.nextToSend += 1
        }
        guard !c.outgoing.isEmpty else { return true }
        let fd = c.fd
        let sent = c.outgoing.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if sent > 0 {
            c.outgoing.removeFirst(sent)
        } else if sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK {
            BenchMain.complain("mllp-load: send failed on connection \(client): errno \(errno)")
            return false
        }
        return true
    }

    /// Matches an ACK with the oldest unacknowledged frame: (MSA-1, latency in s), nil when out of order.
    private static func acknowledge(_ ack: [UInt8], on c: inout Connection, client: Int, options: Options) -> (String, Double)? {
        guard c.pendingHead < c.pending.count else {
            BenchMain.complain("mllp-load: connection \(client): an ACK for nothing sent")
            return nil
        }
        let expected = c.pending[c.pendingHead]
        c.pendingHead += 1
        let (code, control) = msa(ack)
        guard control == "\(options.prefix)\(client)-\(expected.control)" else {
            BenchMain.complain("mllp-load: connection \(client): ACK out of order")
            return nil
        }
        c.acknowledged += 1
        return (code, monotonicSeconds() - expected.sentAt)
    }

    /// The bytes of `mllp_harness.oru(control, patient, value)`, framed.
    private static func appendFrame(client: Int, n: Int, options: Options, to out: inout [UInt8]) {
        let control = "\(options.prefix)\(client)-\(n)"
        let patient = "P\((client * options.messages + n) % options.patients)"
        let value = "\(100 + n % 900)"
        out.append(startByte)
        out.append(contentsOf: "MSH|^~\\&|LAB|HOSP|TACE|HOSP|20250505075000||ORU^R01|\(control)|P|2.5\r".utf8)
        out.append(contentsOf: "PID|1||\(patient)^^^HOSP^MR||DOE^JANE||19600101|F\r".utf8)
        out.append(contentsOf: "OBR|1||\(control)|1834-1^AFP^LN|||20250505075000\r".utf8)
        out.append(contentsOf: "OBX|1|NM|1834-1^Alpha-1-Fetoprotein^LN||\(value)|ng/mL|||||F|||20250505075000\r".utf8)
        out.append(endByte)
        out.append(carriageReturn)
    }

    /// Removes and returns the content of the first complete frame in `bytes`, if there is one.
    private static func nextFrame(_ bytes: inout [UInt8]) -> [UInt8]? {
        guard let start = bytes.firstIndex(of: startByte),
              let end = bytes[start...].firstIndex(of: endByte) else { return nil }
        let content = Array(bytes[(start + 1)..<end])
        var consumed = end + 1
        if consumed < bytes.count && bytes[consumed] == carriageReturn { consumed += 1 }
        bytes.removeFirst(consumed)
        return content
    }

    /// MSA-1 and MSA-2 of an ACK (field separator `|`, segments ended by CR).
    private static func msa(_ ack: [UInt8]) -> (String, String) {
        for segment in ack.split(separator: carriageReturn) where segment.starts(with: "MSA".utf8) {
            let fields = segment.split(separator: UInt8(ascii: "|"), omittingEmptySubsequences: false)
            let code = fields.count > 1 ? String(decoding: fields[1], as: UTF8.self) : ""
            let control = fields.count > 2 ? String(decoding: fields[2], as: UTF8.self) : ""
            return (code, control)
        }
        return ("", "")
    }

    private static func connect(port: UInt16) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { close(fd); return nil }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        return fd
    }

    private static func monotonicSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
