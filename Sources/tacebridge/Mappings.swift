import ArgumentParser
import TACEBridgeKit

struct Mappings: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load and validate the mapping tables (defaults, plus a site's folder) and print a summary.",
        discussion: """
        Exits 78 with file, line and reason if a row is bad. Use it to check a site's tables (codes.csv, values.csv,
        xml-formats.csv, …) before deploying them; the XPaths of xml-formats.csv are compiled with libxml2. Site rows
        that give a default code another concept (or a default coded answer another value) are listed one by one;
        score and convert mention their number on stderr.

        Example:
          tacebridge mappings --mappings samples/site-local/mappings
        """
    )

    @Option(name: .long, help: ArgumentHelp("A folder with a site's codes.csv, values.csv, hl7v2-coding-systems.csv, assigning-authorities.csv, code-system-oids.csv and/or xml-formats.csv.", valueName: "dir"))
    var mappings: String?

    func run() throws {
        try runReportingErrors { () throws(TACEBridgeError) in
            let setup = try Setup.load(mappingsDirectory: mappings, configFile: nil, settings: [])
            print(setup.mappings.summary)
            let overrides = setup.mappings.siteOverrides
            if !overrides.isEmpty {
                print("\(overrides.count) site row\(overrides.count == 1 ? "" : "s") change\(overrides.count == 1 ? "s" : "") a default mapping:")
                for o in overrides { print("  \(o)") }
            }
        }
    }
}

struct Parameters: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List every named configuration parameter with its default (set them with --set name=value).",
        discussion: "Values the clinical reference marks unverified or conflicting are parameters; the values in force are echoed in each RiskAssessment's rationale."
    )

    @OptionGroup var config: ConfigurationOptions

    func run() throws {
        try runReportingErrors { () throws(TACEBridgeError) in
            let setup = try Setup.load(mappingsDirectory: nil, configFile: config.config, settings: config.settings)
            for line in setup.parameterLines { print(line) }
        }
    }
}
