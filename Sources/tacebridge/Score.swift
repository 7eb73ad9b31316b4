import ArgumentParser
import TACEBridgeKit
import TACEFHIRWriter
import TACEModel

struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compute p-TACE (with ALBI and Child-Pugh), TACE refractoriness and ART/ABCR per patient and write FHIR R4 RiskAssessments.",
        discussion: """
        For each patient: a score Observation (ptace-total with per-factor points and the grade), ALBI and,
        when ascites and encephalopathy are recorded, Child-Pugh Observations, a RiskAssessment (method p-tace,
        outcome tace-refractoriness, probabilityDecimal as a fraction 0-1, qualitativeRisk, rationale with the
        arithmetic, basis referencing every input) and a Provenance. A patient lacking an input gets an
        OperationOutcome (warning, incomplete) naming the missing concepts and the reachable point interval:
        a missing factor is never scored as 0.

        For each patient with a TACE session on or before the evaluation day (--as-of, else the run day): one
        RiskAssessment per refractoriness definition (--definitions; method = the definition and its
        configuration, qualitativeRisk = refractory / not-refractory / indeterminate, rationale = the clauses met
        with dates and evidence, or what is missing), and ART and ABCR (a score Observation and a RiskAssessment,
        or an OperationOutcome saying why not computed). See docs/refractoriness.md.

        Inputs are the latest final/amended/corrected results at or before the index date within the lookback
        (labs 30 days, imaging 60 days; --set ptace.labLookbackDays=N). The index date is --as-of if given,
        else the patient's first TACE procedure, else the time of the run; the output states which.

        Examples:
          tacebridge score samples/fhir/ptace-grade5.json
          tacebridge score --as-of 2025-01-10T09:30:00+08:00 patient.json
          tacebridge score --mappings samples/site-local/mappings samples/site-local/patient.json
          tacebridge score --set ptace.probabilitySource=logisticModel cohort.ndjson
          tacebridge score --bundle transaction -o tx.json cohort.ndjson   (OperationOutcomes go to stderr)
          tacebridge score --definitions jsh-lcsgj-2014,zhang-2022 --set jsh.requireModification=true timeline.json
        """
    )

    @OptionGroup var input: InputOptions
    @OptionGroup var config: ConfigurationOptions
    @OptionGroup var refractoriness: RefractorinessArguments

    @Flag(name: .long, help: "Also write each refractoriness verdict in the Observation form (clinical reference 9.6).")
    var refractorinessObservations = false

    @Option(name: .long, help: ArgumentHelp("Index date for every patient (FHIR date or dateTime). Default: each patient's first TACE, else the run time.", valueName: "dateTime"))
    var asOf: String?

    @Option(name: .long, help: ArgumentHelp("'collection' (all results, OperationOutcomes included) or 'transaction' (only resources to store, as idempotent conditional creates).", valueName: "collection|transaction"))
    var bundle: String = "collection"

    func validate() throws {
        if let asOf, ClinicalTime(fhir: asOf) == nil {
            throw ValidationError("--as-of must be a FHIR date or dateTime such as 2025-01-10 or 2025-01-10T09:30:00+01:00")
        }
        if OutputBundleType(rawValue: bundle) == nil {
            throw ValidationError("--bundle must be 'collection' or 'transaction', not '\(bundle)'")
        }
    }

    func run() throws {
        try runReportingErrors { () throws(TACEBridgeError) in
            var options = try buildOptions(input, config)
            options.asOf = asOf.flatMap { ClinicalTime(fhir: $0) }
            options.bundleType = OutputBundleType(rawValue: bundle) ?? .collection
            refractoriness.apply(to: &options)
            options.refractoriness.observationForm = refractorinessObservations
            let transaction = options.bundleType == .transaction
            let summary = try Pipeline.score(options) { incomplete in
                // In a transaction Bundle there is no place for them: OperationOutcomes go to stderr.
                if transaction { printError(OperationOutcomeText.json(incomplete.message)) }
            }
            if !input.quiet { for line in summary.lines(command: "score", verbose: input.verbose) { printError(line) } }
        }
    }
}
