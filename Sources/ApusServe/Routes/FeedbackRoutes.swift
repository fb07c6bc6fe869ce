import ApusStore
import Foundation
import Hummingbird

/// `POST /v1/feedback`: ground-truth labels for logged predictions, by request id, for
/// monitoring. The body is one label, `{"request_id": "...", "label": ...}` (with `"row"`
/// for a row other than the first), or `{"labels": [...]}` of such objects. Labels are
/// stored as text (a class label, or a number's text); a second label for a row replaces
/// the first. All are recorded or none.
extension ServingState {
    func addFeedbackRoutes(to routes: RouteTable) {
        routes.post("/v1/feedback") { request, _ in
            await answer(request, route: "/v1/feedback", flavor: .apus, roles: inferenceRoles) { exchange in
                _ = try mediaType(of: request, accepted: ["application/json"])
                let labels = try FeedbackBody.labels(Data(buffer: try await body(of: request)), maxLabels: configuration.maxRows)
                // The requests being labelled may still be in the log's queue: write it first.
                try? await log.flush()
                let caller = try keys.key(of: request.head).map { "api-key:\($0.name)" }
                let receipt: FeedbackReceipt
                do {
                    receipt = try await pool.storeCall { try pool.store.recordFeedback(labels, recordedBy: caller) }
                } catch let error as StoreError where error.isStoreFailure {
                    throw RequestProblem(status: 503, kind: .unavailable, title: "Store unavailable", detail: error.description)
                } catch let error as StoreError {
                    let missing = error.description.contains("there is no prediction with request id")
                    throw RequestProblem(status: missing ? 404 : 400, kind: missing ? .notFound : .invalidRequest,
                                         title: missing ? "Unknown request" : "Feedback refused", detail: error.description)
                }
                var json = JSONWriter()
                json.byte(UInt8(ascii: "{"))
                json.member("request_id", exchange.requestID, first: true)
                json.member("recorded", receipt.recorded)
                json.member("replaced", receipt.replaced)
                json.byte(UInt8(ascii: "}"))
                return jsonResponse(json)
            }
        }
    }
}

/// Reads a feedback body (small; JSONSerialization is fine here).
enum FeedbackBody {
    static func labels(_ data: Data, maxLabels: Int) throws(RequestProblem) -> [FeedbackLabel] {
        guard let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            throw RequestProblem.malformed("the body is not JSON", offset: 0)
        }
        guard let dictionary = object as? [String: Any] else {
            throw RequestProblem.invalid("the body must be an object: {\"request_id\": ..., \"label\": ...} or {\"labels\": [...]}")
        }
        if let list = dictionary["labels"] {
            guard dictionary.count == 1 else {
                throw RequestProblem.invalid("with `labels`, the body takes no other member (found \(dictionary.keys.filter { $0 != "labels" }.sorted().joined(separator: ", ")))")
            }
            guard let items = list as? [Any], !items.isEmpty else {
                throw RequestProblem.invalid("`labels` must be a non-empty array", pointer: "/labels", field: "labels")
            }
            guard items.count <= maxLabels else {
                throw RequestProblem(status: 413, kind: .tooManyRows, title: "Too many labels",
                                     detail: "\(items.count) labels in one request; at most \(maxLabels) (--max-rows)")
            }
            return try items.enumerated().map { (index, item) throws(RequestProblem) in
                try label(item, pointer: "/labels/\(index)")
            }
        }
        return [try label(dictionary, pointer: "")]
    }

    private static func label(_ item: Any, pointer: String) throws(RequestProblem) -> FeedbackLabel {
        guard let object = item as? [String: Any] else {
            throw RequestProblem.invalid("a label must be an object with `request_id` and `label`", pointer: pointer)
        }
        for key in object.keys where !["request_id", "row", "label"].contains(key) {
            throw RequestProblem.invalid("unknown member `\(key)` (a label has request_id, label and optionally row)",
                                         pointer: "\(pointer)/\(key)", field: key)
        }
        guard let requestID = object["request_id"] as? String, !requestID.isEmpty else {
            throw RequestProblem.invalid("`request_id` must be the non-empty id a prediction was answered with",
                                         pointer: "\(pointer)/request_id", field: "request_id")
        }
        var row = 0
        if let value = object["row"] {
            guard !isJSONBoolean(value), let number = value as? NSNumber, let whole = Int(exactly: number.doubleValue), whole >= 0 else {
                throw RequestProblem.invalid("`row` must be a whole number from 0", pointer: "\(pointer)/row", field: "row")
            }
            row = whole
        }
        let text: String
        switch object["label"] {
        case let string as String where !string.isEmpty:
            text = string
        case let number as NSNumber where number.doubleValue.isFinite && !isJSONBoolean(number):
            let value = number.doubleValue
            text = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
        default:
            throw RequestProblem.invalid("`label` must be a non-empty string or a finite number", pointer: "\(pointer)/label", field: "label")
        }
        return FeedbackLabel(requestID: requestID, row: row, label: text)
    }
}
