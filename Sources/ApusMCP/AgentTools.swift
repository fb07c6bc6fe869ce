import ApusModel
import ApusService
import ApusStore
import Dispatch
import Foundation
import MCP

/// The tools and resources Apus offers agents, over one store. Every tool calls the services
/// the command line and the HTTP server call (resolving references, predicting, explaining,
/// describing, monitoring, comparing, moving aliases); this type only reads arguments,
/// shapes answers and checks each answer against the tool's output schema.
public final class AgentTools: Sendable {
    let options: AgentServerOptions
    let cache: ModelCache
    let openStore: @Sendable (_ actor: String) throws -> any Store
    let log: AgentPredictionLog?

    /// Tools over the store `store` opens (called when a tool needs it; an error there is the
    /// agent's tool error, not the server's end). `openStore` opens the same store recording
    /// changes as made by another actor: the admin tools record the client. `log` writes the
    /// predictions of registry versions to the prediction log, as the HTTP routes do; its
    /// request id is part of the answer.
    public init(options: AgentServerOptions, store: @escaping @Sendable () throws -> any Store,
                openStore: @escaping @Sendable (_ actor: String) throws -> any Store, log: AgentPredictionLog? = nil) {
        self.options = options
        self.openStore = openStore
        self.log = log
        // The model files served: the references that name an existing file (which wins over a
        // registry reference, as everywhere).
        cache = ModelCache(files: options.models.filter { FileManager.default.fileExists(atPath: $0) }, store: store)
    }

    // MARK: - Listing

    /// A model with typed tools: `predict_<suffix>` and `explain_<suffix>`.
    struct TypedModel {
        let suffix: String
        let reference: String
    }

    /// The models that get typed tools, in a stable order.
    func typedModels() -> [TypedModel] {
        var references = options.models
        if references.isEmpty {
            let models = (try? cache.storeCall { store in try store.models() }) ?? []
            references = models.filter { $0.versionCount > 0 }.map { $0.name + "@" + ($0.aliases["champion"] != nil ? "champion" : "latest") }
        }
        var seen: Set<String> = []
        return references.map { reference in
            var suffix = Self.toolSuffix(reference)
            while !seen.insert(suffix).inserted { suffix += "_" }
            return TypedModel(suffix: suffix, reference: reference)
        }
    }

    /// The tool-name part for a reference: the model name for its default alias, else the
    /// name with the alias or version (`credit.challenger`, `credit.v3`), or a file's stem.
    static func toolSuffix(_ reference: String) -> String {
        var text = reference
        if let at = text.lastIndex(of: "@") {
            let alias = text[text.index(after: at)...]
            text = alias == "champion" || alias == "latest" ? String(text[..<at]) : String(text[..<at]) + "." + alias
        } else if let slash = text.lastIndex(of: "/"), Int(text[text.index(after: slash)...]) != nil, !text.hasSuffix(".apus") {
            text = String(text[..<slash]) + ".v" + text[text.index(after: slash)...]
        } else {
            text = String(text.split(separator: "/").last ?? "model")
            if text.hasSuffix(".apus") { text.removeLast(5) }
        }
        let cleaned = String(text.unicodeScalars.map { scalar -> Character in
            ("0"..."9").contains(scalar) || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || "._-".unicodeScalars.contains(scalar)
                ? Character(scalar) : "_"
        })
        return String(cleaned.prefix(100))
    }

    /// What the tool list depends on beyond the options: each typed tool and the version it
    /// answers with now (its schema is that version's). A change means `tools/list` changed.
    func toolListSignature() -> [String] {
        typedModels().map { typed in
            let resolved = (try? cache.parse(typed.reference)).flatMap { reference -> String? in
                guard case .alias(let model, let alias) = reference else { return reference.description }
                return try? cache.storeCall { try $0.resolve(model: model, alias: alias).reference }
            }
            return typed.suffix + "=" + (resolved ?? "-")
        }
    }

