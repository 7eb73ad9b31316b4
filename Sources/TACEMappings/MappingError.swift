/// A problem in a mapping table, located by file and physical line.
///
/// The CLI prints `description` and exits with status 78 (`EX_CONFIG`): a bad table is a
/// configuration error, and TACEBridge never runs with a table it could only half read.
public struct MappingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The table as named to the user: `mappings/codes.csv` for an embedded default,
    /// or the path a site's file was read from.
    public var file: String
    /// 1-based physical line of the offending row; 0 when the file as a whole is wrong (e.g. empty).
    public var line: Int
    /// What is wrong, in words a site's integrator can act on.
    public var reason: String

    public init(file: String, line: Int, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    /// `file:line: reason`, or `file: reason` when no single line is at fault.
    public var description: String {
        line > 0 ? "\(file):\(line): \(reason)" : "\(file): \(reason)"
    }
}
