/// Progress lines on standard error for long inputs: sizes and counts only, never content.
final class ProgressReporter {
    let enabled: Bool
    private var last = wallClock()
    private let started = wallClock()

    init(enabled: Bool) { self.enabled = enabled }

    func update(file: String, bytes: Int, total: Int?, resources: Int) {
        guard enabled else { return }
        let now = wallClock()
        guard now - last >= 2 else { return }
        last = now
        var line = "tacebridge: \(file): \(bytes >> 20) MiB"
        if let total, total > 0 { line += " of \(total >> 20) MiB (\(bytes * 100 / total)%)" }
        let rate = Double(bytes) / max(now - started, 0.001) / 1_048_576
        line += ", \(resources) resources, \(Int(rate)) MiB/s"
        printError(line)
    }
}
