@testable import ApusServe
import ApusStore
import ApusTrain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Keys and roles, the admin routes, live aliases, the prediction log and feedback,
/// batching, CORS, metrics and the OpenAPI document.
@Suite(.serialized) struct OperationsTests {
    static let species = "/v1/models/species@champion/predict"
    static let speciesRow = #"{"rows":[{"petal":1,"sepal":5,"colour":"white"}]}"#

    @Test func requireKeyChecksKeysAndRoles() async throws {
        let fixture = try ServeFixture.get()
        let (_, predictKey) = try fixture.store.createAPIKey(name: "roles-predict-\(UUID().uuidString.prefix(8))", role: .predict)
        let (_, readKey) = try fixture.store.createAPIKey(name: "roles-read-\(UUID().uuidString.prefix(8))", role: .read)
        try await fixture.server { $0.requireKey = true }.application().test(.router) { client in
            try await client.execute(uri: Self.species, method: .post, headers: jsonHeaders, body: ByteBuffer(text: Self.speciesRow)) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] != nil)
                #expect(field(response.body, "type") as? String == "urn:apus:problem:unauthorized")
            }
            var bogus = jsonHeaders
            bogus[.authorization] = "Bearer apus_" + String(repeating: "0", count: 64)
            try await client.execute(uri: Self.species, method: .post, headers: bogus, body: ByteBuffer(text: Self.speciesRow)) { response in
                #expect(response.status == .unauthorized)
            }
            var read = jsonHeaders
            read[.authorization] = "Bearer \(readKey)"
            try await client.execute(uri: Self.species, method: .post, headers: read, body: ByteBuffer(text: Self.speciesRow)) { response in
                #expect(response.status == .forbidden)
                #expect((field(response.body, "detail") as? String)?.contains("role read") == true)
            }
            try await client.execute(uri: "/v1/models", method: .get, headers: read) { #expect($0.status == .ok) }
            var predict = jsonHeaders
            predict[HTTPField.Name("X-API-Key")!] = predictKey
            try await client.execute(uri: Self.species, method: .post, headers: predict, body: ByteBuffer(text: Self.speciesRow)) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/v1/models/species/schema", method: .get, headers: predict) { #expect($0.status == .ok) }
            try await client.execute(uri: "/metrics", method: .get, headers: predict) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/v2/health/live", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test func withoutRequireKeyInferenceIsOpenButAdminRoutesAreNot() async throws {
        let fixture = try ServeFixture.get()
        let (_, predictKey) = try fixture.store.createAPIKey(name: "open-predict-\(UUID().uuidString.prefix(8))", role: .predict)
        try await fixture.server().application().test(.router) { client in
            try await client.execute(uri: Self.species, method: .post, headers: jsonHeaders, body: ByteBuffer(text: Self.speciesRow)) {
                #expect($0.status == .ok)
            }
            let move = ByteBuffer(text: #"{"version":1,"reason":"x"}"#)
            try await client.execute(uri: "/v1/models/species/aliases/staging", method: .post, headers: jsonHeaders, body: move) {
                #expect($0.status == .unauthorized)
            }
            var predict = jsonHeaders
            predict[.authorization] = "Bearer \(predictKey)"
            try await client.execute(uri: "/v1/models/species/aliases/staging", method: .post, headers: predict, body: move) {
                #expect($0.status == .forbidden)
            }
        }
    }

    @Test func anAdminKeyMovesAnAliasTheServerFollowsItAndTheAuditNamesTheKey() async throws {
        let fixture = try ServeFixture.get()
        let keyName = "admin-\(UUID().uuidString.prefix(8))"
        let (_, adminKey) = try fixture.store.createAPIKey(name: keyName, role: .admin)
        let server = try fixture.server()
        var adminHeaders = jsonHeaders
        adminHeaders[.authorization] = "Bearer \(adminKey)"
        let admin = adminHeaders
        let expectedV2 = try fixture.expectedCredit(0..<1, model: fixture.creditChallenger)
        try await server.application().test(.router) { client in
            // A fresh alias, so other tests' use of @champion is not disturbed.
            let alias = "live\(UUID().uuidString.prefix(6).lowercased())"
            try await client.execute(uri: "/v1/models/credit-risk/aliases/\(alias)", method: .post, headers: admin,
                                     body: ByteBuffer(text: #"{"version":1,"reason":"start"}"#)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect(field(response.body, "actor") as? String == "api-key:\(keyName)")
            }
            let uri = "/v1/models/credit-risk@\(alias)/predict"
            try await client.execute(uri: uri, method: .post, headers: jsonHeaders, body: ByteBuffer(text: fixture.creditBody())) {
                #expect(field($0.body, "version") as? Int == 1)
            }
            try await client.execute(uri: "/v1/models/credit-risk/aliases/\(alias)", method: .post, headers: admin,
                                     body: ByteBuffer(text: #"{"version":2,"reason":"promote"}"#)) { response in
                let body = try jsonObject(response.body)
                #expect(body["version"] as? Int == 2)
                #expect(body["previous_version"] as? Int == 1)
            }
            await server.pool.refreshAliases()
            try await client.execute(uri: uri, method: .post, headers: jsonHeaders, body: ByteBuffer(text: fixture.creditBody())) { response in
                let body = try jsonObject(response.body)
                #expect(body["version"] as? Int == 2)
                let predictions = try #require(body["predictions"] as? [Double])
                #expect(abs(predictions[0] - expectedV2[0]) < 1e-12)
            }
            try await client.execute(uri: "/v1/models/credit-risk/aliases/\(alias)/rollback", method: .post, headers: admin,
                                     body: ByteBuffer(text: #"{"reason":"latency"}"#)) { response in
                #expect(field(response.body, "version") as? Int == 1)
            }
            await server.pool.refreshAliases()
            try await client.execute(uri: uri, method: .post, headers: jsonHeaders, body: ByteBuffer(text: fixture.creditBody())) {
                #expect(field($0.body, "version") as? Int == 1)
            }
            try await client.execute(uri: "/v1/models/credit-risk/aliases/\(alias)", method: .post, headers: admin,
                                     body: ByteBuffer(text: #"{"version":1}"#)) { response in
                #expect(response.status == .badRequest)
                #expect(field(response.body, "field") as? String == "reason")
            }
            try await client.execute(uri: "/v1/models/credit-risk/aliases/\(alias)", method: .post, headers: admin,
                                     body: ByteBuffer(text: #"{"version":7,"reason":"x"}"#)) { response in
                #expect(response.status == .notFound)
            }
        }
        let events = try fixture.store.auditEvents(model: "credit-risk", limit: nil)
        let moves = events.filter { $0.event == "alias_moved" || $0.event == "rollback" }.suffix(3)
        #expect(moves.count == 3)
        #expect(moves.allSatisfy { $0.actor.hasPrefix("api-key:\(keyName)") }, "\(moves.map(\.actor))")
        let loads = events.filter { $0.event == "model_loaded" }
        #expect(loads.count >= 2)
        #expect(loads.last?.details["reason"] == "alias moved")
    }

    @Test func requestsDuringSwapsAllSucceed() async throws {
        let fixture = try ServeFixture.get()
        let alias = "swap\(UUID().uuidString.prefix(6).lowercased())"
        _ = try fixture.store.setAlias(model: "credit-risk", alias: alias, version: 1, reason: "start")
        let server = try fixture.server()
        let body = fixture.creditBody()
        try await server.application().test(.router) { client in
            let uri = "/v1/models/credit-risk@\(alias)/predict"
            let statuses = try await withThrowingTaskGroup(of: [UInt].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        var statuses: [UInt] = []
                        for _ in 0..<50 {
                            let response = try await client.execute(uri: uri, method: .post, headers: jsonHeaders, body: ByteBuffer(text: body))
                            statuses.append(UInt(response.status.code))
                        }
                        return statuses
                    }
                }
                group.addTask {
                    for round in 0..<6 {
                        _ = try fixture.store.setAlias(model: "credit-risk", alias: alias, version: round % 2 == 0 ? 2 : 1, reason: "swap \(round)")
                        await server.pool.refreshAliases()
                    }
                    return []
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(statuses.count == 200)
            #expect(statuses.allSatisfy { $0 == 200 })
        }
    }

    @Test func everyAnsweredRequestIsLoggedAndFeedbackFindsIt() async throws {
        let fixture = try ServeFixture.get()
        let server = try fixture.server()
        let requestIDs = try await server.application().test(.router) { client in
            var requestIDs: [String] = []
            for rows in [0..<1, 0..<3] {
                let response = try await client.execute(uri: "/v1/models/credit-risk/versions/1/predict", method: .post,
                                                        headers: jsonHeaders, body: ByteBuffer(text: fixture.creditBody(rows: rows)))
                requestIDs.append(try #require(try jsonObject(response.body)["request_id"] as? String))
            }
            let feedback = #"{"labels":[{"request_id":"\#(requestIDs[1])","row":2,"label":1},{"request_id":"\#(requestIDs[0])","label":"0"}]}"#
            try await client.execute(uri: "/v1/feedback", method: .post, headers: jsonHeaders, body: ByteBuffer(text: feedback)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let body = try jsonObject(response.body)
                #expect(body["recorded"] as? Int == 2)
                #expect(body["replaced"] as? Int == 0)
            }
            try await client.execute(uri: "/v1/feedback", method: .post, headers: jsonHeaders,
                                     body: ByteBuffer(text: #"{"request_id":"\#(requestIDs[1])","row":2,"label":0}"#)) { response in
                #expect(field(response.body, "replaced") as? Int == 1)
            }
            try await client.execute(uri: "/v1/feedback", method: .post, headers: jsonHeaders,
                                     body: ByteBuffer(text: #"{"request_id":"no-such-request","label":1}"#)) { response in
                #expect(response.status == .notFound, "\(String(buffer: response.body))")
                #expect((field(response.body, "detail") as? String)?.contains("no-such-request") == true)
            }
            try await client.execute(uri: "/v1/feedback", method: .post, headers: jsonHeaders,
                                     body: ByteBuffer(text: #"{"request_id":"\#(requestIDs[0])","row":5,"label":1}"#)) { response in
                #expect(response.status == .badRequest, "\(String(buffer: response.body))")
            }
            try await client.execute(uri: "/v1/feedback", method: .post, headers: jsonHeaders,
                                     body: ByteBuffer(text: #"{"request_id":"\#(requestIDs[0])"}"#)) { response in
                #expect(response.status == .badRequest)
                #expect(field(response.body, "field") as? String == "label")
            }
            return requestIDs
        }
        let logged = try fixture.store.predictionLog(PredictionLogQuery(model: "credit-risk", limit: 1_000))
        let first = try #require(logged.first { $0.requestID == requestIDs[0] })
        #expect(first.version == 1 && first.rowCount == 1 && first.route == "v1")
        #expect(first.reference == "credit-risk/1")
        let inputs = try #require(first.inputs)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(inputs.utf8)) as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(Set(rows[0].keys) == Set(fixture.creditModel.schema.features.map(\.name)))
        let outputs = try #require(try JSONSerialization.jsonObject(with: Data(first.outputs.utf8)) as? [String: Any])
        let predictions = try #require(outputs["predictions"] as? [Double])
        #expect(abs(predictions[0] - (try fixture.expectedCredit(0..<1))[0]) < 1e-12)
        let labels = try fixture.store.feedback(requestID: requestIDs[1])
        #expect(labels.map(\.label.label) == ["0"])
    }

    @Test func inputsAreSampledAndAFullQueueDropsAndCounts() async throws {
        let fixture = try ServeFixture.get()
        let server = try fixture.server {
            $0.logInputsRate = 0
            $0.logQueueCapacity = 2
            $0.logFlushMilliseconds = 60_000
        }
        let requestIDs = try await server.application().test(.router) { client in
            var requestIDs: [String] = []
            for _ in 0..<5 {
                let response = try await client.execute(uri: "/v1/models/demand/predict", method: .post, headers: jsonHeaders,
                                                        body: ByteBuffer(text: try Self.demandBody(server)))
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                requestIDs.append(response.headers[HTTPField.Name("X-Request-Id")!] ?? "")
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains("apus_prediction_log_dropped_total 3"), "\(text)")
                #expect(text.contains("apus_prediction_log_queue_depth 2"))
            }
            return requestIDs
        }
        // Shutting down wrote the two that were queued.
        let logged = try fixture.store.predictionLog(PredictionLogQuery(model: "demand", limit: 1_000)).filter { requestIDs.contains($0.requestID) }
        #expect(logged.count == 2)
        #expect(logged.allSatisfy { $0.inputs == nil })
    }

    static func demandBody(_ server: ApusServer) throws -> String { try DemandRow.body }

    @Test func batchingGivesEachRequestItsOwnPredictions() async throws {
        let fixture = try ServeFixture.get()
        let server = try fixture.server {
            $0.maxBatchSize = 8
            $0.maxBatchDelayMilliseconds = 5
        }
        let expected = try fixture.expectedCredit(0..<20)
        try await server.application().test(.router) { client in
            let results = try await withThrowingTaskGroup(of: (Int, Double).self) { group in
                for row in 0..<20 {
                    group.addTask {
                        let response = try await client.execute(uri: "/v1/models/credit-risk/versions/1/predict", method: .post,
                                                                headers: jsonHeaders, body: ByteBuffer(text: fixture.creditBody(rows: row..<row + 1)))
                        let predictions = try #require(try jsonObject(response.body)["predictions"] as? [Double])
                        return (row, predictions[0])
                    }
                }
                return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
            #expect(results.count == 20)
            for (row, value) in results { #expect(abs(value - expected[row]) < 1e-12, "row \(row)") }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(String(buffer: response.body).contains("apus_batch_rows_count 20") == false)
                #expect(String(buffer: response.body).contains("apus_batch_rows_sum 20"), "\(String(buffer: response.body))")
            }
        }
    }

    @Test func corsHeadersOnlyForConfiguredOrigins() async throws {
        let fixture = try ServeFixture.get()
        var originHeaders = jsonHeaders
        originHeaders[.origin] = "https://dash.example"
        let origin = originHeaders
        try await fixture.server().application().test(.router) { client in
            try await client.execute(uri: "/v1/models", method: .get, headers: origin) {
                #expect($0.headers[.accessControlAllowOrigin] == nil)
            }
        }
        try await fixture.server { $0.corsOrigins = ["https://dash.example"] }.application().test(.router) { client in
            try await client.execute(uri: "/v1/models", method: .get, headers: origin) {
                #expect($0.headers[.accessControlAllowOrigin] == "https://dash.example")
            }
            var other = origin
            other[.origin] = "https://evil.example"
            try await client.execute(uri: "/v1/models", method: .get, headers: other) {
                #expect($0.headers[.accessControlAllowOrigin] == nil)
            }
            var preflight = origin
            preflight[.accessControlRequestMethod] = "POST"
            try await client.execute(uri: Self.species, method: .options, headers: preflight) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.accessControlAllowHeaders]?.contains("Authorization") == true)
                // A browser MCP client sends the session header and ends its session with DELETE.
                #expect(response.headers[.accessControlAllowHeaders]?.contains("Mcp-Session-Id") == true)
                #expect(response.headers[.accessControlAllowMethods]?.contains("DELETE") == true)
            }
            try await client.execute(uri: "/v1/models", method: .get, headers: origin) {
                #expect($0.headers[.accessControlExposeHeaders] == "X-Request-Id, Mcp-Session-Id")
            }
        }
    }

    @Test func metricsCountRequestsByModelVersionRouteAndStatus() async throws {
        let fixture = try ServeFixture.get()
        try await fixture.server().application().test(.router) { client in
            for _ in 0..<3 {
                _ = try await client.execute(uri: Self.species, method: .post, headers: jsonHeaders, body: ByteBuffer(text: Self.speciesRow))
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                let text = String(buffer: response.body)
                #expect(text.contains(#"apus_http_requests_total{model="species",version="1",route="/v1/models/{name}/predict",status="200"} 3"#), "\(text)")
                #expect(text.contains(#"apus_predictions_total{model="species",version="1"} 3"#))
                #expect(text.contains("apus_http_request_duration_seconds_bucket{model=\"species\""))
                #expect(text.contains("apus_model_load_duration_seconds_count{model=\"species\"} 1"))
                #expect(text.contains("apus_http_requests_in_flight"))
            }
        }
    }

    @Test func theOpenAPIDocumentListsEveryRouteAndIsValid() async throws {
        let fixture = try ServeFixture.get()
        let server = try fixture.server()
        let text = try await server.application().test(.router) { client in
            try await client.execute(uri: "/openapi.json", method: .get) { String(buffer: $0.body) }
        }
        let document = try jsonObject(ByteBuffer(text: text))
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        for route in server.routes {
            #expect(paths[route.path]?[route.method.lowercased()] != nil, "\(route.method) \(route.path) is not in /openapi.json")
        }
        #expect(paths.values.reduce(0) { $0 + $1.count } == server.routes.count, "the document lists a route the server lacks")
        try expectValidOpenAPI(text)
    }

    @Test func anEmptyContentTypeIsRefusedNotACrash() async throws {
        let fixture = try ServeFixture.get()
        try await fixture.server().application().test(.router) { client in
            for value in ["", ";", " ; charset=utf-8"] {
                try await client.execute(uri: Self.species, method: .post, headers: [.contentType: value],
                                         body: ByteBuffer(text: Self.speciesRow)) { response in
                    #expect(response.status == .unsupportedMediaType, "Content-Type `\(value)`")
                }
                try await client.execute(uri: "/v1/feedback", method: .post, headers: [.contentType: value],
                                         body: ByteBuffer(text: #"{"request_id":"x","label":1}"#)) {
                    #expect($0.status == .unsupportedMediaType)
                }
            }
            try await client.execute(uri: Self.species, method: .post, headers: jsonHeaders, body: ByteBuffer(text: Self.speciesRow)) {
                #expect($0.status == .ok)
            }
        }
    }

    @Test func malformedKeysAreRefusedWithoutALookup() async throws {
        let fixture = try ServeFixture.get()
        #expect(!KeyAuthenticator.isWellFormed("apus_" + String(repeating: "a", count: 80_000)))
        #expect(!KeyAuthenticator.isWellFormed("apus_" + String(repeating: "G", count: 64)))
        #expect(KeyAuthenticator.isWellFormed("apus_" + String(repeating: "0a", count: 32)))
        try await fixture.server().application().test(.router) { client in
            var headers = jsonHeaders
            headers[.authorization] = "Bearer apus_" + String(repeating: "x", count: 20_000)
            try await client.execute(uri: "/v1/models/species/aliases/x/rollback", method: .post, headers: headers,
                                     body: ByteBuffer(text: #"{"reason":"r"}"#)) {
                #expect($0.status == .unauthorized)
            }
        }
    }

    @Test func percentEncodedReferencesAreDecoded() async throws {
        let fixture = try ServeFixture.get()
        try await fixture.server().application().test(.router) { client in
            try await client.execute(uri: "/v1/models/species%40champion/predict", method: .post, headers: jsonHeaders,
                                     body: ByteBuffer(text: Self.speciesRow)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
            }
            try await client.execute(uri: "/v2/models/species%40champion/ready", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test func aRepeatedRequestIDIsCountedAsDroppedAndARefusedOutputIsNotLogged() async throws {
        let fixture = try ServeFixture.get()
        let server = try fixture.server()
        let id = "repeat-\(UUID().uuidString.prefix(8))"
        try await server.application().test(.router) { client in
            var headers = jsonHeaders
            headers[HTTPField.Name("X-Request-Id")!] = id
            for _ in 0..<2 {
                try await client.execute(uri: Self.species, method: .post, headers: headers, body: ByteBuffer(text: Self.speciesRow)) {
                    #expect($0.status == .ok)
                }
            }
            try await server.flushPredictionLog()
            let tensors = #"{"id":"refused-output","inputs":[{"name":"petal","shape":[1],"datatype":"FP64","data":[1]},{"name":"sepal","shape":[1],"datatype":"FP64","data":[5]},{"name":"colour","shape":[1],"datatype":"BYTES","data":["white"]}],"outputs":[{"name":"nope"}]}"#
            var kserve = jsonHeaders
            kserve[HTTPField.Name("X-Request-Id")!] = "refused-\(id)"
            try await client.execute(uri: "/v2/models/species/infer", method: .post, headers: kserve, body: ByteBuffer(text: tensors)) {
                #expect($0.status == .badRequest)
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains("apus_prediction_log_dropped_total 1"), "\(text)")
                #expect(text.contains(#"apus_predictions_total{model="species",version="1"} 2"#), "\(text)")
            }
        }
        let logged = try fixture.store.predictionLog(PredictionLogQuery(model: "species", limit: 10_000))
        #expect(logged.filter { $0.requestID == id }.count == 1)
        #expect(!logged.contains { $0.requestID == "refused-\(id)" })
    }

    @Test func booleansAreNotNumbersInAdminAndFeedbackBodies() async throws {
        let fixture = try ServeFixture.get()
        let (_, adminKey) = try fixture.store.createAPIKey(name: "bool-\(UUID().uuidString.prefix(8))", role: .admin)
        try await fixture.server().application().test(.router) { client in
            var admin = jsonHeaders
            admin[.authorization] = "Bearer \(adminKey)"
            try await client.execute(uri: "/v1/models/species/aliases/booltest", method: .post, headers: admin,
                                     body: ByteBuffer(text: #"{"version":true,"reason":"x"}"#)) { response in
                #expect(response.status == .badRequest)
                #expect(field(response.body, "field") as? String == "version")
            }
            try await client.execute(uri: "/v1/feedback", method: .post, headers: jsonHeaders,
                                     body: ByteBuffer(text: #"{"request_id":"r","row":true,"label":1}"#)) {
                #expect(field($0.body, "field") as? String == "row")
            }
            try await client.execute(uri: "/v1/feedback", method: .post, headers: jsonHeaders,
                                     body: ByteBuffer(text: #"{"request_id":"r","label":false}"#)) {
                #expect(field($0.body, "field") as? String == "label")
            }
        }
    }

    @Test func theLeastRecentlyUsedReferenceIsReleasedBeyondTheLimit() async throws {
        let fixture = try ServeFixture.get()
        let prefix = "lru\(UUID().uuidString.prefix(4).lowercased())"
        let count = ModelPool.maxUnpinned + 3
        for index in 0..<count {
            _ = try fixture.store.setAlias(model: "species", alias: "\(prefix)\(index)", version: 1, reason: "lru test")
        }
        let server = try fixture.server { $0.preload = ["species@champion"] }
        try await server.preload()
        try await server.application().test(.router) { client in
            for index in 0..<count {
                try await client.execute(uri: "/v1/models/species@\(prefix)\(index)/predict", method: .post, headers: jsonHeaders,
                                         body: ByteBuffer(text: Self.speciesRow)) { #expect($0.status == .ok) }
            }
        }
        let loaded = server.pool.loadedReferences().map(\.reference)
        #expect(loaded.count == ModelPool.maxUnpinned + 1, "\(loaded)")
        #expect(loaded.contains("species@champion"), "the model named at start is never released")
        #expect(!loaded.contains("species@\(prefix)0"))
        #expect(loaded.contains("species@\(prefix)\(count - 1)"))
    }
}

/// A row of the demand model's features (all numeric), read from its schema.
enum DemandRow {
    static var body: String {
        get throws {
            let fixture = try ServeFixture.get()
            let model = try fixture.store.resolve(model: "demand", alias: "champion")
            let features = try JSONSerialization.jsonObject(with: Data(model.schema.utf8))
            let names: [String]
            if let object = features as? [String: Any], let list = object["features"] as? [[String: Any]] {
                names = list.compactMap { $0["name"] as? String }
            } else if let list = features as? [[String: Any]] {
                names = list.compactMap { $0["name"] as? String }
            } else {
                throw TestFailure("unexpected schema JSON: \(model.schema)")
            }
            return "{\"rows\":[{" + names.enumerated().map { "\"\($0.element)\":\($0.offset + 1)" }.joined(separator: ",") + "}]}"
        }
    }
}
