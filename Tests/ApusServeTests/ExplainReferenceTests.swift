import ApusExplain
import ApusModel
import ApusServe
import ApusService
import ApusTable
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The explain route's `background` and `threshold` references over `--explain-background`
/// rows: interventional TreeSHAP's values against the same rows, biases that are the rows'
/// mean raw score, and every refusal (no background, a background the model cannot read,
/// bad members).
@Suite struct ExplainReferenceTests {
    /// The first `rows` lines of the fixture's credit data (with its target and ignored
    /// columns, which the models do not read) as a CSV file; returns its path.
    static func creditBackground(_ fixture: ServeFixture, rows: Int) throws -> String {
        let lines = try String(contentsOfFile: fixture.directory + "/credit.csv", encoding: .utf8).split(separator: "\n")
        let path = fixture.directory + "/background-\(rows).csv"
        try lines.prefix(rows + 1).joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// `path`'s rows as `model` reads them.
    static func encoded(_ path: String, model: Model) throws -> [Double] {
        try model.schema.encode(table: try CSVReader.read(path: path).table, threads: 1)
    }

    static func rows(_ indices: [Int], of features: [Double], width: Int) -> [Double] {
        indices.flatMap { features[$0 * width..<($0 + 1) * width] }
    }

    static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * max(1, abs(b)) }

    /// Posts `body` to credit-risk's explain route; returns the status and the JSON answer.
    static func explain(_ client: some TestClientProtocol, _ body: String, model: String = "credit-risk@champion")
        async throws -> (HTTPResponse.Status, [String: Any]) {
        try await client.execute(uri: "/v1/models/\(model)/explain", method: .post, headers: jsonHeaders,
                                 body: ByteBuffer(text: body)) { response in (response.status, try jsonObject(response.body)) }
    }

    /// Checks every row's values against `expected` (TreeSHAP's layout) and their sum
    /// against the raw score.
    static func expectValues(_ body: [String: Any], _ expected: [Double], model: Model) throws {
        let names = model.schema.features.map(\.name), width = names.count + 1
        let rows = try #require(body["rows"] as? [[String: Any]])
        #expect(rows.count * width == expected.count)
        for (row, object) in rows.enumerated() {
            let shap = try #require(object["shap"] as? [String: Double])
            for (index, name) in names.enumerated() {
                #expect(close(shap[name] ?? .nan, expected[row * width + index]), "row \(row) \(name)")
            }
            let bias = try #require(object["bias"] as? Double)
            #expect(close(bias, expected[row * width + names.count]))
            let raw = try #require(object["raw_score"] as? Double)
            #expect(abs(bias + shap.values.reduce(0, +) - raw) < 1e-9)
            #expect((object["sum_check"] as? [String: Any])?["ok"] as? Bool == true)
        }
    }

    @Test func backgroundValuesAreInterventionalTreeSHAPsAgainstTheSampledRows() async throws {
        let fixture = try ServeFixture.get()
        let model = fixture.creditModel, width = model.schema.count
        let path = try Self.creditBackground(fixture, rows: 60)
        // 25 of the 60 rows: the seeded sample (seed 0) in file order.
        let chosen = ExplanationBackground.sample(rows: 60, count: 25, seed: 0)
        #expect(chosen.count == 25 && chosen == chosen.sorted() && Set(chosen).count == 25 && chosen != Array(0..<25))
        let background = Self.rows(chosen, of: try Self.encoded(path, model: model), width: width)
        let features = try fixture.creditRows[0..<5].flatMap { try model.schema.encode(record: $0) }
        let expected = try InterventionalTreeSHAP(model.ensemble, background: background, schema: model.schema).values(features: features, threads: 1)
        let meanRaw = try model.ensemble.rawScores(features: background, threads: 1).reduce(0, +) / 25
        let server = try fixture.server {
            $0.explainBackgroundPath = path
            $0.explainBackgroundRows = 25
        }
        try await server.application().test(.router) { client in
            let rows = fixture.creditRows[0..<5].map(ServeFixture.jsonObject).joined(separator: ",")
            let (status, body) = try await Self.explain(client, "{\"rows\":[\(rows)],\"reference\":\"background\"}")
            #expect(status == .ok, "\(body)")
            let explanation = try #require(body["explanation"] as? [String: Any])
            #expect(explanation["reference"] as? String == "background" && explanation["background_rows"] as? Int == 25)
            #expect((explanation["algorithm"] as? String)?.hasPrefix("interventional TreeSHAP") == true)
            try Self.expectValues(body, expected, model: model)
            let bias = try #require((body["rows"] as? [[String: Any]])?.first?["bias"] as? Double)
            #expect(Self.close(bias, meanRaw))
            // The average reference is still path-dependent TreeSHAP on the same server.
            let (averageStatus, average) = try await Self.explain(client, "{\"rows\":[\(rows)]}")
            #expect(averageStatus == .ok)
            try Self.expectValues(average, try TreeSHAP(model.ensemble).values(features: features, threads: 1), model: model)
        }
    }

