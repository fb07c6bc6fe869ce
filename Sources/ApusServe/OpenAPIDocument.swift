import ApusService
import Foundation

/// The OpenAPI 3.1 document of every route, served at `GET /openapi.json`. A test checks it
/// with openapi-spec-validator and against the server's route list.
enum OpenAPIDocument {
    /// The document as JSON text (sorted keys).
    static let json: String = text(document)

    /// The document with the mounted endpoints' paths added (each answers GET, POST and DELETE).
    static func json(mounted endpoints: [MountedEndpoint]) -> String {
        guard !endpoints.isEmpty else { return json }
        var paths = self.paths
        for endpoint in endpoints {
            let operation = operation(endpoint.summary, tag: "mounted", ok: ["description": "The endpoint's answer"],
                                      errors: [401, 403, 413, 503], secured: true)
            var post = operation
            post["requestBody"] = ["content": ["*/*": ["schema": [String: Any]()]]]
            paths[endpoint.path] = ["get": operation, "post": post, "delete": operation]
        }
        var document = self.document
        document["paths"] = paths
        return text(document)
    }

    private static func text(_ document: [String: Any]) -> String {
        let data = try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])
        return data.map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    private static func ref(_ name: String) -> [String: Any] { ["$ref": "#/components/schemas/\(name)"] }

    private static func jsonContent(_ schema: [String: Any]) -> [String: Any] {
        ["application/json": ["schema": schema]]
    }

    private static func problems(_ statuses: [Int]) -> [String: Any] {
        var responses: [String: Any] = [:]
        let titles = [400: "The request is malformed or names a wrong field (problem+json names it)",
                      401: "No API key, or an unknown or revoked one", 403: "The key's role does not allow the route",
                      404: "No such model, version, alias or request", 413: "The body or its row count is over the limit",
                      415: "A media type the route does not read", 503: "The model or the store is unavailable"]
        for status in statuses {
            responses[String(status)] = [
                "description": titles[status] ?? "Error",
                "content": ["application/problem+json": ["schema": ref("Problem")]],
            ]
        }
        return responses
    }

    private static func parameter(_ name: String, _ description: String) -> [String: Any] {
        ["name": name, "in": "path", "required": true, "description": description, "schema": ["type": "string"]]
    }

    /// `secured`: the route takes a key (needed with --require-key); `admin`: it always needs one.
    private static func operation(_ summary: String, tag: String, parameters: [[String: Any]] = [], body: [String: Any]? = nil,
                                  ok: [String: Any], errors: [Int], secured: Bool, admin: Bool = false) -> [String: Any] {
        var operation: [String: Any] = [
            "summary": summary, "tags": [tag], "parameters": parameters,
            "responses": problems(errors).merging(["200": ok]) { current, _ in current },
        ]
        if let body { operation["requestBody"] = body }
        if admin {
            operation["security"] = [["bearer": [String]()], ["apiKey": [String]()]]
        } else {
            operation["security"] = secured ? [["bearer": [String]()], ["apiKey": [String]()], [String: Any]()] : [[String: Any]]()
        }
        return operation
    }

    private static func okJSON(_ description: String, _ schema: [String: Any]) -> [String: Any] {
        ["description": description, "content": jsonContent(schema)]
    }

    private static var reference: [String: Any] { parameter("name", "A model reference: NAME@ALIAS (credit-risk@champion), NAME/VERSION, or NAME meaning NAME@<default alias>") }
    private static var name: [String: Any] { parameter("name", "A model name (meaning NAME@<default alias>) or NAME@ALIAS") }
    private static var version: [String: Any] { parameter("version", "A registry version number") }
    private static var alias: [String: Any] { parameter("alias", "An alias name") }

    private static var paths: [String: Any] {
        let predictBody: [String: Any] = ["required": true, "content": jsonContent(ref("PredictRequest"))]
        let predict = operation("Predict with a model", tag: "apus", parameters: [reference], body: predictBody,
                                ok: okJSON("Predictions", ref("PredictResponse")), errors: [400, 401, 403, 404, 413, 415, 503], secured: true)
        let predictVersion = operation("Predict with a registry version", tag: "apus", parameters: [name, version], body: predictBody,
                                       ok: okJSON("Predictions", ref("PredictResponse")), errors: [400, 401, 403, 404, 413, 415, 503], secured: true)
        let explainBody: [String: Any] = ["required": true, "content": jsonContent(ref("ExplainRequest"))]
        let explain = operation("Explain predictions: exact SHAP values and reason codes", tag: "apus", parameters: [reference],
                                body: explainBody, ok: okJSON("Explanations", ref("ExplainResponse")),
                                errors: [400, 401, 403, 404, 413, 415, 503], secured: true)
        let explainVersion = operation("Explain a registry version's predictions", tag: "apus", parameters: [name, version],
                                       body: explainBody, ok: okJSON("Explanations", ref("ExplainResponse")),
                                       errors: [400, 401, 403, 404, 413, 415, 503], secured: true)
        func query(_ name: String, _ description: String, _ schema: [String: Any] = ["type": "string"]) -> [String: Any] {
            ["name": name, "in": "query", "required": false, "description": description, "schema": schema]
        }
        let monitorQuery = [
            query("since", "The window's start: a duration before now (90m, 24h, 7d) or an ISO 8601 UTC time (default --monitor-window)"),
            query("until", "The window's end (default now)"),
            query("policy", "How each feature's test is chosen", ["type": "string", "enum": ["apus", "evidently"]]),
            query("test", "A test forced on every feature", ["type": "string", "enum": ["ks", "chisquare", "z", "wasserstein", "jensenshannon", "psi"]]),
            query("alpha", "The tests' significance level", ["type": "number"]),
            query("drift_share", "The share of drifted features at which the data set drifted", ["type": "number"]),
            query("sensitive", "A logged column for the fairness table"),
            query("domain_classifier", "false skips the domain classifier", ["type": "boolean"]),
        ]
        let monitorReport: [String: Any] = ["type": "object", "required": ["apus_monitor", "model", "reference", "current", "alert"],
                                            "description": "The report of apus monitor --json (docs/monitoring.md)"]
        let monitor = operation("Drift, data quality and performance of the served version's recent prediction log", tag: "apus",
                                parameters: [reference] + monitorQuery, ok: okJSON("The monitoring report", monitorReport),
                                errors: [400, 401, 403, 404, 503], secured: true)
        let monitorVersion = operation("Monitor a registry version's recent prediction log", tag: "apus",
                                       parameters: [name, version] + monitorQuery, ok: okJSON("The monitoring report", monitorReport),
                                       errors: [400, 401, 403, 404, 503], secured: true)
        let inferBody: [String: Any] = ["required": true, "content": jsonContent(ref("InferenceRequest"))]
        let infer = operation("Open Inference Protocol (KServe V2) inference", tag: "kserve-v2", parameters: [name], body: inferBody,
                              ok: okJSON("Output tensors", ref("InferenceResponse")), errors: [400, 401, 403, 404, 413, 415, 503], secured: true)
        let inferVersion = operation("Open Inference Protocol inference on a version", tag: "kserve-v2", parameters: [name, version],
                                     body: inferBody, ok: okJSON("Output tensors", ref("InferenceResponse")),
                                     errors: [400, 401, 403, 404, 413, 415, 503], secured: true)
        let metadata = operation("Model metadata: versions, input and output tensors", tag: "kserve-v2", parameters: [name],
                                 ok: okJSON("Metadata", ref("ModelMetadata")), errors: [401, 403, 404, 503], secured: true)
        let metadataVersion = operation("Metadata of a version", tag: "kserve-v2", parameters: [name, version],
                                        ok: okJSON("Metadata", ref("ModelMetadata")), errors: [401, 403, 404, 503], secured: true)
        let readyObject: [String: Any] = ["type": "object", "properties": ["name": ["type": "string"], "ready": ["type": "boolean"]], "required": ["name", "ready"]]
        let modelReady = operation("Whether the model is loaded (loading it if needed)", tag: "kserve-v2", parameters: [name],
                                   ok: okJSON("Ready", readyObject), errors: [401, 403, 404, 503], secured: true)
        let modelReadyVersion = operation("Whether a version is loaded", tag: "kserve-v2", parameters: [name, version],
                                          ok: okJSON("Ready", readyObject), errors: [401, 403, 404, 503], secured: true)
        let aliasBody: [String: Any] = ["required": true, "content": jsonContent([
            "type": "object", "additionalProperties": false, "required": ["version", "reason"],
            "properties": ["version": ["type": "integer", "minimum": 1], "reason": ["type": "string", "minLength": 1]],
        ])]
        let rollbackBody: [String: Any] = ["required": true, "content": jsonContent([
            "type": "object", "additionalProperties": false, "required": ["reason"],
            "properties": ["reason": ["type": "string", "minLength": 1]],
        ])]
        return [
            "/v1/models/{name}/predict": ["post": predict],
            "/v1/models/{name}/versions/{version}/predict": ["post": predictVersion],
            "/v1/models/{name}/explain": ["post": explain],
            "/v1/models/{name}/versions/{version}/explain": ["post": explainVersion],
            "/v1/models/{name}/monitor": ["get": monitor],
            "/v1/models/{name}/versions/{version}/monitor": ["get": monitorVersion],
            "/v1/models": ["get": operation("Registered models, their versions and aliases, and what is being served", tag: "apus",
                                            ok: okJSON("Models", ref("ModelList")), errors: [401, 403, 503], secured: true)],
            "/v1/models/{name}/schema": ["get": operation("The model's input as JSON Schema", tag: "apus", parameters: [reference],
                                                         ok: okJSON("JSON Schema (draft 2020-12)", ["type": "object"]),
                                                         errors: [401, 403, 404, 503], secured: true)],
            "/v1/models/{name}/aliases/{alias}": ["post": operation(
                "Point an alias at a version (admin key); the server follows it", tag: "admin", parameters: [name, alias],
                body: aliasBody, ok: okJSON("The alias move", ref("AliasMove")), errors: [400, 401, 403, 404, 413, 415, 503], secured: true,
                admin: true)],
            "/v1/models/{name}/aliases/{alias}/rollback": ["post": operation(
                "Return an alias to its previous version (admin key)", tag: "admin", parameters: [name, alias],
                body: rollbackBody, ok: okJSON("The alias move", ref("AliasMove")), errors: [400, 401, 403, 404, 413, 415, 503], secured: true,
                admin: true)],
            "/v1/feedback": ["post": operation(
                "Ground-truth labels for logged predictions, by request id", tag: "apus",
                body: ["required": true, "content": jsonContent(ref("FeedbackRequest"))],
                ok: okJSON("Recorded", ["type": "object", "properties": [
                    "request_id": ["type": "string"], "recorded": ["type": "integer"], "replaced": ["type": "integer"],
                ]]), errors: [400, 401, 403, 404, 413, 415, 503], secured: true)],
            "/v2": ["get": operation("Server metadata", tag: "kserve-v2", ok: okJSON("Server", [
                "type": "object", "properties": ["name": ["type": "string"], "version": ["type": "string"],
                                                 "extensions": ["type": "array", "items": ["type": "string"]]],
            ]), errors: [401, 403], secured: true)],
            "/v2/health/live": ["get": operation("Liveness", tag: "kserve-v2", ok: okJSON("Live", [
                "type": "object", "properties": ["live": ["type": "boolean"]]]), errors: [], secured: false)],
            "/v2/health/ready": ["get": operation("Readiness: every model named at start is loaded (503 until then)", tag: "kserve-v2",
                                                  ok: okJSON("Ready", ["type": "object", "properties": ["ready": ["type": "boolean"]]]),
                                                  errors: [], secured: false).merging(["responses": [
                                                      "200": okJSON("Ready", ["type": "object", "properties": ["ready": ["type": "boolean"]]]),
                                                      "503": okJSON("Not ready yet", ["type": "object", "properties": ["ready": ["type": "boolean"]]]),
                                                  ]]) { _, new in new }],
            "/v2/models/{name}": ["get": metadata],
            "/v2/models/{name}/versions/{version}": ["get": metadataVersion],
            "/v2/models/{name}/ready": ["get": modelReady],
            "/v2/models/{name}/versions/{version}/ready": ["get": modelReadyVersion],
            "/v2/models/{name}/infer": ["post": infer],
            "/v2/models/{name}/versions/{version}/infer": ["post": inferVersion],
            "/invocations": ["post": operation(
                "MLflow scoring protocol, for the first model apus serve names", tag: "mlflow",
                body: ["required": true, "content": [
                    "application/json": ["schema": ref("MLflowRequest")],
                    "text/csv": ["schema": ["type": "string", "description": "A header line naming the columns, then one line per row"]],
                ]],
                ok: okJSON("Predictions", ["type": "object", "required": ["predictions"], "properties": ["predictions": ["type": "array"]]]),
                errors: [400, 401, 403, 404, 413, 415, 503], secured: true)],
            "/ping": ["get": operation("Health (MLflow)", tag: "mlflow", ok: okJSON("Healthy", ["type": "object"]), errors: [], secured: false)],
            "/health": ["get": operation("Health (MLflow)", tag: "mlflow", ok: okJSON("Healthy", ["type": "object"]), errors: [], secured: false)],
            "/version": ["get": operation("The Apus version (MLflow's /version)", tag: "mlflow", ok: [
                "description": "Version", "content": ["text/plain": ["schema": ["type": "string"]]],
            ], errors: [], secured: false)],
            "/metrics": ["get": operation("Prometheus metrics (text exposition format)", tag: "operations", ok: [
                "description": "Metrics", "content": ["text/plain": ["schema": ["type": "string"]]],
            ], errors: [401, 403], secured: true)],
            "/openapi.json": ["get": operation("This document", tag: "operations", ok: okJSON("OpenAPI 3.1", ["type": "object"]),
                                               errors: [], secured: false)],
        ]
    }

    private static var schemas: [String: Any] {
        let value: [String: Any] = ["type": ["number", "string", "boolean", "null"]]
        let tensor: [String: Any] = [
            "type": "object", "required": ["name", "shape", "datatype", "data"],
            "properties": [
                "name": ["type": "string"], "shape": ["type": "array", "items": ["type": "integer"]],
                "datatype": ["type": "string", "enum": ["BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP16", "FP32", "FP64", "BYTES"]],
                "parameters": ["type": "object"], "data": ["type": "array"],
            ],
        ]
        return [
            "Problem": [
                "type": "object", "description": "RFC 9457 problem details", "required": ["type", "title", "status", "detail"],
                "properties": [
                    "type": ["type": "string"], "title": ["type": "string"], "status": ["type": "integer"], "detail": ["type": "string"],
                    "instance": ["type": "string"], "request_id": ["type": "string"], "field": ["type": "string"],
                    "row": ["type": "integer"], "pointer": ["type": "string"],
                    "error": ["type": "string", "description": "KServe routes: the detail, where KServe clients read it"],
                    "error_code": ["type": "string", "description": "/invocations: MLflow's error code"],
                    "message": ["type": "string", "description": "/invocations: the detail, where MLflow clients read it"],
                ],
            ],
            "PredictRequest": [
                "type": "object", "additionalProperties": false,
                "description": "Either rows (objects keyed by feature) or columns + data (positional rows)",
                "properties": [
                    "rows": ["type": "array", "items": ["type": "object", "additionalProperties": value]],
                    "columns": ["type": "array", "items": ["type": "string"]],
                    "data": ["type": "array", "items": ["type": "array", "items": value]],
                    "explain": ["type": "boolean", "description": "Add per-row exact SHAP values (path-dependent TreeSHAP) as contributions"],
                ],
            ],
            "PredictResponse": [
                "type": "object", "required": ["request_id", "model", "version", "reference", "task", "predictions"],
                "properties": [
                    "request_id": ["type": "string"], "model": ["type": "string"], "version": ["type": "integer"],
                    "reference": ["type": "string"], "task": ["type": "string", "enum": ["binary", "multiclass", "regression"]],
                    "predictions": ["type": "array", "description": "P(positive class), class probabilities per row, or the value"],
                    "labels": ["type": "array", "items": ["type": "string"]],
                    "classes": ["type": "array", "items": ["type": "string"]],
                    "unseen_levels": ["type": "array", "items": ["type": "object", "properties": [
                        "row": ["type": "integer"], "feature": ["type": "string"], "value": ["type": "string"]]]],
                    "ignored_fields": ["type": "array", "items": ["type": "string"],
                                       "description": "Fields the model does not read, skipped (--unknown-fields ignore)"],
                    "explanation": ["type": "object", "description": "How contributions were computed: method tree_shap (exact)"],
                    "contributions": ["type": "array", "description": "Per row (per class for multiclass) one SHAP value per feature, then the bias"],
                ],
            ],
            "ExplainRequest": explainRequest,
            "ExplainResponse": explainResponse,
            "InferenceRequest": [
                "type": "object", "required": ["inputs"],
                "properties": [
                    "id": ["type": "string"], "parameters": ["type": "object"],
                    "inputs": ["type": "array", "items": tensor],
                    "outputs": ["type": "array", "items": ["type": "object", "required": ["name"], "properties": [
                        "name": ["type": "string"], "parameters": ["type": "object"]]]],
                ],
            ],
            "InferenceResponse": [
                "type": "object", "required": ["model_name", "outputs"],
                "properties": [
                    "model_name": ["type": "string"], "model_version": ["type": "string"], "id": ["type": "string"],
                    "parameters": ["type": "object"], "outputs": ["type": "array", "items": tensor],
                ],
            ],
            "ModelMetadata": [
                "type": "object", "required": ["name", "platform", "inputs", "outputs"],
                "properties": [
                    "name": ["type": "string"], "versions": ["type": "array", "items": ["type": "string"]], "platform": ["type": "string"],
                    "inputs": ["type": "array", "items": ["type": "object"]], "outputs": ["type": "array", "items": ["type": "object"]],
                ],
            ],
            "MLflowRequest": [
                "type": "object", "description": "Exactly one of dataframe_split, dataframe_records, instances, inputs; params optional",
                "properties": [
                    "dataframe_split": ["type": "object", "properties": [
                        "columns": ["type": "array", "items": ["type": "string"]], "data": ["type": "array"], "index": ["type": "array"]]],
                    "dataframe_records": ["type": "array", "items": ["type": "object"]],
                    "instances": ["type": ["array", "object"]], "inputs": ["type": ["array", "object"]], "params": ["type": "object"],
                ],
            ],
            "FeedbackRequest": [
                "type": "object",
                "description": "One label ({request_id, label, row?}) or {labels: [...]} of them",
                "properties": [
                    "request_id": ["type": "string"], "row": ["type": "integer", "minimum": 0], "label": ["type": ["string", "number"]],
                    "labels": ["type": "array", "items": ["type": "object", "required": ["request_id", "label"], "properties": [
                        "request_id": ["type": "string"], "row": ["type": "integer", "minimum": 0], "label": ["type": ["string", "number"]]]]],
                ],
            ],
            "ModelList": [
                "type": "object", "required": ["models"],
                "properties": ["models": ["type": "array", "items": ["type": "object", "properties": [
                    "name": ["type": "string"], "description": ["type": "string"], "latest_version": ["type": "integer"],
                    "aliases": ["type": "object", "additionalProperties": ["type": "integer"]],
                    "versions": ["type": "array", "items": ["type": "object"]], "serving": ["type": "array", "items": ["type": "object"]],
                ]]]],
            ],
            "AliasMove": [
                "type": "object", "required": ["model", "alias", "version", "action"],
                "properties": [
                    "model": ["type": "string"], "alias": ["type": "string"], "version": ["type": "integer"],
                    "previous_version": ["type": "integer"], "action": ["type": "string"], "actor": ["type": "string"],
                    "reason": ["type": "string"], "time": ["type": "string"],
                ],
            ],
        ]
    }

    private static var explainRequest: [String: Any] {
        let value: [String: Any] = ["type": ["number", "string", "boolean", "null"]]
        return [
            "type": "object", "additionalProperties": false,
            "description": "The predict body (rows, or columns + data) and how to explain",
            "properties": [
                "rows": ["type": "array", "items": ["type": "object", "additionalProperties": value]],
                "columns": ["type": "array", "items": ["type": "string"]],
                "data": ["type": "array", "items": ["type": "array", "items": value]],
                "explain": ["type": "boolean", "description": "Accepted and ignored (the route always explains)"],
                "top_k": ["type": "integer", "minimum": 1, "default": 4, "description": "The most reason codes per row"],
                "adverse": ["type": "string", "description": "The adverse outcome: higher or lower (binary, regression) or a class label; default: higher, or each row's most probable class for multiclass"],
                "reference": ["type": "string", "enum": ExplainRequest.references, "default": "average",
                              "description": "What the values are relative to: average = path-dependent TreeSHAP, the training mean; background = interventional TreeSHAP against the server's --explain-background rows (a seeded sample of at most --explain-background-rows); threshold = interventional TreeSHAP against the 100 background rows whose prediction is nearest `threshold`. background and threshold need a server started with --explain-background"],
                "threshold": ["type": "number",
                              "description": "The decision threshold of reference threshold (required with it, refused without): binary, the probability of the positive class (0 to 1); multiclass, of the `adverse` class (which must be named); regression, the predicted value"],
                "min_effect": ["type": "number", "minimum": 0, "default": 0, "description": "The smallest adverse effect that makes a reason"],
            ],
        ]
    }

    private static var explainResponse: [String: Any] {
        let perScore: [String: Any] = ["type": ["number", "array"], "description": "A number, or one per class for multiclass"]
        let reason: [String: Any] = [
            "type": "object", "required": ["rank", "feature", "value", "value_kind", "effect", "text"],
            "properties": [
                "rank": ["type": "integer", "minimum": 1], "feature": ["type": "string"], "value": ["type": "string"],
                "value_kind": ["type": "string", "enum": ["number", "level", "unseen_level", "missing"]],
                "effect": ["type": "number", "description": "The feature's SHAP value for the adverse score"],
                "text": ["type": "string", "description": "num_late_payments = 4 raised the risk by 0.31 log-odds"],
            ],
        ]
        let row: [String: Any] = [
            "type": "object", "required": ["prediction", "raw_score", "bias", "shap", "sum_check", "adverse", "reasons"],
            "properties": [
                "prediction": perScore, "label": ["type": "string"], "raw_score": perScore, "bias": perScore,
                "shap": ["type": "object", "additionalProperties": perScore, "description": "Exact SHAP values by feature name"],
                "sum_check": ["type": "object", "properties": ["max_gap": ["type": "number"], "ok": ["type": "boolean"]],
                              "description": "bias + the SHAP values against the raw score"],
                "adverse": ["type": "string", "description": "The outcome the reasons explain"],
                "reasons": ["type": "array", "items": reason],
            ],
        ]
        return [
            "type": "object", "required": ["request_id", "model", "version", "reference", "task", "explanation", "rows"],
            "properties": [
                "request_id": ["type": "string"], "model": ["type": "string"], "version": ["type": "integer"],
                "reference": ["type": "string"], "task": ["type": "string", "enum": ["binary", "multiclass", "regression"]],
                "classes": ["type": "array", "items": ["type": "string"]],
                "explanation": ["type": "object", "description": "method, algorithm, exact, reference (average, background or threshold), threshold and background_rows (the rows the values are relative to; background and threshold references), output (the values' unit), adverse, top_k, min_effect"],
                "unseen_levels": ["type": "array", "items": ["type": "object"]],
                "ignored_fields": ["type": "array", "items": ["type": "string"]],
                "rows": ["type": "array", "items": row],
            ],
        ]
    }

    private static var document: [String: Any] {
        [
            "openapi": "3.1.0",
            "info": [
                "title": "Apus model server", "version": ApusBuild.version,
                "description": "Serves registered models: Apus's /v1 routes, the Open Inference Protocol (KServe V2) and MLflow's scoring protocol. Errors are RFC 9457 problem+json.",
            ],
            "paths": paths,
            "components": [
                "schemas": schemas,
                "securitySchemes": [
                    "bearer": ["type": "http", "scheme": "bearer", "description": "An API key from `apus keys create`"],
                    "apiKey": ["type": "apiKey", "in": "header", "name": "X-API-Key"],
                ],
            ],
        ]
    }
}
