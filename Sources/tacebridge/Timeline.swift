import ArgumentParser
import TACEBridgeKit
import TACEModel

struct Timeline: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print each patient's TACE timeline and every refractoriness definition's verdict.",
        discussion: """
        For each patient: the TACE sessions (selectivity, adequacy, intent, agent change, Child-Pugh, ALBI, AST
        before each), the imaging studies (which session each evaluates and how many days after it), tumor
        markers, other treatments, each definition's verdict with the clause behind it (or what is missing), and
        ART/ABCR. Nothing dated after the evaluation day (--as-of, else the run day) is used.

        Examples:
          tacebridge timeline samples/refractoriness/jsh-c1a-refractory.json
          tacebridge timeline --as-of 2025-04-01 --definitions jsh-lcsgj-2014,jsh-2021 patient.json
          tacebridge timeline --format json cohort.ndjson
        """
    )

    @OptionGroup var input: InputOptions
    @OptionGroup var config: ConfigurationOptions
    @OptionGroup var refractoriness: RefractorinessArguments

    @Option(name: .long, help: ArgumentHelp("The evaluation day (FHIR date or dateTime). Default: the day of the run.", valueName: "date"))
    var asOf: String?

    @Option(name: .long, help: ArgumentHelp("'text' (tables) or 'json'.", valueName: "text|json"))
    var format: String = "text"

    func validate() throws {
        if let asOf, ClinicalTime(fhir: asOf) == nil {
            throw ValidationError("--as-of must be a FHIR date or dateTime such as 2025-01-10")
        }
        if TimelineFormat(rawValue: format) == nil {
            throw ValidationError("--format must be 'text' or 'json', not '\(format)'")
        }
    }

    func run() throws {
        try runReportingErrors { () throws(TACEBridgeError) in
            var options = try buildOptions(input, config)
            options.asOf = asOf.flatMap { ClinicalTime(fhir: $0) }
            refractoriness.apply(to: &options)
            let summary = try Pipeline.timeline(options, format: TimelineFormat(rawValue: format) ?? .text)
            if !input.quiet { for line in summary.lines(command: "timeline", verbose: input.verbose) { printError(line) } }
        }
    }
}
