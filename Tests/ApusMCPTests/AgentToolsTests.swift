@testable import ApusMCP
import ApusModel
import ApusService
import ApusStore
import MCP
import Synchronization
import Testing

@Suite struct AgentToolsTests {
    let client = AgentClient(name: "test-agent", version: "1.0")

    /// Calls a tool and checks the answer against the tool's output schema as listed.
    func call(_ tools: AgentTools, _ name: String, _ arguments: [String: Value]) async throws -> CallTool.Result {
        let result = await tools.call(name, arguments: arguments, client: client)
        if result.isError != true {
            let listed = try #require(tools.tools().first { $0.name == name })
            let schema = try #require(listed.outputSchema)
            let structured = try #require(result.structuredContent)
            #expect(SchemaCheck.violation(of: schema, by: structured) == nil)
        }
        return result
    }

    @Test func theToolListHasTheGenericToolsAndATypedPairPerModel() throws {
        let tools = try AgentFixture.get().tools()
        let names = tools.tools().map(\.name)
        #expect(names == ["list_models", "describe_model", "predict", "explain", "monitor_status", "compare_versions",
                          "predict_credit-risk", "explain_credit-risk", "predict_species", "explain_species"])
        let admin = try AgentFixture.get().tools(AgentServerOptions(allowAdmin: true, serverVersion: "test")).tools()
        #expect(admin.contains { $0.name == "promote" && $0.annotations.destructiveHint == true })
        #expect(tools.tools().first { $0.name == "predict" }?.annotations.readOnlyHint == true)
    }

    @Test func theTypedInputSchemaListsLevelsAsEnumsAndTrainingRanges() throws {
        let fixture = try AgentFixture.get()
        let tool = try #require(fixture.tools().tools().first { $0.name == "predict_credit-risk" })
        let row = try #require(tool.inputSchema.objectValue?["properties"]?.objectValue?["rows"]?.objectValue?["items"]?.objectValue)
        let properties = try #require(row["properties"]?.objectValue)
        #expect(properties.count == fixture.creditModel.schema.count)
        #expect(row["required"]?.arrayValue?.count == fixture.creditModel.schema.count)
        let region = try #require(fixture.creditModel.schema.features.first { $0.kind == .categorical })
        let levels = properties[region.name]?.objectValue?["enum"]?.arrayValue ?? []
        #expect(levels == region.levels.map { Value.string($0) } + [.null])
        let numeric = try #require(fixture.creditModel.schema.features.first { $0.kind == .numeric })
        let range = try #require(properties[numeric.name]?.objectValue?["x-training-range"]?.objectValue)
        #expect(range["minimum"]?.doubleValue != nil && range["maximum"]?.doubleValue != nil)
        let output = try #require(tool.outputSchema?.objectValue?["properties"]?.objectValue?["predictions"]?.objectValue?["items"]?.objectValue)
        #expect(output["properties"]?.objectValue?["label"]?.objectValue?["enum"] == ["0", "1"])
    }

    @Test func predictAnswersWhatTheModelPredicts() async throws {
        let fixture = try AgentFixture.get()
        let result = try await call(fixture.tools(), "predict", ["ref": "credit-risk@champion", "rows": .array(fixture.creditRows.map { .object($0) })])
        #expect(result.isError == false)
        let predictions = try #require(result.structuredContent?.objectValue?["predictions"]?.arrayValue)
        let records = fixture.creditRows.map { row in row.mapValues(JSONValues.recordValue) }
        let features = try RecordEncoding.features(of: fixture.creditModel.schema, records: records, rules: RecordRules())
        let expected = try fixture.creditModel.ensemble.predict(features: features, threads: 1)
        #expect(predictions.count == expected.count)
        for (answer, value) in zip(predictions, expected) {
            let object = try #require(answer.objectValue)
            #expect(object["prediction"]?.doubleValue == value)
            #expect(object["label"]?.stringValue == (value >= 0.5 ? "1" : "0"))
            #expect(object["probabilities"]?.objectValue?["1"]?.doubleValue == value)
        }
        #expect(result.text.contains("credit-risk@champion (credit-risk/1) predicts the probability that default is 1"))
    }

    @Test func aBareNameIsTheChampionAndTheTypedToolFollowsIt() async throws {
        let fixture = try AgentFixture.get()
        let bare = try await call(fixture.tools(), "predict", ["ref": "credit-risk", "rows": [.object(fixture.creditRows[0])]])
        let typed = try await call(fixture.tools(), "predict_credit-risk", ["rows": [.object(fixture.creditRows[0])]])
        #expect(bare.structuredContent?.objectValue?["model"]?.objectValue?["resolved"] == "credit-risk/1")
        #expect(typed.structuredContent?.objectValue?["predictions"] == bare.structuredContent?.objectValue?["predictions"])
    }

    @Test func explainGivesSHAPValuesThatSumToTheRawScore() async throws {
        let fixture = try AgentFixture.get()
        let result = try await call(fixture.tools(), "explain", ["ref": "credit-risk/2", "row": .object(fixture.creditRows[1]), "top_k": 2])
        let object = try #require(result.structuredContent?.objectValue)
        let shap = try #require(object["shap_values"]?.objectValue)
        let sum = shap.values.compactMap(\.doubleValue).reduce(0, +) + (object["bias"]?.doubleValue ?? .nan)
        let raw = try #require(object["raw_score"]?.doubleValue)
        #expect(abs(sum - raw) < 1e-9)
        #expect((object["reasons"]?.arrayValue?.count ?? 0) <= 2)
    }

    @Test func multiclassPredictionsNameTheClassAndEachProbability() async throws {
        let tools = try AgentFixture.get().tools()
        let result = try await call(tools, "predict_species", ["rows": [["petal": 4.6, "sepal": 6, "colour": "purple"]]])
        let first = try #require(result.structuredContent?.objectValue?["predictions"]?.arrayValue?.first?.objectValue)
        #expect(first["prediction"] == "virginica")
        let probabilities = try #require(first["probabilities"]?.objectValue)
        #expect(Set(probabilities.keys) == ["setosa", "versicolor", "virginica"])
        #expect(abs(probabilities.values.compactMap(\.doubleValue).reduce(0, +) - 1) < 1e-12)
    }

    @Test func describeCompareAndListAnswerFromTheRegistry() async throws {
        let tools = try AgentFixture.get().tools()
        let described = try await call(tools, "describe_model", ["ref": "credit-risk@challenger"])
        let about = try #require(described.structuredContent?.objectValue)
        #expect(about["resolved"] == "credit-risk/2")
        #expect(about["intended_use"] == "Probability of default within 12 months")
        #expect(about["lineage"]?.objectValue?["run_id"]?.stringValue?.count == 32)
        #expect(about["tools"] == [])
        let compared = try await call(tools, "compare_versions", ["name": "credit-risk", "a": "champion", "b": 2])
        let metrics = try #require(compared.structuredContent?.objectValue?["metrics"]?.arrayValue)
        let auc = try #require(metrics.first { $0.objectValue?["metric"] == "auc" }?.objectValue)
        #expect(auc["higher_is_better"] == true)
        let a = try #require(auc["a"]?.doubleValue), b = try #require(auc["b"]?.doubleValue)
        #expect(auc["better"]?.stringValue == (a == b ? "equal" : (b > a ? "b" : "a")))
        let listed = try await call(tools, "list_models", [:])
        let models = try #require(listed.structuredContent?.objectValue?["models"]?.arrayValue)
        #expect(models.compactMap { $0.objectValue?["name"]?.stringValue } == ["credit-risk", "species"])
        #expect(models.first?.objectValue?["tools"] == ["predict_credit-risk", "explain_credit-risk"])
    }

    @Test(arguments: [
        ("predict", ["ref": "nope", "rows": []], "there is no registered model `nope`"),
        ("predict", ["ref": "credit-risk", "rows": "x"], "predict: `rows` must be an array of rows (objects of feature values), not a string"),
        ("predict", ["ref": "credit-risk", "rows": []], "`rows` is empty"),
        ("predict", ["ref": "credit-risk", "rows": [[:]]], "row 0: the feature `"),
        ("predict", ["ref": 3, "rows": []], "predict: `ref` must be a non-empty string, not a number"),
        ("predict", ["ref": "../etc/passwd.apus", "rows": []], "is not served"),
        ("describe_model", ["ref": "credit-risk@nope"], "model `credit-risk` has no alias `nope` (its aliases: challenger, champion"),
        ("describe_model", ["ref": "credit-risk", "extra": 1], "describe_model has no argument `extra`: it takes `ref`"),
        ("compare_versions", ["name": "credit-risk", "a": "1", "b": "9"], "model `credit-risk` has no version 9 (its versions are 1 to 2); a version is a number such as 3"),
        ("explain", ["ref": "credit-risk", "row": [:], "top_k": 0], "`top_k` must be a whole number from 1 to 20"),
        ("promote", ["name": "credit-risk", "alias": "champion", "version": 2, "reason": "x"], "the server was started without --allow-admin"),
        ("monitor_status", ["ref": "credit-risk", "since": "yesterday"], "yesterday"),
        ("frobnicate", [:], "there is no tool `frobnicate`"),
    ] as [(String, [String: Value], String)])
    func badCallsAreToolErrorsThatSayWhatToChange(tool: String, arguments: [String: Value], message: String) async throws {
        let result = try await AgentFixture.get().tools().call(tool, arguments: arguments, client: client)
        #expect(result.isError == true)
        #expect(result.structuredContent == nil)
        #expect(result.text.contains(message), "\(result.text)")
    }

    @Test func badRowsNameTheRowTheFieldAndWhatIsAccepted() async throws {
        let fixture = try AgentFixture.get()
        let categorical = try #require(fixture.creditModel.schema.features.first { $0.kind == .categorical })
        let numeric = try #require(fixture.creditModel.schema.features.first { $0.kind == .numeric })
        let tools = fixture.tools()
        func message(_ change: (inout [String: Value]) -> Void) async -> String {
            var row = fixture.creditRows[0]
            change(&row)
            return await tools.call("predict", arguments: ["ref": "credit-risk", "rows": [.object(fixture.creditRows[1]), .object(row)]], client: client).text
        }
        #expect(await message { $0[numeric.name] = "12k" } == "row 1, `\(numeric.name)`: \"12k\" is not a number: give a number, or null for missing")
        #expect(await message { $0[numeric.name] = [1, 2] }.hasPrefix("row 1, `\(numeric.name)`: an array is not a value of this feature"))
        #expect(await message { $0[categorical.name] = "Nowhere" }.hasPrefix("row 1, `\(categorical.name)`: \"Nowhere\" is not a level training saw"))
        #expect(await message { $0["incme"] = 1 }.hasPrefix("row 1: the model has no feature `incme` (did you mean `income`?)"))
        #expect(await message { $0[numeric.name] = nil }.hasPrefix("row 1: the feature `\(numeric.name)` is missing"))
        let many = await tools.call("predict", arguments: ["ref": "credit-risk", "rows": .array(Array(repeating: .object(fixture.creditRows[0]), count: 1_001))], client: client)
        #expect(many.text == "1001 rows is more than the 1000 one call may carry: split them into calls of at most 1000")
    }

    @Test func promoteAndRollbackAreRecordedAsTheClient() async throws {
        let fixture = try AgentFixture.get()
        let tools = fixture.tools(AgentServerOptions(allowAdmin: true, serverVersion: "test"))
        let promoted = try await call(tools, "promote", ["name": "species", "alias": "staging", "version": 1, "reason": "agent test"])
        #expect(promoted.structuredContent?.objectValue?["actor"] == "mcp:test-agent 1.0")
        let rolledBack = await tools.call("rollback", arguments: ["name": "species", "alias": "staging", "reason": "undo"], client: client)
        #expect(rolledBack.isError == true)
        #expect(rolledBack.text.contains("staging"))
        let events = try fixture.store.auditEvents(model: "species", limit: nil)
        #expect(events.contains { $0.actor == "mcp:test-agent 1.0" && $0.details["alias"] == "staging" })
        let readOnlyKey = AgentClient(name: "agent", version: "2", key: "api-key:bot", role: "read")
        let refused = await tools.call("promote", arguments: ["name": "species", "alias": "x", "version": 1, "reason": "r"], client: readOnlyKey)
        #expect(refused.text == "promote needs an API key with role admin; this client's key has role read")
    }

    @Test func predictionsGoToTheLogAndTheAnswerCarriesItsRequestID() async throws {
        let fixture = try AgentFixture.get()
        let seen = Mutex<[AgentPrediction]>([])
        let directory = fixture.directory, store = fixture.store
        let tools = AgentTools(options: AgentServerOptions(serverVersion: "test"), store: { store },
                               openStore: { actor in try SQLiteStore(directory: directory + "/store", actor: actor, apusVersion: "test") },
                               log: { prediction in
                                   seen.withLock { $0.append(prediction) }
                                   return "request-\(prediction.rows)"
                               })
        let rows: Value = .array(fixture.creditRows.prefix(2).map { .object($0) })
        let result = try await call(tools, "predict_credit-risk", ["rows": rows])
        #expect(result.structuredContent?.objectValue?["request_id"] == "request-2")
        let logged = try #require(seen.withLock { $0.first })
        #expect(logged.version.reference == "credit-risk/1" && logged.route == "mcp:predict_credit-risk")
        #expect(logged.features.count == 2 * fixture.creditModel.schema.count && logged.rawScores.count == 2)
        // Without a log the answer says so with null; an explanation is logged as its prediction.
        let unlogged = try await call(fixture.tools(), "predict", ["ref": "credit-risk", "rows": rows])
        #expect(unlogged.structuredContent?.objectValue?["request_id"] == .null)
        let explained = try await call(tools, "explain_credit-risk", ["row": .object(fixture.creditRows[0])])
        #expect(explained.structuredContent?.objectValue?["request_id"] == "request-1")
        #expect(seen.withLock { $0.map(\.route) } == ["mcp:predict_credit-risk", "mcp:explain_credit-risk"])
    }

    @Test func aModelFileNamedAtStartIsServedAndNoOtherPath() async throws {
        let fixture = try AgentFixture.get()
        let path = fixture.directory + "/served.apus"
        try ModelFile.write(fixture.creditModel, to: path)
        let tools = fixture.tools(AgentServerOptions(models: [path], serverVersion: "test"))
        #expect(tools.tools().map(\.name).suffix(2) == ["predict_served", "explain_served"])
        let typed = try await call(tools, "predict_served", ["rows": [.object(fixture.creditRows[0])]])
        let generic = try await call(tools, "predict", ["ref": .string(path), "rows": [.object(fixture.creditRows[0])]])
        #expect(typed.structuredContent?.objectValue?["predictions"] == generic.structuredContent?.objectValue?["predictions"])
        #expect(generic.structuredContent?.objectValue?["model"]?.objectValue?["version"] == .null)
        #expect(generic.structuredContent?.objectValue?["request_id"] == .null)
        let other = await tools.call("predict", arguments: ["ref": .string(fixture.directory + "/other.apus"), "rows": []], client: client)
        #expect(other.text.hasSuffix("is not served: give a registered model (NAME@ALIAS, NAME/VERSION or NAME); list_models names them"))
        let monitored = await tools.call("monitor_status", arguments: ["ref": .string(path)], client: client)
        #expect(monitored.text.hasPrefix("monitor_status needs a registered model version"))
    }

    @Test func resourcesHoldEachVersionsDescription() throws {
        let tools = try AgentFixture.get().tools()
        let uris = tools.resources().map(\.uri)
        #expect(Set(uris) == ["apus://models/credit-risk/1", "apus://models/credit-risk/2", "apus://models/species/1"])
        let content = try tools.readResource("apus://models/species/1")
        #expect(content.mimeType == "application/json")
        #expect(content.text?.contains("\"resolved\":\"species/1\"") == true)
        #expect(throws: ToolError.self) { try tools.readResource("apus://models/species") }
    }
}

