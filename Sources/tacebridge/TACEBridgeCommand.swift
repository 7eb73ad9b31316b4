import ArgumentParser
import TACEBridgeKit

@main
struct TACEBridgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tacebridge",
        abstract: "Reads liver-cancer patients' data (FHIR R4, HL7 v2, CDA, site-described XML) and writes TACE risk and refractoriness as FHIR R4.",
        discussion: """
        TACEBridge reads FHIR R4 JSON and NDJSON, HL7 v2 (ER7 or XML encoding), CDA R2 / C-CDA and XML lab
        reports described in mappings/xml-formats.csv, in any mix (the format of each file is detected from
        its content). It maps lab, imaging and procedure data through declarative tables (mappings/) into
        typed observations, computes p-TACE (with ALBI and Child-Pugh) before the first TACE, the
        refractoriness definitions (JSH-LCSGJ 2014 and 2021, IASL, Taiwan, Europe, Zhang 2022) and ART/ABCR
        from the TACE timeline, in a pure core, and writes FHIR R4 RiskAssessments.

        Examples:
          tacebridge score samples/fhir/*.json                     p-TACE for every patient, Bundle on stdout
          tacebridge score labs.hl7 imaging.xml procedures.json    one patient across HL7 v2, CDA and FHIR
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
        subcommands: [Score.self, Timeline.self, Convert.self, Mappings.self, Parameters.self, Ingest.self, DeadLetterCommand.self, Export.self, Serve.self]
    )
}
