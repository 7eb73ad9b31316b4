import ArgumentParser
import TACEBridgeKit
import TACEFHIRReader
import TACEFHIRWriter
import TACEModel

struct InputOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("Input files: FHIR R4 JSON (a resource or a Bundle of any type), NDJSON, HL7 v2 ER7 messages, or CDA R2 / C-CDA XML. '-' reads standard input.",
                                 valueName: "file"))
    var files: [String] = []

    @Option(name: .long, help: ArgumentHelp("A folder with a site's codes.csv, values.csv, hl7v2-coding-systems.csv, assigning-authorities.csv, code-system-oids.csv and/or xml-formats.csv, merged over the default tables (see docs/mappings.md).",
                                            valueName: "dir"))
    var mappings: String?

    @Option(name: [.short, .long], help: ArgumentHelp("Write the FHIR Bundle to this file instead of standard output (written atomically).", valueName: "file"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("What to do with a resource that is not valid FHIR R4 where TACEBridge reads it: 'fail' (stop with its file and JSON path) or 'skip' (count it and go on).", valueName: "fail|skip"))
    var onInvalid: String = "fail"

    @Option(name: .long, help: ArgumentHelp("The time of the run (Bundle.timestamp, Provenance.recorded). Default: now. Set it for reproducible output.", valueName: "dateTime"))
    var now: String?

    @Flag(name: .long, help: "Write compact JSON instead of indented JSON.")
    var compact = false

    @Flag(name: .long, help: "Print progress lines on standard error while reading large inputs.")
    var progress = false

    @Flag(name: .long, help: "Add each normalized observation's source file and position as an extension (off by default: local paths do not belong in resources sent to a server).")
    var traceSource = false

    @Flag(name: [.short, .long], help: "List every item that could not be used (file, JSON path, reason; never patient values).")
    var verbose = false

    @Flag(name: [.short, .long], help: "Print no summary on standard error.")
    var quiet = false

    func validate() throws {
        if files.isEmpty {
            throw ValidationError("give at least one input file, or '-' for standard input")
        }
        if InvalidResourcePolicy(rawValue: onInvalid) == nil {
            throw ValidationError("--on-invalid must be 'fail' or 'skip', not '\(onInvalid)'")
        }
        if let now, ClinicalTime(fhir: now) == nil {
            throw ValidationError("--now must be a FHIR date or dateTime such as 2025-01-10 or 2025-01-10T09:30:00+01:00")
        }
    }
}

struct ConfigurationOptions: ParsableArguments {
    @Option(name: .customLong("set"), help: ArgumentHelp("Set a named parameter, e.g. --set ptace.probabilitySource=logisticModel or --set afp.ngPerIU=1.28. Repeatable. 'tacebridge parameters' lists them.", valueName: "name=value"))
    var settings: [String] = []

    @Option(name: .long, help: ArgumentHelp("A file of 'name = value' lines ('#' comments), applied before --set.", valueName: "file"))
    var config: String?
}

/// Runs a command body, turning TACEBridge errors into their message on stderr and exit code.
func runReportingErrors(_ body: () throws(TACEBridgeError) -> Void) throws {
    do {
        try body()
    } catch {
        printError("tacebridge: error: \(error.message)")
        throw ExitCode(error.exitCode)
    }
}

func buildOptions(_ input: InputOptions, _ config: ConfigurationOptions) throws(TACEBridgeError) -> RunOptions {
    var setup = try Setup.load(mappingsDirectory: input.mappings, configFile: config.config, settings: config.settings)
    let now = input.now.flatMap { ClinicalTime(fhir: $0) } ?? Setup.clockNow()
    var options = RunOptions(files: input.files, mappings: setup.mappings, configuration: setup.configuration, now: now)
    options.invalidPolicy = InvalidResourcePolicy(rawValue: input.onInvalid) ?? .fail
    options.output = input.output
    options.pretty = !input.compact
    options.progress = input.progress
    options.traceSource = input.traceSource
    options.verbose = input.verbose
    options.refractoriness.configuration = setup.refractoriness
    setup.mappings = options.mappings
    let overrides = setup.mappings.siteOverrides.count
    if overrides > 0 && !input.quiet {
        printError("tacebridge: note: \(overrides) row\(overrides == 1 ? "" : "s") of --mappings \(input.mappings ?? "") change\(overrides == 1 ? "s" : "") the meaning of a default mapping (listed by: tacebridge mappings --mappings \(input.mappings ?? ""))")
    }
    return options
}

/// `--definitions` and the other refractoriness switches shared by `score` and `timeline`.
struct RefractorinessArguments: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Refractoriness definitions to evaluate, comma-separated: jsh-lcsgj-2014, jsh-2021, iasl, taiwan, europe, zhang-2022, or 'all' (default, JSH-LCSGJ 2014 first) or 'none'.",
                                            valueName: "ids"))
    var definitions: String = "all"

    @Flag(name: .long, help: "Do not compute ART and ABCR.")
    var noRetreatmentScores = false

    func validate() throws {
        if case .failure(let e) = RefractorinessOptions.parseDefinitions(definitions) { throw ValidationError(e.message) }
    }

    func apply(to options: inout RunOptions) {
        if case .success(let d) = RefractorinessOptions.parseDefinitions(definitions) { options.refractoriness.definitions = d }
        options.refractoriness.reTreatmentScores = !noRetreatmentScores
    }
}
