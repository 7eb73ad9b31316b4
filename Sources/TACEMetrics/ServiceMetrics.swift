import Synchronization

/// The service's counters and latency histograms, shared by the MLLP listener and the HTTP server and
/// rendered as Prometheus text by `/metrics`. Labels are fixed names and route patterns only: no patient
/// data, no raw paths or query strings ever become a label.
public final class ServiceMetrics: Sendable {
    /// The counters of the MLLP listener.
    public enum Counter: String, Sendable, CaseIterable {
        /// Frames with a message in them (before ingest decides anything).
        case mllpMessagesReceived = "tacebridge_mllp_messages_received_total"
        /// Committed for the first time (ACK AA).
        case mllpStored = "tacebridge_mllp_messages_stored_total"
        /// Resends of a message already committed (ACK AA, nothing written).
        case mllpDuplicates = "tacebridge_mllp_messages_duplicate_total"
        /// Kept in the dead-letter table (ACK AE).
        case mllpDeadLettered = "tacebridge_mllp_messages_dead_lettered_total"
        /// Not kept: unreadable or the store failed (ACK AR/AE).
        case mllpRefused = "tacebridge_mllp_messages_refused_total"
        /// Frames over the size limit (ACK AR, content discarded unread).
        case mllpOversized = "tacebridge_mllp_frames_oversized_total"
        /// Bytes outside any frame (junk between frames, truncated frames).
        case mllpBytesDiscarded = "tacebridge_mllp_bytes_discarded_total"
        case mllpConnectionsOpened = "tacebridge_mllp_connections_opened_total"
        /// Connections closed by the listener after the idle timeout.
        case mllpConnectionsIdleClosed = "tacebridge_mllp_connections_idle_closed_total"

        var help: String {
            switch self {
            case .mllpMessagesReceived: return "MLLP frames holding a message, received."
            case .mllpStored: return "HL7 v2 messages committed to the store (ACK AA)."
            case .mllpDuplicates: return "HL7 v2 messages already stored: resends (ACK AA, nothing written)."
            case .mllpDeadLettered: return "HL7 v2 messages kept in the dead-letter table (ACK AE)."
            case .mllpRefused: return "HL7 v2 messages not kept: unreadable (AR) or store failure (AE)."
            case .mllpOversized: return "MLLP frames over the size limit (ACK AR)."
            case .mllpBytesDiscarded: return "Bytes received outside any MLLP frame."
            case .mllpConnectionsOpened: return "MLLP connections accepted."
            case .mllpConnectionsIdleClosed: return "MLLP connections closed after the idle timeout."
            }
        }
    }

    /// Histogram bucket upper bounds, in seconds.
    public static let latencyBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    struct Histogram {
        var counts = [Int](repeating: 0, count: ServiceMetrics.latencyBuckets.count)
        var count = 0
        var sum = 0.0
        mutating func observe(_ seconds: Double) {
            if let i = ServiceMetrics.latencyBuckets.firstIndex(where: { seconds <= $0 }) { counts[i] += 1 }
            count += 1
            sum += seconds
        }
    }

    struct HTTPKey: Hashable, Comparable {
        var method: String
        var route: String
        var status: Int
        static func < (a: HTTPKey, b: HTTPKey) -> Bool {
            (a.route, a.method, a.status) < (b.route, b.method, b.status)
        }
    }

    struct State {
        var counters: [Counter: Int] = [:]
        var ackLatency = Histogram()
        var httpRequests: [HTTPKey: Int] = [:]
        var httpLatency = Histogram()
        var openConnections = 0
    }

    private let state = Mutex(State())

    public init() {}

    public func increment(_ counter: Counter, by amount: Int = 1) {
        state.withLock { $0.counters[counter, default: 0] += amount }
    }

    /// The current value of `counter` (tests, health).
    public func value(_ counter: Counter) -> Int {
        state.withLock { $0.counters[counter, default: 0] }
    }

    /// Time from a frame's last byte read to its ACK written.
    public func observeACKLatency(seconds: Double) {
        state.withLock { $0.ackLatency.observe(seconds) }
    }

    /// How many ACK latencies were observed.
    public var ackCount: Int { state.withLock { $0.ackLatency.count } }

    public func connectionOpened() {
        state.withLock {
            $0.openConnections += 1
            $0.counters[.mllpConnectionsOpened, default: 0] += 1
        }
    }

    public func connectionClosed() {
        state.withLock { $0.openConnections -= 1 }
    }

    /// Open MLLP connections now.
    public var openConnections: Int { state.withLock { $0.openConnections } }

    /// One HTTP request: `route` is the matched route pattern (for example `/fhir/Patient/{id}/$assess`),
    /// never the request's own path.
    public func recordHTTP(method: String, route: String, status: Int, seconds: Double) {
        state.withLock {
            $0.httpRequests[HTTPKey(method: method, route: route, status: status), default: 0] += 1
            $0.httpLatency.observe(seconds)
        }
    }

    /// Prometheus text exposition format 0.0.4.
    public func prometheusText() -> String {
        let s = state.withLock { $0 }
        var out = ""
        for counter in Counter.allCases {
            out += "# HELP \(counter.rawValue) \(counter.help)\n# TYPE \(counter.rawValue) counter\n"
            out += "\(counter.rawValue) \(s.counters[counter, default: 0])\n"
        }
        out += "# HELP tacebridge_mllp_connections_open MLLP connections open now.\n# TYPE tacebridge_mllp_connections_open gauge\n"
        out += "tacebridge_mllp_connections_open \(s.openConnections)\n"
        out += Self.histogramText(name: "tacebridge_mllp_ack_latency_seconds",
                                  help: "Time from an MLLP frame received to its ACK written.", s.ackLatency)
        out += "# HELP tacebridge_http_requests_total HTTP requests by method, route pattern and status.\n"
        out += "# TYPE tacebridge_http_requests_total counter\n"
        for (key, n) in s.httpRequests.sorted(by: { $0.key < $1.key }) {
            out += "tacebridge_http_requests_total{method=\"\(Self.escape(key.method))\",route=\"\(Self.escape(key.route))\",status=\"\(key.status)\"} \(n)\n"
        }
        out += Self.histogramText(name: "tacebridge_http_request_duration_seconds", help: "HTTP request handling time.", s.httpLatency)
        return out
    }

    static func histogramText(name: String, help: String, _ h: Histogram) -> String {
        var out = "# HELP \(name) \(help)\n# TYPE \(name) histogram\n"
        var cumulative = 0
        for (i, bound) in latencyBuckets.enumerated() {
            cumulative += h.counts[i]
            out += "\(name)_bucket{le=\"\(bound)\"} \(cumulative)\n"
        }
        out += "\(name)_bucket{le=\"+Inf\"} \(h.count)\n"
        out += "\(name)_sum \(h.sum)\n"
        out += "\(name)_count \(h.count)\n"
        return out
    }

    /// Label value escaping (backslash, quote, newline).
    static func escape(_ value: String) -> String {
        var out = ""
        for c in value {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }
}