    @Test func thresholdBiasIsTheMeanRawScoreOfTheRowsNearestTheThreshold() async throws {
        let fixture = try ServeFixture.get()
        let model = fixture.creditModel, width = model.schema.count
        let path = try Self.creditBackground(fixture, rows: 400)
        let candidates = try Self.encoded(path, model: model)
        let probabilities = try model.ensemble.predict(features: candidates, threads: 1)
        // The 100 rows nearest 0.3 by hand: by distance, then by row.
        let nearest = Array(probabilities.indices.sorted {
            let a = abs(probabilities[$0] - 0.3), b = abs(probabilities[$1] - 0.3)
            return a != b ? a < b : $0 < $1
        }.prefix(100))
        let background = Self.rows(nearest, of: candidates, width: width)
        let meanRaw = try model.ensemble.rawScores(features: background, threads: 1).reduce(0, +) / 100
        let features = try fixture.creditRows[0..<4].flatMap { try model.schema.encode(record: $0) }
        let expected = try InterventionalTreeSHAP(model.ensemble, background: background, schema: model.schema).values(features: features, threads: 1)
        let server = try fixture.server { $0.explainBackgroundPath = path }
        try await server.application().test(.router) { client in
            let rows = fixture.creditRows[0..<4].map(ServeFixture.jsonObject).joined(separator: ",")
            let (status, body) = try await Self.explain(client, "{\"rows\":[\(rows)],\"reference\":\"threshold\",\"threshold\":0.3,\"top_k\":2}")
            #expect(status == .ok, "\(body)")
            let explanation = try #require(body["explanation"] as? [String: Any])
            #expect(explanation["reference"] as? String == "threshold" && explanation["threshold"] as? Double == 0.3)
            #expect(explanation["background_rows"] as? Int == 100)
            try Self.expectValues(body, expected, model: model)
            for row in try #require(body["rows"] as? [[String: Any]]) {
                #expect(Self.close(row["bias"] as? Double ?? .nan, meanRaw))
                let reasons = try #require(row["reasons"] as? [[String: Any]])
                #expect(reasons.count <= 2 && reasons.allSatisfy { ($0["effect"] as? Double ?? 0) > 0 })
            }
        }
    }

    @Test func aMulticlassThresholdIsOnTheAdverseClass() async throws {
        let fixture = try ServeFixture.get()
        let model = fixture.speciesModel, width = model.schema.count
        let path = fixture.directory + "/species.csv"
        let candidates = try Self.encoded(path, model: model)
        let predictions = try model.ensemble.predict(features: candidates, threads: 1)
        let virginica = try #require(model.classes.firstIndex(of: "virginica"))
        let scores = stride(from: virginica, to: predictions.count, by: 3).map { predictions[$0] }
        let nearest = try ReasonReference.nearestToThreshold(scores: scores, threshold: 0.5)
        let background = Self.rows(nearest, of: candidates, width: width)
        let record: [String: FeatureValue] = ["petal": .number(4.9), "sepal": .number(6), "colour": .string("blue")]
        let expected = try InterventionalTreeSHAP(model.ensemble, background: background, schema: model.schema)
            .values(features: try model.schema.encode(record: record), threads: 1)
        let server = try fixture.server { $0.explainBackgroundPath = path }
        try await server.application().test(.router) { client in
            let row = ServeFixture.jsonObject(record)
            let (status, body) = try await Self.explain(
                client, "{\"rows\":[\(row)],\"reference\":\"threshold\",\"threshold\":0.5,\"adverse\":\"virginica\"}", model: "species")
            #expect(status == .ok, "\(body)")
            let object = try #require((body["rows"] as? [[String: Any]])?.first)
            let bias = try #require(object["bias"] as? [Double])
            let shap = try #require(object["shap"] as? [String: [Double]])
            for score in 0..<3 {
                #expect(Self.close(bias[score], expected[score * (width + 1) + width]))
                for (index, feature) in model.schema.features.enumerated() {
                    #expect(Self.close(shap[feature.name]?[score] ?? .nan, expected[score * (width + 1) + index]))
                }
            }
            let (refused, problem) = try await Self.explain(client, "{\"rows\":[\(row)],\"reference\":\"threshold\",\"threshold\":0.5}", model: "species")
            #expect(refused == .badRequest && problem["field"] as? String == "adverse")
            #expect((problem["detail"] as? String)?.contains("name it in `adverse`") == true, "\(problem)")
            // The species file lacks credit-risk's features: its background references are refused, naming the column.
            let credit = ServeFixture.jsonObject(fixture.creditRows[0])
            let first = fixture.creditModel.schema.features[0].name
            let (lacking, lack) = try await Self.explain(client, "{\"rows\":[\(credit)],\"reference\":\"background\"}")
            #expect(lacking == .badRequest && lack["field"] as? String == "reference")
            #expect((lack["detail"] as? String)?.contains("has no column `\(first)`, a feature the model reads") == true, "\(lack)")
            #expect(try await Self.explain(client, "{\"rows\":[\(credit)]}").0 == .ok)
        }
    }

    @Test func badMembersAreA400NamingTheField() async throws {
        let fixture = try ServeFixture.get()
        let path = try Self.creditBackground(fixture, rows: 50)
        let row = ServeFixture.jsonObject(fixture.creditRows[0])
        let cases: [(extra: String, field: String, message: String)] = [
            ("\"reference\":\"threshold\"", "threshold", "\"reference\": \"threshold\" needs `threshold`, the decision threshold: the probability of class"),
            ("\"threshold\":0.3", "threshold", "`threshold` is the decision threshold of \"reference\": \"threshold\""),
            ("\"reference\":\"background\",\"threshold\":0.3", "threshold", "send both, or leave `threshold` out"),
            ("\"reference\":\"threshold\",\"threshold\":\"0.3\"", "threshold", "`threshold` must be a number"),
            ("\"reference\":\"threshold\",\"threshold\":1.5", "threshold", "from 0 to 1, not 1.5"),
            ("\"reference\":\"threshold\",\"threshold\":-0.1", "threshold", "from 0 to 1, not -0.1"),
            ("\"reference\":\"threshold\",\"threshold\":1e999", "threshold", "`threshold` must be a number"),
            ("\"reference\":\"median\"", "reference", "unknown reference `median`: the server explains against \"average\""),
            ("\"reference\":1", "reference", "`reference` must be a string: \"average\", \"background\" or \"threshold\""),
        ]
        let server = try fixture.server { $0.explainBackgroundPath = path }
        try await server.application().test(.router) { client in
            for test in cases {
                let (status, problem) = try await Self.explain(client, "{\"rows\":[\(row)],\(test.extra)}")
                #expect(status == .badRequest, "\(test.extra)")
                #expect(problem["field"] as? String == test.field, "\(problem)")
                #expect((problem["detail"] as? String)?.contains(test.message) == true, "\(problem)")
            }
        }
    }

    @Test func withoutABackgroundTheReferencesAreRefused() async throws {
        let fixture = try ServeFixture.get()
        let row = ServeFixture.jsonObject(fixture.creditRows[0])
        try await fixture.server().application().test(.router) { client in
            for extra in ["\"reference\":\"background\"", "\"reference\":\"threshold\",\"threshold\":0.3"] {
                let (status, problem) = try await Self.explain(client, "{\"rows\":[\(row)],\(extra)}")
                #expect(status == .badRequest && problem["field"] as? String == "reference", "\(problem)")
                #expect((problem["detail"] as? String)?.contains("this server has none: start it with --explain-background FILE.csv") == true)
            }
        }
    }

    @Test func startUpRefusesABackgroundThatCannotBeRead() async throws {
        let fixture = try ServeFixture.get()
        let first = fixture.creditModel.schema.features[0].name
        // A preloaded model whose features the file lacks: the column is named at start.
        let species = fixture.directory + "/species.csv"
        let lacking = try fixture.server {
            $0.explainBackgroundPath = species
            $0.preload = ["species@champion", "credit-risk@champion"]
        }
        do {
            try await lacking.preload()
            Issue.record("preload accepted a background without `\(first)`")
        } catch {
            #expect("\(error)".contains("cannot explain `credit-risk@champion` (credit-risk/1): --explain-background `\(species)` has no column `\(first)`"), "\(error)")
        }
        // No such file, an empty file, a row count out of range.
        let empty = fixture.directory + "/empty-background.csv"
        try "age,income\n".write(toFile: empty, atomically: true, encoding: .utf8)
        let refusals: [(String?, Int, String)] = [
            (fixture.directory + "/no-such.csv", 100, "--explain-background cannot be read: \(fixture.directory)/no-such.csv"),
            (empty, 100, "--explain-background cannot be read: \(empty): the file has a header but no data rows"),
            (species, 0, "--explain-background-rows must be 1 to 10000, not 0"),
        ]
        for (path, rows, message) in refusals {
            do {
                _ = try fixture.server {
                    $0.explainBackgroundPath = path
                    $0.explainBackgroundRows = rows
                }
                Issue.record("the server started with \(path ?? "-") and \(rows) rows")
            } catch {
                #expect("\(error)".contains(message), "\(error)")
            }
        }
    }

    @Test func theOpenAPIDocumentOffersTheReferences() async throws {
        let fixture = try ServeFixture.get()
        try await fixture.server().application().test(.router) { client in
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                let document = try jsonObject(response.body)
                let schemas = (document["components"] as? [String: Any])?["schemas"] as? [String: Any]
                let properties = (schemas?["ExplainRequest"] as? [String: Any])?["properties"] as? [String: Any]
                #expect((properties?["reference"] as? [String: Any])?["enum"] as? [String] == ["average", "background", "threshold"])
                #expect((properties?["threshold"] as? [String: Any])?["type"] as? String == "number")
            }
        }
    }
}
