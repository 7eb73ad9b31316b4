/// Errors at the edge of TACEBridge, each with the exit code of BSD `sysexits.h` the CLI uses.
/// Messages name files, positions and reasons — never patient values or identifiers.
public struct TACEBridgeError: Error, CustomStringConvertible, Sendable {
    public enum Category: Int32, Sendable {
        case usage = 64          // EX_USAGE
        case dataFormat = 65     // EX_DATAERR: malformed or unsupported input
        case noInput = 66        // EX_NOINPUT: file missing or unreadable
        case cannotCreate = 73   // EX_CANTCREAT: output cannot be written
        case ioError = 74        // EX_IOERR
        case configuration = 78  // EX_CONFIG: bad mapping table or configuration
    }
    public var category: Category
    public var message: String
    public init(_ category: Category, _ message: String) {
        self.category = category
        self.message = message
    }
    public var exitCode: Int32 { category.rawValue }
    public var description: String { message }
}
