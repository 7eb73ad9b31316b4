import ArgumentParser
import TACEBridgeKit
import TACEFHIRWriter

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the normalized observations as a FHIR R4 collection Bundle (canonical codes, UCUM units).",
        discussion: """
        The FHIR-converter face of TACEBridge: every mapped result becomes an Observation coded with its
        TACEBridge concept and valued in the concept's canonical UCUM unit (TACE sessions become Procedures,
        HCC diagnoses Conditions). The source code, value and unit, the conversion applied and the source
        position are kept in extensions. NDJSON input is streamed: memory stays flat as files grow.
        Everything that cannot be used is counted on stderr (--verbose lists each with its JSON path).

        Examples:
          tacebridge convert samples/fhir/ptace-grade2.json
          tacebridge convert --compact -o out.json bulk/Observation.ndjson
          cat bundle.json | tacebridge convert -
        """
    )

    @OptionGroup var input: InputOptions
    @OptionGroup var config: ConfigurationOptions

    func run() throws {
        try runReportingErrors { () throws(TACEBridgeError) in
            let options = try buildOptions(input, config)
            let summary = try Pipeline.convert(options)
            if !input.quiet { for line in summary.lines(command: "convert", verbose: input.verbose) { printError(line) } }
        }
    }
}
