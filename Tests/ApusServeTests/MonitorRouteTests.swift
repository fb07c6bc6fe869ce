@testable import ApusServe
import ApusService
import ApusStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `GET /v1/models/{name}/monitor`: the served version's prediction log against the profile its
/// training stored, and the drift gauges it sets in `/metrics`.
@Suite(.serialized) struct MonitorRouteTests {
    static let predict = "/v1/models/credit-risk@champion/predict"

    @Test func theMonitorRouteComparesTheLogWithTheStoredProfileAndSetsTheGauges() async throws {
        let fixture = try ServeFixture.get()
        let server = try fixture.server()
        try await server.application().test(.router) { client in
            for _ in 0..<5 {
                try await client.execute(uri: Self.predict, method: .post, headers: jsonHeaders,
                                         body: ByteBuffer(text: fixture.creditBody(rows: 0..<20))) { #expect($0.status == .ok) }
            }
            try await server.flushPredictionLog()
            try await client.execute(uri: "/v1/models/credit-risk@champion/monitor?since=1h&domain_classifier=false", method: .get) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let report = try jsonObject(response.body)
                let reference = report["reference"] as? [String: Any]
                #expect(reference?["source"] as? String == "profile")
                let current = report["current"] as? [String: Any]
                #expect(current?["source"] as? String == "prediction_log")
                #expect((current?["rows"] as? Int ?? 0) >= 100)
                let features = report["features"] as? [String: Any] ?? [:]
                #expect(Set(features.keys) == Set(fixture.creditModel.schema.features.map(\.name)))
                let compared = features.values.compactMap { ($0 as? [String: Any])?["test"] as? String }
                #expect(compared.count == fixture.creditModel.schema.count)
                #expect((report["predictions"] as? [String: Any])?["test"] as? String == "ks")
                #expect(report["alert"] is Bool)
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"apus_drift_share{model="credit-risk",version="1"}"#), "\(text.suffix(3000))")
                #expect(text.contains(#"apus_drift_alert{model="credit-risk",version="1"}"#))
                #expect(text.contains(#"apus_feature_drifted{model="credit-risk",version="1",feature=""#))
                #expect(text.contains(#"apus_prediction_drift_score{model="credit-risk",version="1",test="ks"}"#))
            }
        }
    }

    @Test func theLogIsProfiledHourByHourAndMonitoredWithoutItsInputs() async throws {
        let fixture = try ServeFixture.get()
        let server = try fixture.server { $0.logInputsRate = 0 }
        try await server.application().test(.router) { client in
            for _ in 0..<3 {
                try await client.execute(uri: Self.predict, method: .post, headers: jsonHeaders,
                                         body: ByteBuffer(text: fixture.creditBody(rows: 0..<20))) { #expect($0.status == .ok) }
            }
            try await server.flushPredictionLog()
            let since = try ModelMonitoring.windowStart("2h"), until = try ModelMonitoring.windowStart("0s")
            let hours = try fixture.store.predictionProfiles(model: "credit-risk", version: 1, since: since, until: until)
            #expect(!hours.isEmpty)
            #expect(hours.reduce(0) { $0 + $1.rows } >= 60)
            try await client.execute(uri: "/v1/models/credit-risk@champion/monitor?since=2h&domain_classifier=false", method: .get) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let report = try jsonObject(response.body)
                let current = report["current"] as? [String: Any]
                #expect((current?["profiled_rows"] as? Int ?? 0) >= 60)
                #expect((current?["profiled_hours"] as? Int ?? 0) >= 1)
                let features = report["features"] as? [String: [String: Any]] ?? [:]
                let compared = features.values.filter { $0["test"] is String }
                #expect(compared.count == fixture.creditModel.schema.count, "\(features.values.compactMap { $0["note"] as? String })")
                let predictions = report["predictions"] as? [String: Any]
                #expect((predictions?["current"] as? [String: Any])?["count"] as? Int ?? 0 >= 60)
            }
            // A window that starts just after the rows were logged: no logged row falls in it, but the
            // hour's profile overlaps it (other suites log inputs to the same store meanwhile).
            let group = try #require(fixture.creditModel.schema.features.first { $0.kind == .categorical }?.name)
            let now = StoreClock.nowMilliseconds()
            let after = StoreClock.format(milliseconds: now + 1), end = StoreClock.format(milliseconds: now + 2)
            try await client.execute(uri: "/v1/models/credit-risk@champion/monitor?since=\(after)&until=\(end)&domain_classifier=false&sensitive=\(group)",
                                     method: .get) { response in
                #expect(response.status == .ok)
                let fairness = try jsonObject(response.body)["fairness"] as? [String: Any]
                #expect((fairness?["note"] as? String)?.contains("inputs were not logged") == true, "\(String(describing: fairness))")
            }
        }
    }

    @Test func thePeriodicMonitorRefreshesTheGaugesOfEveryServedVersion() async throws {
        let fixture = try ServeFixture.get()
        let server = try fixture.server { $0.monitorIntervalSeconds = 60 }
        try await server.application().test(.router) { client in
            try await client.execute(uri: Self.predict, method: .post, headers: jsonHeaders,
                                     body: ByteBuffer(text: fixture.creditBody(rows: 0..<20))) { #expect($0.status == .ok) }
            try await server.flushPredictionLog()
            var configuration = server.configuration
            configuration.monitorWindow = "1h"
            await PeriodicMonitor(pool: server.pool, metrics: server.state.metrics, configuration: configuration,
                                  logger: server.state.logger).refresh()
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"apus_monitor_rows{model="credit-risk",version="1"}"#), "\(text.suffix(2000))")
                #expect(text.contains(#"apus_domain_classifier_auc{model="credit-risk",version="1"}"#))
            }
        }
    }

    @Test func aBadMonitorWindowIsRefusedAtStart() {
        var configuration = ServeConfiguration()
        configuration.monitorWindow = "soon"
        #expect(throws: ServeConfigurationError.self) { try configuration.validate() }
        configuration.monitorWindow = "24h"
        configuration.monitorIntervalSeconds = -1
        #expect(throws: ServeConfigurationError.self) { try configuration.validate() }
    }

    @Test func anEmptyWindowSaysSoAndABadQueryIsNamed() async throws {
        let fixture = try ServeFixture.get()
        try await fixture.server().application().test(.router) { client in
            try await client.execute(uri: "/v1/models/credit-risk@champion/monitor?since=2000-01-01T00:00:00Z&until=2000-01-02T00:00:00Z",
                                     method: .get) { response in
                #expect(response.status == .ok)
                let report = try jsonObject(response.body)
                #expect((report["note"] as? String)?.contains("no rows") == true)
                #expect(report["alert"] as? Bool == false)
            }
            try await client.execute(uri: "/v1/models/credit-risk@champion/monitor?policy=bogus", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect((field(response.body, "detail") as? String)?.contains("policy `bogus`") == true)
            }
            try await client.execute(uri: "/v1/models/credit-risk@champion/monitor?since=yesterday", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect((field(response.body, "detail") as? String)?.contains("`yesterday` is not a time") == true)
            }
            try await client.execute(uri: "/v1/models/nope@champion/monitor", method: .get) { #expect($0.status == .notFound) }
        }
    }
}
