import ArgumentParser
import ApusTable

/// The `apus` command: a thin shell over the Apus libraries.
@main
struct Apus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apus",
        abstract: "Predictive machine learning you can ship, explain and operate.",
        discussion: "Start with `apus quickstart`.",
        subcommands: [
            Quickstart.self, DataCommand.self, Train.self, Predict.self, Evaluate.self, CV.self, Params.self,
            RunsCommand.self, ModelsCommand.self, AuditCommand.self, WebhooksCommand.self, KeysCommand.self, Serve.self, Import.self, Export.self,
            Explain.self, Importance.self, Monitor.self, MCPCommand.self,
        ]
    )
}

/// `apus data ...`: look at and make data sets.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Inspect CSV files and generate synthetic data sets.",
        subcommands: [Inspect.self, Generate.self]
    )
}
