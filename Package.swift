// swift-tools-version:6.0
// The target dependencies below *are* the architecture (see docs/architecture.md):
//
//   TACEModel  <-  TACEScoring                      (pure core: no I/O, no JSON, no clock)
//   TACEModel, TACEScoring <- TACERefractoriness    (pure core: patient timeline, refractoriness definitions,
//                                                    ART/ABCR; Child-Pugh/ALBI come from TACEScoring)
//   TACEModel  <-  TACEMappings                     (declarative tables from mappings/)
//   TACEJSON                                        (byte-level JSON reader/writer, knows no FHIR)
//   TACEModel, TACEMappings, TACEJSON <- TACEFHIRReader      (FHIR R4 JSON -> typed observations)
//   TACEModel, TACEScoring, TACERefractoriness, TACEJSON <- TACEFHIRWriter (results -> FHIR R4 JSON)
//   TACEHL7v2 (ER7 bytes -> messages, ACKs), CLibXML2 <- TACEXML (hardened libxml2): legacy-format
//   foundations for issue 3
//   TACEModel, TACEMappings, TACEHL7v2, TACEFHIRReader <- TACEHL7v2Reader (HL7 v2 results -> typed
//   observations; reuses the FHIR reader's output and report types, which the pipeline consumes)
//   TACEHL7v2, TACEXML <- TACEHL7v2XML (HL7 v2 XML encoding -> the same HL7Message model)
//   TACEModel, TACEMappings, TACEXML, TACEFHIRReader <- TACESiteXMLReader (XML lab reports described
//   by a site's rows in xml-formats.csv -> typed observations; checks the rows' XPaths at start-up)
//   TACEModel, TACEMappings, TACEXML, TACEFHIRReader <- TACECDAReader (CDA R2 / C-CDA -> typed
//   observations; the same output and report types, nothing else of the FHIR reader)
//   TACEStore, TACEModel <- TACEStoreConformance (the ClinicalStore contract as runnable checks, no test framework)
//   TACEStore + GRDB <- TACEStoreSQLite; TACEStore + postgres-nio <- TACEStorePostgres; both <- TACEStores (openStore)
//   everything above <- TACEBridgeKit (files, format detection, pipeline) <- tacebridge (CLI)
//
// Readers and writers never import each other; the scoring core imports only the model.
import PackageDescription

