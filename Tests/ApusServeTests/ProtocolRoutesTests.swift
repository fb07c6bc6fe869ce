import ApusModel
import ApusServe
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The Open Inference Protocol (KServe V2) and MLflow's scoring protocol, as their clients
/// send them.
@Suite struct ProtocolRoutesTests {
    /// The credit rows as one V2 tensor per feature.
    static func perFeatureTensors(_ fixture: ServeFixture, rows: Range<Int>) -> String {
        let tensors = fixture.creditModel.schema.features.map { feature in
            let values = fixture.creditRows[rows].map { ServeFixture.json($0[feature.name]!) }
            let type = feature.kind == .categorical ? "BYTES" : "FP64"
            return "{\"name\":\"\(feature.name)\",\"shape\":[\(rows.count)],\"datatype\":\"\(type)\",\"data\":[\(values.joined(separator: ","))]}"
        }
        return "{\"id\":\"req-7\",\"inputs\":[\(tensors.joined(separator: ","))]}"
    }

    @Test func kserveHealthAndServerMetadata() async throws {
        let fixture = try ServeFixture.get()
        try await fixture.server { $0.preload = ["credit-risk@champion"] }.application().test(.router) { client in
            try await client.execute(uri: "/v2/health/live", method: .get) { response in
                #expect(field(response.body, "live") as? Bool == true)
            }
            try await client.execute(uri: "/v2/health/ready", method: .get) { response in
                // Not preloaded in this test: the model loads on first use, so not ready yet.
                #expect(response.status == .serviceUnavailable)
                #expect(field(response.body, "ready") as? Bool == false)
            }
            try await client.execute(uri: "/v2/models/credit-risk@champion/ready", method: .get) { response in
                #expect(field(response.body, "ready") as? Bool == true)
            }
            try await client.execute(uri: "/v2/health/ready", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/v2", method: .get) { response in
                let body = try jsonObject(response.body)
                #expect(body["name"] as? String == "apus")
                #expect(body["extensions"] as? [String] == [])
            }
        }
    }

    @Test func kserveModelMetadataNamesEveryInputTensor() async throws {
        let fixture = try ServeFixture.get()
        try await fixture.server().application().test(.router) { client in
            try await client.execute(uri: "/v2/models/credit-risk", method: .get) { response in
                #expect(response.status == .ok)
                let body = try jsonObject(response.body)
                #expect(body["name"] as? String == "credit-risk")
                #expect(body["versions"] as? [String] == ["1", "2"])
                let inputs = try #require(body["inputs"] as? [[String: Any]])
                #expect(inputs.map { $0["name"] as? String } == fixture.creditModel.schema.features.map(\.name))
                for (input, feature) in zip(inputs, fixture.creditModel.schema.features) {
                    #expect(input["datatype"] as? String == (feature.kind == .categorical ? "BYTES" : "FP64"))
                    #expect(input["shape"] as? [Int] == [-1])
                }
                let outputs = try #require(body["outputs"] as? [[String: Any]])
                #expect(outputs.map { $0["name"] as? String } == ["predict", "label"])
            }
        }
    }

    @Test func kserveInferWithOneTensorPerFeature() async throws {
        let fixture = try ServeFixture.get()
        let expected = try fixture.expectedCredit(0..<5)
        try await fixture.server().application().test(.router) { client in
            try await client.execute(uri: "/v2/models/credit-risk/infer", method: .post, headers: jsonHeaders,
                                     body: ByteBuffer(text: Self.perFeatureTensors(fixture, rows: 0..<5))) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let body = try jsonObject(response.body)
                #expect(body["model_name"] as? String == "credit-risk")
                #expect(body["model_version"] as? String == "1")
                #expect(body["id"] as? String == "req-7")
                let outputs = try #require(body["outputs"] as? [[String: Any]])
                let predict = try #require(outputs.first { $0["name"] as? String == "predict" })
                #expect(predict["datatype"] as? String == "FP64")
                #expect(predict["shape"] as? [Int] == [5])
                let data = try #require(predict["data"] as? [Double])
                for (got, want) in zip(data, expected) { #expect(abs(got - want) < 1e-12) }
                let label = try #require(outputs.first { $0["name"] as? String == "label" })
                #expect(label["datatype"] as? String == "BYTES")
            }
        }
    }