    /// Every tool, generic ones first, then each model's typed pair.
    public func tools() -> [Tool] {
        let readOnly = Tool.Annotations(readOnlyHint: true, openWorldHint: false)
        var tools = [
            Tool(name: "list_models", title: "List models",
                 description: "The registered models: versions, aliases, metrics, and the typed tools of each.",
                 inputSchema: ToolSchemas.listModelsInput, annotations: readOnly, outputSchema: ToolSchemas.listModelsOutput),
            Tool(name: "describe_model", title: "Describe a model",
                 description: "A model version's input schema (types, levels, training ranges), metrics, lineage (run, data fingerprint, parameters, seed, code version) and intended use.",
                 inputSchema: ToolSchemas.describeInput, annotations: readOnly, outputSchema: ToolSchemas.describeOutput),
            Tool(name: "predict", title: "Predict",
                 description: "Predictions (and class probabilities) of any model for up to \(options.maxRows) rows. Each row maps every feature to a value (null when missing); describe_model gives the fields.",
                 inputSchema: ToolSchemas.predictInput(row: nil, maxRows: options.maxRows, withReference: true), annotations: readOnly,
                 outputSchema: ToolSchemas.predictOutput(prediction: RowSchema.prediction(task: nil, classes: []))),
            Tool(name: "explain", title: "Explain a prediction",
                 description: "Why a model predicts what it does for one row: exact SHAP values of every feature and the top reason codes, in words.",
                 inputSchema: ToolSchemas.explainInput(row: nil, withReference: true), annotations: readOnly,
                 outputSchema: ToolSchemas.explainOutput),
            Tool(name: "monitor_status", title: "Monitoring status",
                 description: "The latest drift, data-quality and performance summary of a registered model version, from its prediction log (default: the last \(options.monitorWindow)) against the reference profile stored at training.",
                 inputSchema: ToolSchemas.monitorInput, annotations: readOnly, outputSchema: ToolSchemas.monitorOutput),
            Tool(name: "compare_versions", title: "Compare versions",
                 description: "Two versions of a registered model side by side: each metric, which is better, and where their lineage differs.",
                 inputSchema: ToolSchemas.compareInput, annotations: readOnly, outputSchema: ToolSchemas.compareOutput),
        ]
        if options.allowAdmin {
            let admin = Tool.Annotations(readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false)
            tools.append(Tool(name: "promote", title: "Promote a version",
                              description: "Point an alias (champion, …) at a version. Recorded in the alias history and the audit trail as made by this client; rollback undoes it.",
                              inputSchema: ToolSchemas.promoteInput, annotations: admin, outputSchema: ToolSchemas.aliasMoveOutput))
            tools.append(Tool(name: "rollback", title: "Roll back an alias",
                              description: "Return an alias to the version it pointed at before its last move. Recorded in the audit trail as made by this client.",
                              inputSchema: ToolSchemas.rollbackInput, annotations: admin, outputSchema: ToolSchemas.aliasMoveOutput))
        }
        for typed in typedModels() {
            guard let known = try? cache.schemas(typed.reference) else { continue }
            let about = known.description
            let what = about.intendedUse.isEmpty ? "" : " (\(about.intendedUse))"
            tools.append(Tool(
                name: "predict_" + typed.suffix, title: "Predict with \(typed.reference)",
                description: "Predictions of \(typed.reference)\(what), now \(about.resolved): \(Self.taskText(about)), for up to \(options.maxRows) rows.",
                inputSchema: ToolSchemas.predictInput(row: known.rowSchema, maxRows: options.maxRows, withReference: false),
                annotations: readOnly,
                outputSchema: ToolSchemas.predictOutput(prediction: RowSchema.prediction(task: known.task, classes: known.classes))))
            tools.append(Tool(
                name: "explain_" + typed.suffix, title: "Explain \(typed.reference)",
                description: "Why \(typed.reference)\(what) predicts what it does for one row: exact SHAP values and the top reason codes.",
                inputSchema: ToolSchemas.explainInput(row: known.rowSchema, withReference: false), annotations: readOnly,
                outputSchema: ToolSchemas.explainOutput))
        }
        return tools
    }

