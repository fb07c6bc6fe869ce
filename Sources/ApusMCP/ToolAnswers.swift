import ApusExplain
import ApusModel
import ApusService
import ApusStore
import MCP

/// Each tool's work: the service call, its result as structured content, and a short text.
extension AgentTools {
    func listModels() throws -> ToolAnswer {
        let typed = Dictionary(typedModels().map { ($0.reference, $0.suffix) }, uniquingKeysWith: { first, _ in first })
        let (models, note): ([(RegisteredModel, [ModelVersion])], String?)
        do {
            models = try cache.storeCall { store in try store.models().map { ($0, try store.versions(of: $0.name)) } }
            note = models.isEmpty ? "the registry is empty: `apus train ... --name NAME --register` registers a model" : nil
        } catch let error as ToolError where options.models.isEmpty == false {
            (models, note) = ([], "no registry: \(error.description)")
        }
        var lines: [String] = []
        let entries: [Value] = models.map { model, versions in
            let tools = typed.filter { $0.key == model.name || $0.key.hasPrefix(model.name + "@") || $0.key.hasPrefix(model.name + "/") }
                .values.sorted().flatMap { ["predict_" + $0, "explain_" + $0] }
            let aliases = model.aliases.sorted { $0.key < $1.key }.map { "@\($0.key)=\($0.value)" }.joined(separator: " ")
            lines.append("\(model.name): \(model.versionCount) version\(model.versionCount == 1 ? "" : "s")" + (aliases.isEmpty ? "" : ", " + aliases)
                + (model.description.isEmpty ? "" : " — \(model.description)"))
            return .object([
                "name": .string(model.name), "description": .string(model.description), "tags": JSONValues.strings(model.tags),
                "latest_version": .int(model.latestVersion), "aliases": .object(model.aliases.mapValues { .int($0) }),
                "tools": .array(tools.map { .string($0) }),
                "versions": .array(versions.map { version in
                    .object([
                        "version": .int(version.version), "status": .string(version.status.rawValue),
                        "aliases": .array(version.aliases.map { .string($0) }), "created": .string(version.created),
                        "created_by": .string(version.createdBy), "metrics": JSONValues.numbers(version.metrics),
                    ])
                }),
            ])
        }
        let text = lines.isEmpty ? (note ?? "no registered models") : lines.joined(separator: "\n")
        return ToolAnswer(.object(["models": .array(entries), "note": JSONValues.string(note)]), text, ToolSchemas.listModelsOutput)
    }

    func describe(_ reference: String) throws -> ToolAnswer {
        let loaded = try cache.model(reference)
        let about = loaded.description
        let typed = typedModels().filter { (try? cache.schemas($0.reference))?.description.resolved == about.resolved }
        let value = Self.describeValue(about, rowSchema: loaded.rowSchema,
                                       tools: typed.flatMap { ["predict_" + $0.suffix, "explain_" + $0.suffix] })
        let metrics = about.metrics.sorted { $0.key < $1.key }.map { "\($0.key) \(RowSchema.short($0.value))" }.joined(separator: ", ")
        let text = "\(reference) is \(about.resolved): \(Self.taskText(loaded.description)) from \(about.features.count) features"
            + (metrics.isEmpty ? "" : "; validation \(metrics)") + (about.intendedUse.isEmpty ? "" : ". \(about.intendedUse)")
        return ToolAnswer(value, text, ToolSchemas.describeOutput)
    }

