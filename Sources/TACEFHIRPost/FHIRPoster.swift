import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import TACEJSON

/// Sends a transaction Bundle to a FHIR server's base URL, retrying what may succeed later (connection
/// errors, 5xx, 429) with growing waits, never what the server refused (4xx).
///
/// A transaction is all or nothing on the server, and the Bundles TACEBridge writes create conditionally
/// by identifier, so sending one again after an unclear failure creates nothing twice.
public struct FHIRPoster: Sendable {
    public var baseURL: String
    /// Sent as `Authorization: Bearer …` when set.
    public var bearerToken: String?
    /// Attempts after the first.
    public var retries: Int
    /// Wait before the first retry, doubled for each further one.
    public var firstBackoffSeconds: Double
    public var timeoutSeconds: Int64
    /// Also report the server's `diagnostics` texts (they may quote what was sent, i.e. patient data).
    public var includeDiagnostics: Bool

    public init(baseURL: String, bearerToken: String? = nil, retries: Int = 3, firstBackoffSeconds: Double = 0.5,
                timeoutSeconds: Int64 = 60, includeDiagnostics: Bool = false) {
        self.baseURL = baseURL
        self.bearerToken = bearerToken
        self.retries = retries
        self.firstBackoffSeconds = firstBackoffSeconds
        self.timeoutSeconds = timeoutSeconds
        self.includeDiagnostics = includeDiagnostics
    }

    /// What the server answered.
    public struct Report: Sendable {
        /// The final HTTP status (0 when no answer came at all).
        public var httpStatus: Int = 0
        public var attempts = 0
        /// Entry statuses of a transaction-response (`201 Created`, `200 OK`, …) by count.
        public var entryStatuses: [String: Int] = [:]
        /// What the server refused: entry index (or nil for the whole Bundle), status, and its OperationOutcome
        /// issues as `severity code [expression]` (and diagnostics when asked for).
        public var refused: [(entry: Int?, status: String, issues: [String])] = []
        /// Why no usable answer came (connection failures after every retry).
        public var failure: String?
        public var succeeded: Bool { failure == nil && (200..<300).contains(httpStatus) && refused.isEmpty }
    }

    public func post(_ bundle: [UInt8]) async -> Report {
        var report = Report()
        var url = baseURL
        while url.hasSuffix("/") { url.removeLast() }
        var wait = firstBackoffSeconds
        for attempt in 0...max(0, retries) {
            report.attempts = attempt + 1
            if attempt > 0 {
                try? await Task.sleep(nanoseconds: UInt64(wait * 1_000_000_000))
                wait *= 2
            }
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/fhir+json")
            request.headers.add(name: "Accept", value: "application/fhir+json")
            if let bearerToken { request.headers.add(name: "Authorization", value: "Bearer " + bearerToken) }
            request.body = .bytes(ByteBuffer(bytes: bundle))
            do {
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(timeoutSeconds))
                let body = try await response.body.collect(upTo: 64 << 20)
                report.httpStatus = Int(response.status.code)
                let bytes = Array(body.readableBytesView)
                if response.status.code == 429 || response.status.code >= 500 {
                    report.failure = "HTTP \(response.status.code) after \(attempt + 1) attempt(s)"
                    continue
                }
                report.failure = nil
                read(bytes, status: Int(response.status.code), into: &report)
                return report
            } catch {
                report.failure = "no answer from the server after \(attempt + 1) attempt(s): \(error)"
            }
        }
        return report
    }

    /// Reads a transaction-response Bundle or an OperationOutcome.
    func read(_ bytes: [UInt8], status: Int, into report: inout Report) {
        guard let document = try? JSONDocument.parse(bytes) else {
            if !(200..<300).contains(status) { report.refused.append((nil, "HTTP \(status)", ["the answer is not JSON"])) }
            return
        }
        let root = document.root
        if root["resourceType"]?.stringEquals("OperationOutcome") == true {
            if !(200..<300).contains(status) { report.refused.append((nil, "HTTP \(status)", issues(root))) }
            return
        }
        guard let entries = root["entry"] else {
            if !(200..<300).contains(status) { report.refused.append((nil, "HTTP \(status)", [])) }
            return
        }
        for (i, entry) in entries.elements.enumerated() {
            let entryStatus = entry["response"]?["status"]?.string ?? "?"
            report.entryStatuses[entryStatus, default: 0] += 1
            let code = Int(entryStatus.prefix(3)) ?? 0
            if code >= 400 || code == 0 {
                report.refused.append((i, entryStatus, entry["response"]?["outcome"].map(issues) ?? []))
            }
        }
    }

    func issues(_ outcome: JSONValue) -> [String] {
        guard let issues = outcome["issue"] else { return [] }
        return issues.elements.map { issue in
            var text = (issue["severity"]?.string ?? "?") + " " + (issue["code"]?.string ?? "?")
            if let expression = issue["expression"]?[0]?.string { text += " [" + expression + "]" }
            if includeDiagnostics, let diagnostics = issue["diagnostics"]?.string { text += ": " + diagnostics }
            return text
        }
    }
}