    /// What a model's prediction is, in words.
    static func taskText(_ about: ModelDescription) -> String {
        switch about.task {
        case .binary: "the probability that \(about.target) is \(about.classes.last ?? "1")"
        case .multiclass: "the most probable \(about.target) among \(about.classes.count) classes, with each class's probability"
        case .regression: "the predicted \(about.target)"
        }
    }

    // MARK: - Calling

    /// The answer to `tools/call`: the tool's structured result and a short text, or a result
    /// marked as an error whose message says what to change. Never throws.
    ///
    /// The work runs on a dispatch queue, not on the cooperative pool: a monitoring report takes
    /// seconds, and the HTTP server sharing the process must keep answering meanwhile.
    public func call(_ name: String, arguments: [String: Value]?, client: AgentClient) async -> CallTool.Result {
        let started = ContinuousClock.now
        let answer = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(returning: self.answer(name, arguments: arguments, client: client))
            }
        }
        switch answer {
        case .failure(let failure):
            return Self.failure(failure.message)
        case .success(var answer):
            if var logged = answer.logged {
                var requestID: Value = .null
                if let log {
                    logged.latency = ContinuousClock.now - started
                    requestID = JSONValues.string(await log(logged))
                }
                if case .object(var members) = answer.structured {
                    members["request_id"] = requestID
                    answer.structured = .object(members)
                }
            }
            if let problem = SchemaCheck.violation(of: answer.schema, by: answer.structured) {
                return Self.failure("Apus answered \(name) with a result that breaks its own output schema (\(problem)); this is a bug in Apus, please report it")
            }
            return CallTool.Result(content: [.text(text: answer.text, annotations: nil, _meta: nil)], structuredContent: Optional(answer.structured),
                                   isError: false)
        }
    }

    private func answer(_ name: String, arguments: [String: Value]?, client: AgentClient) -> Result<ToolAnswer, ToolFailure> {
        let arguments = Arguments(values: arguments ?? [:], tool: name)
        do {
            return .success(try answer(name, arguments, client: client))
        } catch let error as ToolError {
            return .failure(ToolFailure(error.description))
        } catch let error as ServiceError {
            return .failure(ToolFailure(error.description))
        } catch {
            return .failure(ToolFailure("\(name) failed: \(error)"))
        }
    }

    static func failure(_ message: String) -> CallTool.Result {
        CallTool.Result(content: [.text(text: message, annotations: nil, _meta: nil)], isError: true)
    }

    private func answer(_ name: String, _ arguments: Arguments, client: AgentClient) throws -> ToolAnswer {
        switch name {
        case "list_models":
            try arguments.only([])
            return try listModels()
        case "describe_model":
            try arguments.only(["ref"])
            return try describe(try arguments.string("ref"))
        case "predict":
            try arguments.only(["ref", "rows"])
            return try predict(try arguments.string("ref"), arguments, typed: false, tool: name)
        case "explain":
            try arguments.only(["ref", "row", "top_k"])
            return try explain(try arguments.string("ref"), arguments, tool: name)
        case "monitor_status":
            try arguments.only(["ref", "since", "until"])
            return try monitorStatus(try arguments.string("ref"), since: try arguments.optionalString("since"),
                                     until: try arguments.optionalString("until"))
        case "compare_versions":
            try arguments.only(["name", "a", "b"])
            return try compare(try arguments.string("name"), try arguments.versionText("a"), try arguments.versionText("b"))
        case "promote" where options.allowAdmin, "rollback" where options.allowAdmin:
            return try moveAlias(name, arguments, client: client)
        case "promote", "rollback":
            throw ToolError("\(name) is not offered: the server was started without --allow-admin, so agents cannot move aliases")
        default:
            for typed in typedModels() {
                if name == "predict_" + typed.suffix {
                    try arguments.only(["rows"])
                    return try predict(typed.reference, arguments, typed: true, tool: name)
                }
                if name == "explain_" + typed.suffix {
                    try arguments.only(["row", "top_k"])
                    return try explain(typed.reference, arguments, tool: name)
                }
            }
            throw ToolError("there is no tool `\(name)`: tools/list names them (list_models, describe_model, predict, explain, monitor_status, compare_versions, and predict_NAME / explain_NAME for each model)")
        }
    }
}
