import ApusModel
import ApusServe
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `/v1/models/{name}/predict` and the registry routes, in process.
@Suite struct ApusRoutesTests {
    @Test func oneRowMatchesTheModelAndCarriesItsRequestID() async throws {
        let fixture = try ServeFixture.get()
        let expected = try fixture.expectedCredit(0..<1)
        try await fixture.server().application().test(.router) { client in
            try await client.execute(uri: "/v1/models/credit-risk@champion/predict", method: .post, headers: jsonHeaders,
                                     body: ByteBuffer(text: fixture.creditBody())) { response in
                #expect(response.status == .ok)
                let body = try jsonObject(response.body)
                let predictions = try #require(body["predictions"] as? [Double])
                #expect(predictions.count == 1)
                #expect(abs(predictions[0] - expected[0]) < 1e-12)
                #expect(body["version"] as? Int == 1)
                #expect(body["model"] as? String == "credit-risk")
                #expect(body["reference"] as? String == "credit-risk@champion")
                #expect(body["task"] as? String == "binary")
                #expect((body["labels"] as? [String])?.count == 1)
                let id = try #require(response.headers[HTTPField.Name("X-Request-Id")!])
                #expect(body["request_id"] as? String == id)
                #expect(id.count == 32)
            }
        }
    }

    @Test func columnsAndDataGiveTheSamePredictionsAsRows() async throws {
        let fixture = try ServeFixture.get()
        let expected = try fixture.expectedCredit(0..<20)
        let names = fixture.creditModel.schema.features.map(\.name)
        let data = fixture.creditRows.map { row in "[" + names.map { ServeFixture.json(row[$0]!) }.joined(separator: ",") + "]" }
        let body = "{\"columns\":[\(names.map { "\"\($0)\"" }.joined(separator: ","))],\"data\":[\(data.joined(separator: ","))]}"
        try await fixture.server().application().test(.router) { client in
            for text in [body, fixture.creditBody(rows: 0..<20)] {
                try await client.execute(uri: "/v1/models/credit-risk/predict", method: .post, headers: jsonHeaders,
                                         body: ByteBuffer(text: text)) { response in
                    #expect(response.status == .ok)
                    let predictions = try #require(try jsonObject(response.body)["predictions"] as? [Double])
                    #expect(predictions.count == 20)
                    for (got, want) in zip(predictions, expected) { #expect(abs(got - want) < 1e-12) }
                }
            }
        }
    }

    @Test func aVersionRouteServesThatVersion() async throws {
        let fixture = try ServeFixture.get()
        let expected = try fixture.expectedCredit(0..<3, model: fixture.creditChallenger)
        try await fixture.server().application().test(.router) { client in
            for uri in ["/v1/models/credit-risk/versions/2/predict", "/v1/models/credit-risk@challenger/predict"] {
                try await client.execute(uri: uri, method: .post, headers: jsonHeaders,
                                         body: ByteBuffer(text: fixture.creditBody(rows: 0..<3))) { response in
                    #expect(response.status == .ok)
                    let body = try jsonObject(response.body)
                    #expect(body["version"] as? Int == 2)
                    let predictions = try #require(body["predictions"] as? [Double])
                    for (got, want) in zip(predictions, expected) { #expect(abs(got - want) < 1e-12) }
                }
            }
        }
    }

    @Test func explainAddsContributionsThatSumToTheLogOdds() async throws {
        let fixture = try ServeFixture.get()
        try await fixture.server().application().test(.router) { client in
            try await client.execute(uri: "/v1/models/credit-risk@champion/predict", method: .post, headers: jsonHeaders,
                                     body: ByteBuffer(text: fixture.creditBody(rows: 0..<4, explain: true))) { response in
                #expect(response.status == .ok)
                let body = try jsonObject(response.body)
                let explanation = try #require(body["explanation"] as? [String: Any])
                #expect(explanation["approximate"] as? Bool == false)
                #expect(explanation["method"] as? String == "tree_shap")
                let names = try #require(explanation["names"] as? [String])
                #expect(names.count == fixture.creditModel.schema.count + 1 && names.last == "(bias)")
                let predictions = try #require(body["predictions"] as? [Double])
                let contributions = try #require(body["contributions"] as? [[Double]])
                #expect(contributions.count == 4)
                for (row, values) in contributions.enumerated() {
                    #expect(values.count == names.count)
                    let logOdds = log(predictions[row] / (1 - predictions[row]))
                    #expect(abs(values.reduce(0, +) - logOdds) < 1e-9)
                }
            }
        }
    }

    @Test func multiclassAnswersProbabilitiesLabelsAndClasses() async throws {
        let fixture = try ServeFixture.get()
        try await fixture.server().application().test(.router) { client in
            let body = "{\"rows\":[{\"petal\":0.5,\"sepal\":5.5,\"colour\":\"white\"},{\"petal\":4.9,\"sepal\":6,\"colour\":\"purple\"}]}"
            try await client.execute(uri: "/v1/models/species/predict", method: .post, headers: jsonHeaders,
                                     body: ByteBuffer(text: body)) { response in
                #expect(response.status == .ok)
                let object = try jsonObject(response.body)
                #expect(object["task"] as? String == "multiclass")
                let classes = try #require(object["classes"] as? [String])
                #expect(classes.count == 3)
                let probabilities = try #require(object["predictions"] as? [[Double]])
                #expect(probabilities.count == 2)
                for row in probabilities { #expect(abs(row.reduce(0, +) - 1) < 1e-12) }
                #expect(object["labels"] as? [String] == ["setosa", "virginica"])
            }
        }
    }

    @Test func anUnseenLevelIsServedListedAndCounted() async throws {
        let fixture = try ServeFixture.get()
        try await fixture.server().application().test(.router) { client in
            let body = "{\"rows\":[{\"petal\":0.5,\"sepal\":5.5,\"colour\":\"tartan\"}]}"
            try await client.execute(uri: "/v1/models/species/predict", method: .post, headers: jsonHeaders,
                                     body: ByteBuffer(text: body)) { response in
                #expect(response.status == .ok)
                let unseen = try #require(try jsonObject(response.body)["unseen_levels"] as? [[String: Any]])
                #expect(unseen.count == 1)
                #expect(unseen[0]["feature"] as? String == "colour")
                #expect(unseen[0]["value"] as? String == "tartan")
                #expect(unseen[0]["row"] as? Int == 0)
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(String(buffer: response.body).contains("apus_unseen_levels_total{model=\"species\",version=\"1\"} 1"))
            }
        }
    }

    @Test func modelsListsVersionsAliasesAndWhatIsServed() async throws {
        let fixture = try ServeFixture.get()
        try await fixture.server().application().test(.router) { client in
            _ = try await client.execute(uri: "/v1/models/credit-risk@champion/predict", method: .post, headers: jsonHeaders,
                                         body: ByteBuffer(text: fixture.creditBody()))
            try await client.execute(uri: "/v1/models", method: .get) { response in
                #expect(response.status == .ok)
                let models = try #require(try jsonObject(response.body)["models"] as? [[String: Any]])
                let credit = try #require(models.first { $0["name"] as? String == "credit-risk" })
                #expect(credit["aliases"] as? [String: Int] == ["champion": 1, "challenger": 2])
                #expect((credit["versions"] as? [[String: Any]])?.count == 2)
                let serving = try #require(credit["serving"] as? [[String: Any]])
                #expect(serving.first?["reference"] as? String == "credit-risk@champion")
                #expect(Set(models.compactMap { $0["name"] as? String }) == ["credit-risk", "demand", "species"])
            }
        }
    }

    @Test func schemaIsJSONSchemaOfTheRows() async throws {
        let fixture = try ServeFixture.get()
        try await fixture.server().application().test(.router) { client in
            try await client.execute(uri: "/v1/models/species@champion/schema", method: .get) { response in
                #expect(response.status == .ok)
                let schema = try jsonObject(response.body)
                #expect(schema["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
                let rows = try #require((schema["properties"] as? [String: Any])?["rows"] as? [String: Any])
                #expect(rows["maxItems"] as? Int == 10_000)
                let items = try #require(rows["items"] as? [String: Any])
                #expect(items["required"] as? [String] == fixture.speciesModel.schema.features.map(\.name))
                let colour = try #require((items["properties"] as? [String: Any])?["colour"] as? [String: Any])
                #expect(Set(colour["examples"] as? [String] ?? []) == ["white", "blue", "purple"])
            }
        }
    }

    @Test func unknownModelsAliasesAndRoutesAreProblemJSON404s() async throws {
        let fixture = try ServeFixture.get()
        try await fixture.server().application().test(.router) { client in
            let cases: [(String, String)] = [
                ("/v1/models/nosuch/predict", "there is no registered model `nosuch`"),
                ("/v1/models/credit-risk@gold/predict", "has no alias `gold`"),
                ("/v1/models/credit-risk/versions/9/predict", "has no version 9"),
            ]
            for (uri, message) in cases {
                try await client.execute(uri: uri, method: .post, headers: jsonHeaders, body: ByteBuffer(text: fixture.creditBody())) { response in
                    #expect(response.status == .notFound)
                    #expect(response.headers[.contentType] == "application/problem+json")
                    let problem = try jsonObject(response.body)
                    #expect(problem["type"] as? String == "urn:apus:problem:not_found")
                    #expect(problem["status"] as? Int == 404)
                    #expect((problem["detail"] as? String)?.contains(message) == true, "\(problem)")
                }
            }
            try await client.execute(uri: "/v1/nothing", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect((field(response.body, "detail") as? String)?.contains("/openapi.json") == true)
            }
        }
    }

    @Test func aBareNameMeansTheDefaultAlias() async throws {
        let fixture = try ServeFixture.get()
        try await fixture.server { $0.defaultAlias = "challenger" }.application().test(.router) { client in
            try await client.execute(uri: "/v1/models/credit-risk/predict", method: .post, headers: jsonHeaders,
                                     body: ByteBuffer(text: fixture.creditBody())) { response in
                #expect(field(response.body, "version") as? Int == 2)
            }
        }
    }

    @Test func unknownFieldsAreRefusedByDefaultAndListedWhenIgnored() async throws {
        let fixture = try ServeFixture.get()
        let body = #"{"rows":[{"petal":1,"sepal":5,"colour":"white","customer_id":"c-17","notes":{"a":[1]}}]}"#
        try await fixture.server().application().test(.router) { client in
            try await client.execute(uri: "/v1/models/species/predict", method: .post, headers: jsonHeaders, body: ByteBuffer(text: body)) {
                #expect($0.status == .badRequest)
                #expect(field($0.body, "field") as? String == "customer_id")
            }
        }
        try await fixture.server { $0.unknownFields = .ignore }.application().test(.router) { client in
            try await client.execute(uri: "/v1/models/species/predict", method: .post, headers: jsonHeaders, body: ByteBuffer(text: body)) {
                #expect($0.status == .ok)
                #expect(field($0.body, "ignored_fields") as? [String] == ["customer_id", "notes"])
            }
            try await client.execute(uri: "/v1/models/species/predict", method: .post, headers: jsonHeaders,
                                     body: ByteBuffer(text: #"{"rows":[{"petal":1,"colour":"white","customer_id":"c-17"}]}"#)) {
                #expect($0.status == .badRequest)
                #expect(field($0.body, "field") as? String == "sepal")
            }
        }
    }
}