    /// A description as the structured content of `describe_model` and as a resource.
    static func describeValue(_ about: ModelDescription, rowSchema: Value, tools: [String]) -> Value {
        .object([
            "reference": .string(about.reference), "resolved": .string(about.resolved), "name": JSONValues.string(about.name),
            "version": JSONValues.integer(about.version), "status": JSONValues.string(about.status),
            "aliases": .array(about.aliases.map { .string($0) }), "intended_use": .string(about.intendedUse),
            "version_note": .string(about.versionNote), "tags": JSONValues.strings(about.tags),
            "registered": JSONValues.string(about.registered), "registered_by": JSONValues.string(about.registeredBy),
            "task": .string(about.task.rawValue), "target": .string(about.target), "objective": .string(about.objective),
            "classes": .array(about.classes.map { .string($0) }),
            "features": .array(about.features.map { feature in
                .object([
                    "name": .string(feature.name), "kind": .string(feature.kind.rawValue), "levels": .array(feature.levels.map { .string($0) }),
                    "training_range": feature.trainingRange.map { range in
                        .object(["minimum": JSONValues.number(range.minimum), "maximum": JSONValues.number(range.maximum)])
                    } ?? .null,
                    "training_missing_share": JSONValues.number(feature.trainingMissingShare),
                ])
            }),
            "metrics": JSONValues.numbers(about.metrics), "lineage": JSONValues.strings(about.lineage),
            "parameters": JSONValues.strings(about.parameters),
            "training": .object([
                "rows": .int(about.trainingRows), "validation_rows": .int(about.validationRows), "rounds_trained": .int(about.roundsTrained),
                "best_round": .int(about.bestRound), "apus_version": .string(about.trainedBy), "trees": .int(about.trees),
            ]),
            "ranges_source": .string(about.rangesSource), "input_schema": rowSchema, "tools": .array(tools.map { .string($0) }),
        ])
    }

    /// Which model answered.
    static func identity(_ loaded: LoadedModel) -> Value {
        let about = loaded.description
        return .object([
            "reference": .string(about.reference), "resolved": .string(about.resolved), "name": JSONValues.string(about.name),
            "version": JSONValues.integer(about.version), "task": .string(about.task.rawValue), "target": .string(about.target),
        ])
    }

    /// The rows of a call as the model's feature matrix.
    private func features(_ rows: [[String: Value]], of loaded: LoadedModel, maxRows: Int) throws -> [Double] {
        let records = rows.map { $0.mapValues(JSONValues.recordValue) }
        return try RecordEncoding.features(of: loaded.resolved.model.schema, records: records, rules: RecordRules(maxRows: maxRows))
    }

    /// `typed`: the answer meets the typed tool's output schema (the model's classes), else the generic one.
    func predict(_ reference: String, _ arguments: Arguments, typed: Bool, tool: String) throws -> ToolAnswer {
        let loaded = try cache.model(reference)
        let model = loaded.resolved.model
        let features = try features(try arguments.rows("rows"), of: loaded, maxRows: options.maxRows)
        let rows = features.count / max(1, model.schema.count)
        let rawScores: [Double]
        do { rawScores = try model.ensemble.rawScores(features: features, threads: 1) } catch { throw ToolError("\(error)") }
        let predictions = ModelPredictions(model: model, rawScores: rawScores, rows: rows)
        let labels = predictions.labels
        var answers: [Value] = []
        var lines: [String] = []
        for row in 0..<predictions.rows {
            var entry: [String: Value] = ["row": .int(row)]
            switch model.task {
            case .regression, .binary: entry["prediction"] = JSONValues.number(predictions.values[row])
            case .multiclass: entry["prediction"] = .string(labels?[row] ?? "")
            }
            if let labels { entry["label"] = .string(labels[row]) }
            if let probabilities = predictions.probabilities(row: row) {
                entry["probabilities"] = .object(Dictionary(probabilities.map { ($0.label, JSONValues.number($0.probability)) },
                                                            uniquingKeysWith: { first, _ in first }))
            }
            answers.append(.object(entry))
            if row < 10 {
                let value = model.task == .multiclass ? labels?[row] ?? "" : RowSchema.short(predictions.values[row])
                lines.append("row \(row): \(value)" + (model.task == .binary ? " (label \(labels?[row] ?? ""))" : ""))
            }
        }
        if predictions.rows > 10 { lines.append("… \(predictions.rows - 10) more rows") }
        let warnings = loaded.description.rangeWarnings(features: features)
        let head = "\(reference) (\(loaded.description.resolved)) predicts \(Self.taskText(loaded.description)):"
        let text = ([head] + lines + warnings.map { "warning: " + $0 }).joined(separator: "\n")
        // The request id is filled in when the log has taken the record (null until then).
        let value: Value = .object(["model": Self.identity(loaded), "predictions": .array(answers), "warnings": .array(warnings.map { .string($0) }),
                                    "request_id": .null])
        let logged = loaded.resolved.version.map { version in
            AgentPrediction(version: version, model: model, reference: reference, features: features, rows: rows,
                            rawScores: rawScores, route: "mcp:" + tool, latency: .zero)
        }
        return ToolAnswer(value, text, ToolSchemas.predictOutput(prediction: typed ? RowSchema.prediction(task: model.task, classes: model.classes)
                                                                                    : RowSchema.prediction(task: nil, classes: [])), logged: logged)
    }

