import ArgumentParser
import TACEBridgeKit

@main
struct TACEBridgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tacebridge",
        abstract: "Reads liver-cancer patients' FHIR R4 data and writes p-TACE risk as FHIR R4 RiskAssessments.",
        discussion: """
        TACEBridge maps lab, imaging and procedure data through declarative tables (mappings/) into typed
        observations, computes the p-TACE score (with ALBI and Child-Pugh) in a pure core, and writes FHIR R4.

        Examples:
          tacebridge score samples/fhir/*.json                     p-TACE for every patient, Bundle on stdout
          tacebridge score --as-of 2025-01-10 patient.json         score as of a given date
          tacebridge score --bundle transaction -o tx.json in.json ready to POST to a FHIR server
          tacebridge timeline patient.json                         sessions, responses, markers, verdicts
          tacebridge convert export.ndjson -o normalized.json      normalized observations (FHIR converter)
          tacebridge mappings --mappings site/                     check a site's mapping tables

        Exit codes: 0 success (also when some patients lack data), 64 usage, 65 malformed or unsupported
        input, 66 unreadable file, 73 output not writable, 78 bad mapping table or configuration.
        Diagnostics go to standard error and never contain patient values or identifiers.
        """,
        version: "0.1.0",
        subcommands: [Score.self, Timeline.self, Convert.self, Mappings.self, Parameters.self]
    )
}
