#if canImport(Glibc)
import Glibc
#endif
import TACEMappings
import TACEModel
import TACERefractoriness
import TACEScoring
import TACESiteXMLReader

/// Start-up: loads and validates the mapping tables and the configuration. Every failure is
/// exit 78 (configuration) naming the file, the line and the reason, before any input is read.
public struct Setup: Sendable {
    public var mappings: MappingTables
    public var configuration: ScoringConfiguration
    /// Refractoriness parameters (clinical reference §4.9), set with the same `--set` / config file.
    public var refractoriness = RefractorinessConfiguration()

    public static func load(mappingsDirectory: String?, configFile: String?, settings: [String]) throws(TACEBridgeError) -> Setup {
        var tables: MappingTables
        do {
            tables = try MappingTables.defaults()
        } catch {
            throw TACEBridgeError(.configuration, "default mapping table \(error.description)")
        }
        if let directory = mappingsDirectory {
            var st = stat()
            guard stat(directory, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
                throw TACEBridgeError(.configuration, "--mappings \(directory): not a directory")
            }
            let codesPath = directory + "/codes.csv", valuesPath = directory + "/values.csv"
            let codes = try readOptionalText(codesPath), values = try readOptionalText(valuesPath)
            let systemsPath = directory + "/hl7v2-coding-systems.csv", authoritiesPath = directory + "/assigning-authorities.csv"
            let systems = try readOptionalText(systemsPath), authorities = try readOptionalText(authoritiesPath)
            let xmlFormatsPath = directory + "/xml-formats.csv"
            let xmlFormats = try readOptionalText(xmlFormatsPath)
            let oidsPath = directory + "/code-system-oids.csv"
            let oids = try readOptionalText(oidsPath)
            if codes == nil && values == nil && systems == nil && authorities == nil && xmlFormats == nil && oids == nil {
                throw TACEBridgeError(.configuration, "--mappings \(directory): contains none of codes.csv, values.csv, hl7v2-coding-systems.csv, assigning-authorities.csv, xml-formats.csv, code-system-oids.csv")
            }
            do {
                tables = try tables.merging(codes: codes, codesFile: codesPath, values: values, valuesFile: valuesPath)
                tables = try tables.mergingHL7v2(codingSystems: systems, codingSystemsFile: systemsPath,
                                                 authorities: authorities, authoritiesFile: authoritiesPath)
                tables = try tables.mergingXMLFormats(xmlFormats, file: xmlFormatsPath)
                tables = try tables.mergingCodeSystemOIDs(oids, file: oidsPath)
            } catch {
                throw TACEBridgeError(.configuration, error.description)
            }
        }
        // The XPaths of xml-formats.csv (defaults and site) compile with libxml2, or exit 78.
        do {
            try SiteXMLFormatCheck.check(tables.xmlFormats)
        } catch {
            throw TACEBridgeError(.configuration, error.description)
        }
        var configuration = ScoringConfiguration()
        var refractoriness = RefractorinessConfiguration()
        var assignments: [(String, String, String)] = []  // name, value, where
        if let configFile {
            guard let text = try readOptionalText(configFile) else {
                throw TACEBridgeError(.noInput, "\(configFile): cannot read configuration file")
            }
            var lineNumber = 0
            for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
                lineNumber += 1
                let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
                if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { continue }
                guard let eq = line.firstIndex(of: "=") else {
                    throw TACEBridgeError(.configuration, "\(configFile):\(lineNumber): expected 'name = value'")
                }
                assignments.append((trim(line[..<eq]), trim(line[line.index(after: eq)...]), "\(configFile):\(lineNumber)"))
            }
        }
        for s in settings {
            guard let eq = s.firstIndex(of: "=") else {
                throw TACEBridgeError(.usage, "--set \(s): expected name=value")
            }
            assignments.append((trim(s[..<eq]), trim(s[s.index(after: eq)...]), "--set"))
        }
        for (name, value, origin) in assignments {
            if tables.parameters[name] != nil {
                guard let number = Double(value) else {
                    throw TACEBridgeError(.configuration, "\(origin): \(name) must be a positive number, not '\(value)'")
                }
                do { tables = try tables.settingParameter(name, to: number) } catch {
                    throw TACEBridgeError(.configuration, "\(origin): \(error.reason)")
                }
            } else if RefractorinessConfiguration.knows(name) {
                do { try refractoriness.set(name, to: value) } catch {
                    throw TACEBridgeError(.configuration, "\(origin): \(error)")
                }
            } else {
                do { try configuration.set(name, to: value) } catch {
                    var e = error
                    if e.reason == .unknownName {
                        e.accepted += "; refractoriness: " + RefractorinessConfiguration.parameterNames.joined(separator: ", ")
                    }
                    throw TACEBridgeError(.configuration, "\(origin): \(e)")
                }
            }
        }
        return Setup(mappings: tables, configuration: configuration, refractoriness: refractoriness)
    }

    /// `name = value` lines for every parameter in force, scoring configuration and unit-conversion parameters.
    public var parameterLines: [String] {
        var lines = ["# \(ScoringConfiguration.version)"]
        lines += configuration.echo.map { "\($0.name) = \($0.value)" }
        lines += mappings.parameters.sorted { $0.key < $1.key }.map { "\($0.key) = \(formatNumber($0.value))" }
        lines.append("# \(RefractorinessConfiguration.version)")
        lines += refractoriness.echo.map { "\($0.name) = \($0.value)" }
        return lines
    }

    /// The current time from the system clock, in UTC, to the second.
    public static func clockNow() -> ClinicalTime {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return ClinicalTime(epochSeconds: Double(ts.tv_sec), utcOffsetSeconds: 0, precision: .second)
    }
}

func trim<S: StringProtocol>(_ s: S) -> String {
    var sub = Substring(s)
    while let f = sub.first, f == " " || f == "\t" || f == "\r" { sub.removeFirst() }
    while let l = sub.last, l == " " || l == "\t" || l == "\r" { sub.removeLast() }
    return String(sub)
}

func formatNumber(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
}

/// The text of a file, `nil` if it does not exist; an unreadable existing file is an error (66).
func readOptionalText(_ path: String) throws(TACEBridgeError) -> String? {
    var st = stat()
    guard stat(path, &st) == 0 else { return nil }
    let file = try InputFile(path: path)
    let bytes = try file.readAll(limit: 64 << 20)
    guard let text = String(validating: bytes, as: UTF8.self) else {
        throw TACEBridgeError(.configuration, "\(path): not valid UTF-8")
    }
    return text
}
