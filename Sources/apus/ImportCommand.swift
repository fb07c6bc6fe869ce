import ApusModel
import ApusService
import ArgumentParser
import Foundation

extension ModelImports.Format: ExpressibleByArgument {}

/// `apus import FILE --format lightgbm|xgboost|onnx (--out MODEL.apus | --name NAME)`.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Read a LightGBM (text), XGBoost (JSON or UBJSON) or ONNX tree-ensemble model into an Apus model file or the registry."
    )

    @Argument(help: "The model file.")
    var file: String

    @Option(help: "Its format: lightgbm (Booster.save_model's text), xgboost (save_model's JSON or UBJSON) or onnx (a TreeEnsemble model).")
    var format: ModelImports.Format

    @Option(help: "The target column's name (default: the one an Apus ONNX export records, else `label`).")
    var target: String?

    @Option(help: "Write the Apus model file here.")
    var out: String?

    @Option(help: "Register it as a new version of this model.")
    var name: String?

    @Option(help: "Point this alias at the new version (repeatable; needs --name).")
    var alias: [String] = []

    @Option(help: "Why, for the audit trail.")
    var reason: String?

    func validate() throws {
        guard out != nil || name != nil else { throw ValidationError("give --out FILE, --name NAME, or both") }
        guard alias.isEmpty || name != nil else { throw ValidationError("--alias needs --name") }
    }

    func run() throws {
        let model = try ModelImports.read(path: file, format: format, target: target)
        let categorical = model.schema.features.filter { $0.kind == .categorical }.count
        print("Imported a \(model.task.rawValue) \(format.rawValue) model (\(model.objective)): \(model.ensemble.trees.count) trees, "
              + "\(model.ensemble.rounds) rounds, \(model.schema.count) features (\(categorical) categorical)")
        var path = out
        var temporary: String?
        if path == nil {
            temporary = NSTemporaryDirectory() + "apus-import-\(UUID().uuidString).apus"
            path = temporary
        }
        defer { if let temporary { try? FileManager.default.removeItem(atPath: temporary) } }
        try ModelFile.write(model, to: path!)
        if let out { print("wrote \(out)") }
        if let name {
            let (version, moves) = try ModelImports.register(
                model, modelPath: path!, source: file, format: format, name: name, aliases: alias,
                reason: reason ?? "imported from \((file as NSString).lastPathComponent)", store: try openStore())
            print("registered \(version.reference)" + moves.map { "; \($0.model)@\($0.alias) -> version \($0.version)" }.joined())
        }
    }
}
