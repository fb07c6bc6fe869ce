import ApusExplain
import ApusModel
import ApusServe
import ApusTable
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `POST /v1/models/{name}/explain` and `"explain": true` on predict, in process: exact SHAP
/// values equal to TreeSHAP's, additive to the raw score, reason codes, and bad input.
@Suite struct ExplainRoutesTests {
    /// The credit rows `rows` as an explain body with `extra` members (`"top_k":2`, ...).
    static func creditBody(_ fixture: ServeFixture, rows: Range<Int>, extra: String = "") -> String {
        let objects = fixture.creditRows[rows].map(ServeFixture.jsonObject)
        return "{\"rows\":[\(objects.joined(separator: ","))]\(extra.isEmpty ? "" : "," + extra)}"
    }

    static func encoded(_ fixture: ServeFixture, rows: Range<Int>, model: Model) throws -> [Double] {
        try fixture.creditRows[rows].flatMap { try model.schema.encode(record: $0) }
    }

    static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * max(1, abs(b)) }

    @Test func valuesAreTreeSHAPsAndAddUpToTheRawScore() async throws {
        let fixture = try ServeFixture.get()
        let model = fixture.creditModel
        let features = try Self.encoded(fixture, rows: 0..<6, model: model)
        let expected = try TreeSHAP(model.ensemble).values(features: features, threads: 1)
        let raw = try model.ensemble.rawScores(features: features, threads: 1)
        let names = model.schema.features.map(\.name), width = names.count + 1
        try await fixture.server().application().test(.router) { client in
            try await client.execute(uri: "/v1/models/credit-risk@champion/explain", method: .post, headers: jsonHeaders,
                                     body: ByteBuffer(text: Self.creditBody(fixture, rows: 0..<6))) { response in
                #expect(response.status == .ok)
                let body = try jsonObject(response.body)
                #expect(body["task"] as? String == "binary" && body["version"] as? Int == 1)
                let explanation = try #require(body["explanation"] as? [String: Any])
                #expect(explanation["method"] as? String == "tree_shap" && explanation["exact"] as? Bool == true)
                #expect(explanation["reference"] as? String == "average" && explanation["output"] as? String == "log-odds")
                #expect(explanation["top_k"] as? Int == 4)
                let rows = try #require(body["rows"] as? [[String: Any]])
                #expect(rows.count == 6)
                for (row, object) in rows.enumerated() {
                    let shap = try #require(object["shap"] as? [String: Double])
                    #expect(Set(shap.keys) == Set(names))
                    for (index, name) in names.enumerated() {
                        #expect(Self.close(shap[name] ?? .nan, expected[row * width + index]), "row \(row) \(name)")
                    }
                    let bias = try #require(object["bias"] as? Double)
                    #expect(Self.close(bias, expected[row * width + names.count]))
                    let rawScore = try #require(object["raw_score"] as? Double)
                    #expect(Self.close(rawScore, raw[row]))
                    #expect(abs(bias + shap.values.reduce(0, +) - rawScore) < 1e-9)
                    let check = try #require(object["sum_check"] as? [String: Any])
                    #expect(check["ok"] as? Bool == true)
                    #expect((check["max_gap"] as? Double ?? 1) < 1e-9)
                    let prediction = try #require(object["prediction"] as? Double)
                    #expect(Self.close(prediction, 1 / (1 + exp(-raw[row]))))
                    #expect(object["adverse"] as? String == model.classes[1])
                }
            }
        }
    }

    @Test func reasonCodesAreTheLibrarysWithTheirTexts() async throws {
        let fixture = try ServeFixture.get()
        let model = fixture.creditModel
        let features = try Self.encoded(fixture, rows: 0..<8, model: model)
        let values = try TreeSHAP(model.ensemble).values(features: features, threads: 1)
        let higher = try ReasonCodes(model: model, count: 2).reasons(attributions: values, features: features)
        let lower = try ReasonCodes(model: model, count: 3, adverse: .lower, minimumEffect: 0.05).reasons(attributions: values, features: features)
        #expect(higher.contains { !$0.isEmpty } && lower.contains { !$0.isEmpty })
        try await fixture.server().application().test(.router) { client in
            let cases: [(String, [[ReasonCode]])] = [("\"top_k\":2", higher), ("\"top_k\":3,\"adverse\":\"lower\",\"min_effect\":0.05", lower)]
            for (extra, expected) in cases {
                try await client.execute(uri: "/v1/models/credit-risk/explain", method: .post, headers: jsonHeaders,
                                         body: ByteBuffer(text: Self.creditBody(fixture, rows: 0..<8, extra: extra))) { response in
                    #expect(response.status == .ok)
                    let rows = try #require(try jsonObject(response.body)["rows"] as? [[String: Any]])
                    for (row, object) in rows.enumerated() {
                        let reasons = try #require(object["reasons"] as? [[String: Any]])
                        #expect(reasons.compactMap { $0["text"] as? String } == expected[row].map(\.text), "\(extra) row \(row)")
                        #expect(reasons.compactMap { $0["feature"] as? String } == expected[row].map(\.name))
                        #expect(reasons.compactMap { $0["rank"] as? Int } == (0..<reasons.count).map { $0 + 1 })
                        for (reason, want) in zip(reasons, expected[row]) {
                            #expect(reason["value"] as? String == want.valueText)
                            #expect(Self.close(reason["effect"] as? Double ?? .nan, want.effect))
                        }
                    }
                    let first = expected.first { !$0.isEmpty }?.first?.text ?? ""
                    #expect(first.contains(extra.contains("lower") ? " lowered the score by " : " raised the risk by "))
                    #expect(first.hasSuffix(" log-odds"))
                }
            }
        }
    }

    @Test func multiclassGivesOneValuePerClassAndExplainsTheChosenClass() async throws {
        let fixture = try ServeFixture.get()
        let model = fixture.speciesModel
        let records: [[String: FeatureValue]] = [
            ["petal": .number(0.5), "sepal": .number(5.5), "colour": .string("white")],
            ["petal": .number(4.9), "sepal": .number(6), "colour": .string("tartan")],
        ]
        let features = try records.flatMap { try model.schema.encode(record: $0) }
        let expected = try TreeSHAP(model.ensemble).values(features: features, threads: 1)
        let width = model.schema.count + 1
        let rowsJSON = records.map(ServeFixture.jsonObject).joined(separator: ",")
        try await fixture.server().application().test(.router) { client in
            for adverse in [nil, "virginica"] {
                let extra = adverse.map { ",\"adverse\":\"\($0)\"" } ?? ""
                try await client.execute(uri: "/v1/models/species/explain", method: .post, headers: jsonHeaders,
                                         body: ByteBuffer(text: "{\"rows\":[\(rowsJSON)]\(extra)}")) { response in
                    #expect(response.status == .ok)
                    let body = try jsonObject(response.body)
                    #expect(body["classes"] as? [String] == model.classes)
                    #expect((body["unseen_levels"] as? [[String: Any]])?.first?["value"] as? String == "tartan")
                    let rows = try #require(body["rows"] as? [[String: Any]])
                    #expect(rows.map { $0["label"] as? String } == ["setosa", "virginica"])
                    for (row, object) in rows.enumerated() {
                        #expect((object["prediction"] as? [Double])?.count == 3)
                        let raw = try #require(object["raw_score"] as? [Double])
                        let bias = try #require(object["bias"] as? [Double])
                        let shap = try #require(object["shap"] as? [String: [Double]])
                        for score in 0..<3 {
                            let group = (row * 3 + score) * width
                            for (index, feature) in model.schema.features.enumerated() {
                                #expect(Self.close(shap[feature.name]?[score] ?? .nan, expected[group + index]))
                            }
                            #expect(Self.close(bias[score], expected[group + width - 1]))
                            #expect(abs(bias[score] + shap.values.map { $0[score] }.reduce(0, +) - raw[score]) < 1e-9)
                        }
                        let explained = adverse ?? (object["label"] as? String ?? "")
                        #expect(object["adverse"] as? String == explained)
                        for reason in object["reasons"] as? [[String: Any]] ?? [] {
                            #expect((reason["text"] as? String)?.contains(" raised the raw score of \(explained) by ") == true)
                        }
                    }
                }
            }
        }
    }

    @Test func theVersionRouteAndRegressionExplainTheirModels() async throws {
        let fixture = try ServeFixture.get()
        let model = fixture.creditChallenger
        let features = try Self.encoded(fixture, rows: 0..<2, model: model)
        let expected = try TreeSHAP(model.ensemble).values(features: features, threads: 1)
        try await fixture.server().application().test(.router) { client in
            try await client.execute(uri: "/v1/models/credit-risk/versions/2/explain", method: .post, headers: jsonHeaders,
                                     body: ByteBuffer(text: Self.creditBody(fixture, rows: 0..<2))) { response in
                #expect(response.status == .ok)
                let body = try jsonObject(response.body)
                #expect(body["version"] as? Int == 2)
                let rows = try #require(body["rows"] as? [[String: Any]])
                let first = model.schema.features[0].name
                #expect(Self.close((rows[1]["shap"] as? [String: Double])?[first] ?? .nan, expected[model.schema.count + 1]))
            }
            // Regression: the unit of a reason is the target.
            let schema = try await client.execute(uri: "/v1/models/demand/schema", method: .get) { try jsonObject($0.body) }
            let items = (schema["properties"] as? [String: Any])?["rows"] as? [String: Any]
            let names = try #require((items?["items"] as? [String: Any])?["required"] as? [String])
            let row = "{" + names.map { "\"\($0)\":null" }.joined(separator: ",") + "}"
            try await client.execute(uri: "/v1/models/demand/explain", method: .post, headers: jsonHeaders,
                                     body: ByteBuffer(text: "{\"rows\":[\(row)],\"adverse\":\"lower\",\"top_k\":1}")) { response in
                #expect(response.status == .ok)
                let body = try jsonObject(response.body)
                #expect(body["classes"] == nil)
                let rows = try #require(body["rows"] as? [[String: Any]])
                #expect(rows[0]["label"] == nil && rows[0]["adverse"] as? String == "lower")
                for reason in rows[0]["reasons"] as? [[String: Any]] ?? [] {
                    #expect((reason["text"] as? String)?.hasSuffix(" \(SyntheticScenario.demand.targetColumn)") == true)
                    #expect(reason["value_kind"] as? String == "missing")
                }
            }
            try await client.execute(uri: "/v1/models/demand/explain", method: .post, headers: jsonHeaders,
                                     body: ByteBuffer(text: "{\"rows\":[\(row)],\"adverse\":\"x\"}")) { response in
                #expect(response.status == .badRequest)
                #expect(field(response.body, "field") as? String == "adverse")
                #expect((field(response.body, "detail") as? String)?.contains("`adverse` of a regression model is \"higher\" or \"lower\"") == true)
            }
        }
    }

    @Test func predictWithExplainGivesExactSHAPValues() async throws {
        let fixture = try ServeFixture.get()
        let model = fixture.creditModel
        let features = try Self.encoded(fixture, rows: 0..<3, model: model)
        let expected = try TreeSHAP(model.ensemble).values(features: features, threads: 1)
        try await fixture.server().application().test(.router) { client in
            try await client.execute(uri: "/v1/models/credit-risk@champion/predict", method: .post, headers: jsonHeaders,
                                     body: ByteBuffer(text: fixture.creditBody(rows: 0..<3, explain: true))) { response in
                #expect(response.status == .ok)
                let body = try jsonObject(response.body)
                let explanation = try #require(body["explanation"] as? [String: Any])
                #expect(explanation["method"] as? String == "tree_shap" && explanation["approximate"] as? Bool == false)
                let contributions = try #require(body["contributions"] as? [[Double]])
                #expect(contributions.count == 3)
                for (got, want) in zip(contributions.flatMap { $0 }, expected) { #expect(Self.close(got, want)) }
            }
        }
    }

    @Test func badInputIsA400NamingTheField() async throws {
        let fixture = try ServeFixture.get()
        let names = fixture.creditModel.schema.features.map(\.name)
        let values = names.map { ServeFixture.json(fixture.creditRows[0][$0]!) }
        let columns = (names + ["no_such_column"]).map { "\"\($0)\"" }.joined(separator: ",")
        var partial = fixture.creditRows[0]
        partial[names[0]] = nil
        let row = ServeFixture.jsonObject(fixture.creditRows[0])
        let cases: [(uri: String, body: String, field: String, message: String)] = [
            ("credit-risk", "{\"columns\":[\(columns)],\"data\":[[\(values.joined(separator: ",")),1]]}", "no_such_column", "no_such_column"),
            ("credit-risk", "{\"rows\":[\(ServeFixture.jsonObject(partial))]}", names[0], names[0]),
            ("credit-risk", "{\"rows\":[\(row)],\"top_k\":0}", "top_k", "`top_k` must be a whole number of at least 1"),
            ("credit-risk", "{\"rows\":[\(row)],\"top_k\":\"3\"}", "top_k", "`top_k` must be a whole number"),
            ("credit-risk", "{\"rows\":[\(row)],\"min_effect\":-1}", "min_effect", "`min_effect` must be a number of at least 0"),
            ("credit-risk", "{\"rows\":[\(row)],\"reference\":\"median\"}", "reference", "unknown reference `median`"),
            ("credit-risk", "{\"rows\":[\(row)],\"reference\":\"threshold\"}", "reference", "start it with --explain-background"),
            ("credit-risk", "{\"rows\":[\(row)],\"adverse\":\"sideways\"}", "adverse", "`adverse` is `sideways`, which is no class"),
            ("credit-risk", "{\"rows\":[\(row)],\"adverse\":1}", "adverse", "`adverse` must be a string"),
            ("credit-risk", "{\"rows\":[\(row)],\"why\":true}", "why", "\"top_k\", \"adverse\", \"reference\", \"threshold\" and \"min_effect\""),
            ("species", "{\"rows\":[{\"petal\":1,\"sepal\":5,\"colour\":\"blue\"}],\"adverse\":\"higher\"}", "adverse",
             "a multiclass model needs the adverse class"),
        ]
        try await fixture.server().application().test(.router) { client in
            for test in cases {
                try await client.execute(uri: "/v1/models/\(test.uri)/explain", method: .post, headers: jsonHeaders,
                                         body: ByteBuffer(text: test.body)) { response in
                    #expect(response.status == .badRequest, "\(test.body)")
                    let problem = try jsonObject(response.body)
                    #expect(problem["field"] as? String == test.field, "\(problem)")
                    #expect((problem["detail"] as? String)?.contains(test.message) == true, "\(problem)")
                }
            }
            // The predict route still refuses the explain route's members.
            try await client.execute(uri: "/v1/models/credit-risk/predict", method: .post, headers: jsonHeaders,
                                     body: ByteBuffer(text: "{\"rows\":[\(row)],\"top_k\":2}")) { response in
                #expect(response.status == .badRequest)
                #expect(field(response.body, "field") as? String == "top_k")
            }
        }
    }
}