let package = Package(
    name: "TACEBridge",
    products: [
        .executable(name: "tacebridge", targets: ["tacebridge"]),
        .executable(name: "tacebridge-bench", targets: ["tacebridge-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Export to a FHIR server only (TACEFHIRPost).
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // Store backends only (issue 5): no other target may depend on these two.
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // Issue 5 service edges only (TACEMLLP, TACEHTTP, the serve command): nothing below TACEIngest uses them.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // libm: rounding and log10 in the pure core need it even where Foundation is not linked.
        .target(name: "TACEModel", linkerSettings: [.linkedLibrary("m")]),
        .target(name: "TACEScoring", dependencies: ["TACEModel"]),
        .target(name: "TACERefractoriness", dependencies: ["TACEModel", "TACEScoring"]),
        .executableTarget(name: "embed-mappings", path: "Sources/embed-mappings"),
        .plugin(name: "EmbedMappings", capability: .buildTool(), dependencies: ["embed-mappings"]),
        .target(name: "TACEMappings", dependencies: ["TACEModel"], plugins: ["EmbedMappings"]),
        .target(name: "TACEJSON"),
        // Legacy formats (issue 3): byte-level parsers that know no project types yet.
        .target(name: "TACEHL7v2"),
        .systemLibrary(name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .target(name: "TACEXML", dependencies: ["CLibXML2"]),
        .target(name: "TACEFHIRReader", dependencies: ["TACEModel", "TACEMappings", "TACEJSON"]),
        // HL7 v2 results -> typed observations, into the FHIR reader's output and report types.
        .target(name: "TACEHL7v2Reader", dependencies: ["TACEModel", "TACEMappings", "TACEHL7v2", "TACEFHIRReader"]),
        // HL7 v2 XML (v2.xml) -> the ER7 parser's message model; the two foundations stay apart.
        .target(name: "TACEHL7v2XML", dependencies: ["TACEHL7v2", "TACEXML"]),
        // Site-described XML lab reports (mappings/xml-formats.csv) -> typed observations.
        .target(name: "TACESiteXMLReader", dependencies: ["TACEModel", "TACEMappings", "TACEXML", "TACEFHIRReader"]),
        // CDA R2 / C-CDA -> typed observations, into the FHIR reader's output and report types.
        .target(name: "TACECDAReader", dependencies: ["TACEModel", "TACEMappings", "TACEXML", "TACEFHIRReader"]),
        // Issue 5: the longitudinal store interface (no database code; backends are separate targets).
        .target(name: "TACEStore", dependencies: ["TACEModel"]),
        // Every clause of the ClinicalStore contract as a check any backend's tests can run.
        .target(name: "TACEStoreConformance", dependencies: ["TACEStore", "TACEModel"]),
        .target(name: "TACEStoreSQLite", dependencies: ["TACEStore", "TACEModel", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "TACEStorePostgres", dependencies: ["TACEStore", "TACEModel", .product(name: "PostgresNIO", package: "postgres-nio")]),
        // Picks the backend from a location: postgres:// URL or SQLite file path.
        .target(name: "TACEStores", dependencies: ["TACEStore", "TACEStoreSQLite", "TACEStorePostgres"]),
        .target(name: "TACEFHIRWriter", dependencies: ["TACEModel", "TACEScoring", "TACERefractoriness", "TACEJSON"]),
        .target(
            name: "TACEBridgeKit",
            dependencies: ["TACEModel", "TACEScoring", "TACERefractoriness", "TACEMappings", "TACEJSON", "TACEFHIRReader", "TACEFHIRWriter",
                           "TACEHL7v2", "TACEHL7v2Reader", "TACEXML", "TACEHL7v2XML", "TACESiteXMLReader", "TACECDAReader"]
        ),
        // Issue 5: units -> store -> recompute -> versioned RiskAssessments; knows no sockets or HTTP.
        .target(name: "TACEIngest", dependencies: ["TACEBridgeKit", "TACEStore", "TACEModel", "TACEScoring", "TACERefractoriness",
                                                   "TACEMappings", "TACEJSON", "TACEFHIRReader", "TACEFHIRWriter", "TACEHL7v2",
                                                   "TACEHL7v2Reader", "TACECDAReader", "TACEXML"]),
        // Issue 5: the service's counters and histograms (Prometheus text); no dependencies.
        .target(name: "TACEMetrics"),
        // Issue 5: MLLP over TCP (SwiftNIO) -> ClinicalIngest.receiveHL7v2 -> framed ACK, in order per connection.
        .target(name: "TACEMLLP", dependencies: ["TACEIngest", "TACEHL7v2", "TACEMetrics",
                                                 .product(name: "NIOCore", package: "swift-nio"),
                                                 .product(name: "NIOPosix", package: "swift-nio"),
                                                 .product(name: "Logging", package: "swift-log")]),
        // Issue 5: FHIR REST + CDS Hooks + health/metrics over HTTP (Hummingbird) -> ClinicalIngest.
        .target(name: "TACEHTTP", dependencies: ["TACEIngest", "TACEMetrics", "TACEModel", "TACEScoring", "TACEJSON", "TACEFHIRReader",
                                                 "TACEBridgeKit", "TACEMappings",
                                                 .product(name: "Hummingbird", package: "hummingbird"),
                                                 .product(name: "Logging", package: "swift-log")]),
        // Issue 5: stored assessments -> NDJSON or a transaction Bundle (and, in FHIRPoster, to a FHIR server).
        .target(name: "TACEExport", dependencies: ["TACEStore", "TACEJSON", "TACEModel"]),
        .target(name: "TACEFHIRPost", dependencies: ["TACEJSON", .product(name: "AsyncHTTPClient", package: "async-http-client")]),
        .executableTarget(
            name: "tacebridge",
            dependencies: ["TACEBridgeKit", "TACEModel", "TACEStore", "TACEStores", "TACEIngest", "TACEExport", "TACEFHIRPost",
                           "TACEMLLP", "TACEHTTP", "TACEMetrics",
                           .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                           .product(name: "Logging", package: "swift-log")]
        ),
        .executableTarget(name: "tacebridge-bench", dependencies: ["TACEModel", "CLibXML2", "TACEXML", "TACEMappings", "TACEFHIRReader", "TACECDAReader",
                                                                 "TACEHL7v2", "TACEHL7v2Reader"]),

        .testTarget(name: "TACEModelTests", dependencies: ["TACEModel"]),
        .testTarget(name: "TACEScoringTests", dependencies: ["TACEScoring", "TACEModel"]),
        .testTarget(name: "TACERefractorinessTests", dependencies: ["TACERefractoriness", "TACEModel"]),
        .testTarget(name: "TACEMappingsTests", dependencies: ["TACEMappings", "TACEModel"]),
        .testTarget(name: "TACEJSONTests", dependencies: ["TACEJSON"]),
        .testTarget(name: "TACEHL7v2Tests", dependencies: ["TACEHL7v2"]),
        .testTarget(name: "TACEXMLTests", dependencies: ["TACEXML"]),
        .testTarget(name: "TACEFHIRReaderTests", dependencies: ["TACEFHIRReader", "TACEJSON", "TACEMappings", "TACEModel"]),
        .testTarget(name: "TACEHL7v2ReaderTests", dependencies: ["TACEHL7v2Reader", "TACEHL7v2", "TACEMappings", "TACEFHIRReader", "TACEModel"]),
        .testTarget(name: "TACEHL7v2XMLTests", dependencies: ["TACEHL7v2XML", "TACEHL7v2", "TACEXML", "TACEHL7v2Reader", "TACEMappings", "TACEFHIRReader", "TACEModel"]),
        .testTarget(name: "TACESiteXMLReaderTests", dependencies: ["TACESiteXMLReader", "TACEMappings", "TACEFHIRReader", "TACEModel", "TACEXML"]),
        .testTarget(name: "TACEFHIRWriterTests", dependencies: ["TACEFHIRWriter", "TACERefractoriness", "TACEJSON", "TACEModel"]),
        .testTarget(name: "TACEBridgeKitTests", dependencies: ["TACEBridgeKit", "TACEMappings", "TACEModel", "TACEFHIRReader"]),
        .testTarget(name: "TACEIngestTests", dependencies: ["TACEIngest", "TACEStore", "TACEBridgeKit", "TACEModel", "TACEHL7v2", "TACEExport", "TACEJSON"]),
        .testTarget(name: "TACEStoreTests", dependencies: ["TACEStore", "TACEModel", "TACEStoreConformance", "TACEStoreSQLite",
                                                           "TACEStorePostgres", "TACEStores"]),
        .testTarget(name: "TACEMLLPTests", dependencies: ["TACEMLLP", "TACEIngest", "TACEHL7v2", "TACEStore", "TACEMetrics",
                                                          .product(name: "NIOCore", package: "swift-nio"),
                                                          .product(name: "NIOPosix", package: "swift-nio"),
                                                          .product(name: "NIOEmbedded", package: "swift-nio")]),
        .testTarget(name: "TACEHTTPTests", dependencies: ["TACEHTTP", "TACEIngest", "TACEStore", "TACEJSON", "TACEMetrics", "TACEModel", "TACEMappings", "TACEScoring",
                                                          .product(name: "Hummingbird", package: "hummingbird"),
                                                          .product(name: "HummingbirdTesting", package: "hummingbird")]),
        .testTarget(name: "TACECDAReaderTests", dependencies: ["TACECDAReader", "TACEXML", "TACEMappings", "TACEFHIRReader", "TACEModel"]),
    ]
)