@Suite struct ToolListChangeTests {
    @Test func aMovedAliasTellsTheConnectedClientThatTheToolsChanged() async throws {
        let fixture = try AgentFixture.get()
        var options = AgentServerOptions(models: ["credit-risk@watch"], serverVersion: "test")
        options.toolListPoll = .milliseconds(50)
        let tools = fixture.tools(options)
        _ = try fixture.store.setAlias(model: "credit-risk", alias: "watch", version: 1, reason: "watch test")
        let (clientSide, serverSide) = await InMemoryTransport.createConnectedPair()
        let (server, watch) = try await AgentServer.start(tools: tools, client: ClientBox(), on: serverSide)
        defer { watch?.cancel() }
        let heard = Mutex(0)
        let client = Client(name: "watcher", version: "1")
        await client.onNotification(ToolListChangedNotification.self) { _ in heard.withLock { $0 += 1 } }
        let initialized = try await client.connect(transport: clientSide)
        #expect(initialized.capabilities.tools?.listChanged == true)
        try await Task.sleep(for: .milliseconds(200))
        #expect(heard.withLock { $0 } == 0)
        // The alias the typed tool follows moves: its schemas are now version 2's.
        _ = try fixture.store.setAlias(model: "credit-risk", alias: "watch", version: 2, reason: "watch test")
        for _ in 0..<40 where heard.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(50)) }
        #expect(heard.withLock { $0 } == 1)
        await client.disconnect()
        await server.stop()
    }
}
