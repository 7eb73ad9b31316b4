import Foundation
import PackagePlugin

/// Embeds the default mapping tables (`mappings/*.csv` at the package root) into the
/// target as string constants, so the `tacebridge` binary carries its defaults and the
/// tables stay data in one place. The tables are parsed and validated at start-up,
/// exactly like a site's own `--mappings` folder.
@main
struct EmbedMappings: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let directory = context.package.directoryURL.appending(path: "mappings")
        let files = ((try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "csv" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "DefaultMappingFiles.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) default mapping tables",
                executable: try context.tool(named: "embed-mappings").url,
                arguments: [output.path] + files.map(\.path),
                inputFiles: files,
                outputFiles: [output]
            )
        ]
    }
}