    func explain(_ reference: String, _ arguments: Arguments, tool: String) throws -> ToolAnswer {
        let loaded = try cache.model(reference)
        let model = loaded.resolved.model
        let topK = try arguments.optionalInteger("top_k", in: 1...20) ?? 4
        let features = try features([try arguments.row("row")], of: loaded, maxRows: 1)
        let explanation: ModelExplanation
        do {
            explanation = try loaded.explainer.explain(features: features, options: ExplanationOptions(topK: topK))
        } catch {
            throw ToolError("\(reference) cannot be explained: \(error)")
        }
        let score: Int
        if case .classIndex(let index) = explanation.adverse[0], explanation.scoresPerRow > 1 { score = index } else { score = 0 }
        var shap: [String: Value] = [:]
        for (index, feature) in model.schema.features.enumerated() {
            shap[feature.name] = JSONValues.number(explanation.value(row: 0, score: score, feature: index))
        }
        let predictions = ModelPredictions(model: model, rawScores: explanation.rawScores, rows: 1)
        let prediction: Value = model.task == .multiclass ? .string(predictions.labels?[0] ?? "") : JSONValues.number(predictions.values[0])
        let explained: String
        switch model.task {
        case .binary: explained = "the log-odds that \(model.target) is \(model.classes.last ?? "1")"
        case .multiclass: explained = "the raw score (log-odds scale) of class \(model.classes[score]), the most probable"
        case .regression: explained = "the raw score of \(model.target)" + (model.ensemble.link == .identity ? "" : " (before the link function)")
        }
        let reasons = explanation.reasons[0]
        let value: Value = .object([
            "model": Self.identity(loaded), "explained": .string(explained), "prediction": prediction,
            "label": JSONValues.string(predictions.labels?[0]),
            "raw_score": JSONValues.number(explanation.rawScores[score]),
            "bias": JSONValues.number(explanation.bias(row: 0, score: score)),
            "shap_values": .object(shap),
            "reasons": .array(reasons.map { reason in
                .object(["rank": .int(reason.rank), "feature": .string(reason.name), "value": .string(reason.valueText),
                         "effect": JSONValues.number(reason.effect), "text": .string(reason.text)])
            }),
            "warnings": .array(loaded.description.rangeWarnings(features: features).map { .string($0) }),
            "request_id": .null,
        ])
        let shown = model.task == .multiclass ? predictions.labels?[0] ?? "" : RowSchema.short(predictions.values[0])
        let text = (["\(reference) (\(loaded.description.resolved)) predicts \(shown); SHAP values explain \(explained)."]
            + (reasons.isEmpty ? ["No feature pushed the score up."] : reasons.map { "\($0.rank). \($0.text)" })).joined(separator: "\n")
        let logged = loaded.resolved.version.map { version in
            AgentPrediction(version: version, model: model, reference: reference, features: features, rows: 1,
                            rawScores: explanation.rawScores, route: "mcp:" + tool, latency: .zero)
        }
        return ToolAnswer(value, text, ToolSchemas.explainOutput, logged: logged)
    }

    func monitorStatus(_ reference: String, since: String?, until: String?) throws -> ToolAnswer {
        let parsed = try cache.parse(reference)
        guard parsed.needsStore else {
            throw ToolError("monitor_status needs a registered model version (NAME@ALIAS or NAME/VERSION): a model file has no prediction log")
        }
        let loaded = try cache.model(reference)
        var request = MonitorRequest(model: reference)
        request.since = since ?? options.monitorWindow
        request.until = until
        let outcome = try cache.storeCall { store in
            try ModelMonitoring.run(request, resolved: loaded.resolved, store: { store })
        }
        let summary = MonitorStatus.summary(of: outcome)
        let rows = summary["window"]?["rows"]?.int ?? 0
        var text = "\(reference) (\(loaded.description.resolved)), \(rows) logged rows since \(request.since ?? ""): "
            + (outcome.alert ? "ALERT: " + outcome.alertReasons.joined(separator: "; ") : "no drift alert")
        if let drift = summary["drift"], let share = drift["share"]?.double {
            text += ". \(drift["drifted"]?.int ?? 0) of \(drift["compared"]?.int ?? 0) features drifted (share \(RowSchema.short(share)))"
        }
        if let note = summary["note"]?.stringValue { text += ". " + note }
        return ToolAnswer(JSONValues.value(summary), text, ToolSchemas.monitorOutput)
    }

