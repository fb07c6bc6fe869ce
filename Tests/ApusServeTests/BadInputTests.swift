import ApusServe
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Every client mistake is a 4xx problem+json naming the field and row, and the server keeps
/// answering afterwards.
@Suite struct BadInputTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let body: String
        let status: Int
        let type: String
        var field: String? = nil
        var row: Int? = nil
        var contentType = "application/json"
        var description: String { name }
    }

    static let species = "/v1/models/species@champion/predict"

    static let cases: [Case] = [
        Case(name: "missing feature", body: #"{"rows":[{"petal":1,"colour":"white"}]}"#, status: 400,
             type: "missing_feature", field: "sepal", row: 0),
        Case(name: "missing feature in a later row", body: #"{"rows":[{"petal":1,"sepal":5,"colour":"white"},{"petal":1,"colour":"white"}]}"#,
             status: 400, type: "missing_feature", field: "sepal", row: 1),
        Case(name: "unknown feature", body: #"{"rows":[{"petal":1,"sepal":5,"colour":"white","height":3}]}"#, status: 400,
             type: "unknown_feature", field: "height", row: 0),
        Case(name: "text for a number", body: #"{"rows":[{"petal":"wide","sepal":5,"colour":"white"}]}"#, status: 400,
             type: "wrong_type", field: "petal", row: 0),
        Case(name: "an object for a value", body: #"{"rows":[{"petal":{"x":1},"sepal":5,"colour":"white"}]}"#, status: 400,
             type: "wrong_type", field: "petal", row: 0),
        Case(name: "Infinity", body: #"{"rows":[{"petal":Infinity,"sepal":5,"colour":"white"}]}"#, status: 400,
             type: "non_finite", field: "petal", row: 0),
        Case(name: "a number too large", body: #"{"rows":[{"petal":1e999,"sepal":5,"colour":"white"}]}"#, status: 400,
             type: "non_finite", field: "petal", row: 0),
        Case(name: "malformed JSON", body: #"{"rows":[{"petal":1,"sepal":5,"colour":"white"}"#, status: 400, type: "malformed_body"),
        Case(name: "not JSON at all", body: "petal=1", status: 400, type: "malformed_body"),
        Case(name: "no rows", body: #"{"rows":[]}"#, status: 400, type: "invalid_request"),
        Case(name: "an unknown top-level member", body: #"{"rows":[{"petal":1,"sepal":5,"colour":"white"}],"limit":3}"#, status: 400,
             type: "invalid_request", field: "limit"),
        Case(name: "too many rows", body: "{\"rows\":[" + Array(repeating: #"{"petal":1,"sepal":5,"colour":"white"}"#, count: 6).joined(separator: ",") + "]}",
             status: 413, type: "too_many_rows"),
        Case(name: "a body over the limit", body: "{\"rows\":[{\"petal\":1,\"sepal\":5,\"colour\":\"" + String(repeating: "x", count: 3_000) + "\"}]}",
             status: 413, type: "body_too_large"),
        Case(name: "a media type the route does not read", body: "petal,sepal,colour\n1,5,white", status: 415,
             type: "unsupported_media_type", contentType: "text/csv"),
    ]

    @Test(arguments: cases)
    func answeredAsProblemJSON(_ item: Case) async throws {
        let fixture = try ServeFixture.get()
        let server = try fixture.server {
            $0.maxRows = 5
            $0.maxBodyBytes = 2_048
        }
        try await server.application().test(.router) { client in
            try await client.execute(uri: Self.species, method: .post, headers: [.contentType: item.contentType],
                                     body: ByteBuffer(text: item.body)) { response in
                #expect(Int(response.status.code) == item.status, "\(String(buffer: response.body))")
                #expect(response.headers[.contentType] == "application/problem+json")
                let problem = try jsonObject(response.body)
                #expect(problem["type"] as? String == "urn:apus:problem:\(item.type)", "\(problem)")
                #expect(problem["status"] as? Int == item.status)
                #expect(problem["title"] is String)
                #expect(problem["instance"] as? String == Self.species)
                #expect((problem["request_id"] as? String)?.isEmpty == false)
                if let field = item.field {
                    #expect(problem["field"] as? String == field, "\(problem)")
                    #expect((problem["detail"] as? String)?.contains(field) == true, "\(problem)")
                }
                if let row = item.row { #expect(problem["row"] as? Int == row, "\(problem)") }
            }
            // The server still answers, and counted the mistake by kind.
            try await client.execute(uri: Self.species, method: .post, headers: jsonHeaders,
                                     body: ByteBuffer(text: #"{"rows":[{"petal":1,"sepal":5,"colour":"white"}]}"#)) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(String(buffer: response.body).contains("apus_request_errors_total{kind=\"\(item.type)\"} 1"))
            }
        }
    }

    @Test func aMissingValueIsNullAndServed() async throws {
        let fixture = try ServeFixture.get()
        try await fixture.server().application().test(.router) { client in
            try await client.execute(uri: Self.species, method: .post, headers: jsonHeaders,
                                     body: ByteBuffer(text: #"{"rows":[{"petal":null,"sepal":NaN,"colour":null}]}"#)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
            }
        }
    }
}