    @Test func kserveInferWithOneMatrixTensorAndAVersionAndChosenOutputs() async throws {
        let fixture = try ServeFixture.get()
        // One FP32 [N, F] tensor carries every feature in model order (numbers for
        // categorical features are looked up as level text, as FeatureSchema reads them).
        let server = try fixture.server()
        try await server.application().test(.router) { client in
            let metadata = try await client.execute(uri: "/v2/models/demand/versions/1", method: .get)
            let inputs = try #require(try jsonObject(metadata.body)["inputs"] as? [[String: Any]])
            let width = inputs.count
            let row = (0..<width).map { "\(Double($0) + 1)" }.joined(separator: ",")
            let body = "{\"inputs\":[{\"name\":\"input-0\",\"shape\":[2,\(width)],\"datatype\":\"FP32\",\"data\":[[\(row)],[\(row)]]}],\"outputs\":[{\"name\":\"predict\"}]}"
            try await client.execute(uri: "/v2/models/demand/versions/1/infer", method: .post, headers: jsonHeaders,
                                     body: ByteBuffer(text: body)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let outputs = try #require(try jsonObject(response.body)["outputs"] as? [[String: Any]])
                #expect(outputs.count == 1)
                let data = try #require(outputs[0]["data"] as? [Double])
                #expect(data.count == 2 && data[0] == data[1])
            }
            let unknownOutput = body.replacingOccurrences(of: "\"name\":\"predict\"", with: "\"name\":\"proba\"")
            try await client.execute(uri: "/v2/models/demand/infer", method: .post, headers: jsonHeaders,
                                     body: ByteBuffer(text: unknownOutput)) { response in
                #expect(response.status == .badRequest)
                let problem = try jsonObject(response.body)
                #expect((problem["error"] as? String)?.contains("proba") == true, "KServe clients read `error`: \(problem)")
            }
        }
    }

    @Test func kserveErrorsCarryAnErrorMember() async throws {
        let fixture = try ServeFixture.get()
        try await fixture.server().application().test(.router) { client in
            try await client.execute(uri: "/v2/models/credit-risk/infer", method: .post, headers: jsonHeaders,
                                     body: ByteBuffer(text: #"{"inputs":[{"name":"age","shape":[1],"datatype":"FP64","data":[30]}]}"#)) { response in
                #expect(response.status == .badRequest)
                let problem = try jsonObject(response.body)
                #expect(problem["error"] as? String == problem["detail"] as? String)
                #expect(problem["type"] as? String == "urn:apus:problem:missing_feature")
            }
        }
    }

    @Test func mlflowInvocationsReadsEveryFormat() async throws {
        let fixture = try ServeFixture.get()
        let expected = try fixture.expectedCredit(0..<3)
        let names = fixture.creditModel.schema.features.map(\.name)
        let records = fixture.creditRows[0..<3].map(ServeFixture.jsonObject).joined(separator: ",")
        let lists = fixture.creditRows[0..<3].map { row in "[" + names.map { ServeFixture.json(row[$0]!) }.joined(separator: ",") + "]" }
            .joined(separator: ",")
        let quotedNames = names.map { "\"\($0)\"" }.joined(separator: ",")
        let bodies = [
            "{\"dataframe_split\":{\"columns\":[\(quotedNames)],\"data\":[\(lists)]}}",
            "{\"dataframe_records\":[\(records)]}",
            "{\"instances\":[\(records)]}",
            "{\"inputs\":[\(records)],\"params\":{}}",
        ]
        let csv = names.joined(separator: ",") + "\n" + fixture.creditRows[0..<3].map { row in
            names.map { name -> String in
                switch row[name]! {
                case .missing: ""
                case .number(let value): "\(value)"
                case .string(let text): text
                }
            }.joined(separator: ",")
        }.joined(separator: "\n") + "\n"
        try await fixture.server { $0.preload = ["credit-risk@champion"] }.application().test(.router) { client in
            for (body, type) in bodies.map({ ($0, "application/json") }) + [(csv, "text/csv")] {
                try await client.execute(uri: "/invocations", method: .post, headers: [.contentType: type],
                                         body: ByteBuffer(text: body)) { response in
                    #expect(response.status == .ok, "\(type): \(String(buffer: response.body))")
                    let predictions = try #require(try jsonObject(response.body)["predictions"] as? [Double])
                    #expect(predictions.count == 3)
                    for (got, want) in zip(predictions, expected) { #expect(abs(got - want) < 1e-12) }
                }
            }
            try await client.execute(uri: "/invocations", method: .post, headers: jsonHeaders,
                                     body: ByteBuffer(text: "[\(records)]")) { response in
                #expect(response.status == .badRequest)
                let problem = try jsonObject(response.body)
                #expect(problem["error_code"] as? String == "BAD_REQUEST")
                #expect((problem["message"] as? String)?.contains("dataframe_split") == true, "\(problem)")
            }
            try await client.execute(uri: "/ping", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/version", method: .get) { #expect(!String(buffer: $0.body).isEmpty) }
        }
    }

    @Test func invocationsWithoutAModelNamedAtStartIsA404ThatSaysWhy() async throws {
        let fixture = try ServeFixture.get()
        try await fixture.server().application().test(.router) { client in
            try await client.execute(uri: "/invocations", method: .post, headers: jsonHeaders,
                                     body: ByteBuffer(text: "{\"dataframe_records\":[]}")) { response in
                #expect(response.status == .notFound)
                #expect((field(response.body, "detail") as? String)?.contains("apus serve credit-risk@champion") == true)
            }
        }
    }
}