    func compare(_ name: String, _ a: String, _ b: String) throws -> ToolAnswer {
        let comparison = try cache.storeCall { store in try VersionComparing.compare(model: name, a: a, b: b, store: store) }
        func version(_ version: ModelVersion) -> Value {
            .object(["version": .int(version.version), "status": .string(version.status.rawValue),
                     "aliases": .array(version.aliases.map { .string($0) }), "created": .string(version.created),
                     "created_by": .string(version.createdBy), "run_id": JSONValues.string(version.runID)])
        }
        let metrics: [Value] = comparison.metrics.map { metric in
            .object(["metric": .string(metric.name), "a": JSONValues.number(metric.a), "b": JSONValues.number(metric.b),
                     "difference": JSONValues.number(metric.difference),
                     "higher_is_better": metric.higherIsBetter.map { .bool($0) } ?? .null, "better": JSONValues.string(metric.better)])
        }
        let value: Value = .object([
            "name": .string(name), "a": version(comparison.a), "b": version(comparison.b), "metrics": .array(metrics),
            "lineage_differences": .array(comparison.lineageDifferences.map { difference in
                .object(["key": .string(difference.key), "a": JSONValues.string(difference.a), "b": JSONValues.string(difference.b)])
            }),
        ])
        let lines = comparison.metrics.map { metric in
            "\(metric.name): \(metric.a.map(RowSchema.short) ?? "-") vs \(metric.b.map(RowSchema.short) ?? "-")"
                + (metric.better.map { $0 == "equal" ? " (equal)" : " (\($0 == "a" ? comparison.a.reference : comparison.b.reference) better)" } ?? "")
        }
        var head = "\(comparison.a.reference) vs \(comparison.b.reference)"
        if lines.isEmpty { head += ": neither recorded validation metrics (trained without validation data)" }
        if !comparison.lineageDifferences.isEmpty {
            head += "; their lineage differs in " + comparison.lineageDifferences.map(\.key).joined(separator: ", ")
        }
        let text = ([head] + lines).joined(separator: "\n")
        return ToolAnswer(value, text, ToolSchemas.compareOutput)
    }

    func moveAlias(_ tool: String, _ arguments: Arguments, client: AgentClient) throws -> ToolAnswer {
        if let role = client.role, role != APIKeyRole.admin.rawValue {
            throw ToolError("\(tool) needs an API key with role admin; this client's key has role \(role)")
        }
        let name = try arguments.string("name"), alias = try arguments.string("alias"), reason = try arguments.string("reason")
        let move: AliasMove
        let store: any Store
        do { store = try openStore(client.actor) } catch { throw ToolError("the model registry cannot be opened: \(error)") }
        do {
            if tool == "promote" {
                try arguments.only(["name", "alias", "version", "reason"])
                move = try store.setAlias(model: name, alias: alias, version: try arguments.integer("version", in: 1...Int(Int32.max)), reason: reason)
            } else {
                try arguments.only(["name", "alias", "reason"])
                move = try store.rollback(model: name, alias: alias, reason: reason)
            }
        } catch let error as StoreError {
            throw ToolError(error.description)
        }
        // Webhooks subscribed to alias moves hear of it, as after `apus models alias`; off the
        // call's path, since a slow receiver must not hold the agent.
        Task.detached { _ = try? WebhookDispatcher().deliverDue(store) }
        let value: Value = .object([
            "model": .string(move.model), "alias": .string(move.alias), "version": .int(move.version),
            "previous_version": JSONValues.integer(move.previousVersion), "action": .string(move.action), "actor": .string(move.actor),
            "reason": .string(move.reason), "time": .string(move.time),
        ])
        let text = "\(move.model)@\(move.alias) -> version \(move.version)" + (move.previousVersion.map { " (was \($0))" } ?? " (new alias)")
            + (move.action == "rollback" ? ", rolled back" : "") + "; recorded as made by \(move.actor)"
        return ToolAnswer(value, text, ToolSchemas.aliasMoveOutput)
    }
}
