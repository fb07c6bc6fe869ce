import MCP

/// The input and output JSON Schemas of the tools that do not depend on one model.
enum ToolSchemas {
    static let nullableString: Value = ["type": ["string", "null"]]
    static let nullableNumber: Value = ["type": ["number", "null"]]
    static let nullableInteger: Value = ["type": ["integer", "null"]]
    static let string: Value = ["type": "string"]
    static let strings: Value = ["type": "array", "items": ["type": "string"]]
    static let numbersByName: Value = ["type": "object", "additionalProperties": ["type": ["number", "null"]]]
    static let stringsByName: Value = ["type": "object", "additionalProperties": ["type": "string"]]

    /// An object with these members, all required, no others.
    static func object(_ properties: [String: Value], optional: Set<String> = [], description: String? = nil) -> Value {
        var schema: [String: Value] = [
            "type": "object", "properties": .object(properties),
            "required": .array(properties.keys.sorted().filter { !optional.contains($0) }.map { .string($0) }),
            "additionalProperties": false,
        ]
        if let description { schema["description"] = .string(description) }
        return .object(schema)
    }

    static func described(_ schema: Value, _ text: String) -> Value {
        guard case .object(var members) = schema else { return schema }
        members["description"] = .string(text)
        return .object(members)
    }

    static let reference = described(string, "A model: NAME@ALIAS (credit-risk@champion, credit-risk@latest) or NAME/VERSION (credit-risk/3); list_models names them.")

    /// Which model answered.
    static let modelIdentity = object([
        "reference": described(string, "The reference asked for."),
        "resolved": described(string, "NAME/VERSION it resolved to (or the model file)."),
        "name": nullableString, "version": nullableInteger,
        "task": ["type": "string", "enum": ["binary", "multiclass", "regression"]],
        "target": string,
    ])

    // MARK: list_models

    static let listModelsInput: Value = ["type": "object", "properties": [:], "additionalProperties": false]
    static let listModelsOutput = object([
        "models": ["type": "array", "items": object([
            "name": string, "description": string, "tags": stringsByName,
            "latest_version": ["type": "integer"],
            "aliases": ["type": "object", "additionalProperties": ["type": "integer"]],
            "tools": described(strings, "The typed tools of this model (predict_NAME, explain_NAME), when it has them."),
            "versions": ["type": "array", "items": object([
                "version": ["type": "integer"], "status": ["type": "string", "enum": ["ready", "archived"]],
                "aliases": strings, "created": string, "created_by": string, "metrics": numbersByName,
            ])],
        ])],
        "note": nullableString,
    ])

    // MARK: describe_model

    static let describeInput = object(["ref": reference])
    static let feature = object([
        "name": string, "kind": ["type": "string", "enum": ["numeric", "categorical"]], "levels": strings,
        "training_range": ["type": ["object", "null"], "properties": ["minimum": ["type": "number"], "maximum": ["type": "number"]],
                           "required": ["minimum", "maximum"], "additionalProperties": false],
        "training_missing_share": nullableNumber,
    ])
    static let describeOutput = object([
        "reference": string, "resolved": string, "name": nullableString, "version": nullableInteger, "status": nullableString,
        "aliases": strings, "intended_use": described(string, "What the registered model is for (its description)."),
        "version_note": string, "tags": stringsByName, "registered": nullableString, "registered_by": nullableString,
        "task": ["type": "string", "enum": ["binary", "multiclass", "regression"]], "target": string, "objective": string,
        "classes": strings, "features": ["type": "array", "items": feature],
        "metrics": described(numbersByName, "Validation metrics recorded at registration."),
        "lineage": described(stringsByName, "Run, data fingerprint, parameters hash, seed, code version."),
        "parameters": stringsByName,
        "training": object([
            "rows": ["type": "integer"], "validation_rows": ["type": "integer"], "rounds_trained": ["type": "integer"],
            "best_round": ["type": "integer"], "apus_version": string, "trees": ["type": "integer"],
        ]),
        "ranges_source": string,
        "input_schema": described(["type": "object"], "The JSON Schema of one row: what predict and explain take."),
        "tools": strings,
    ])

    // MARK: predict

    static func predictInput(row: Value?, maxRows: Int, withReference: Bool) -> Value {
        let anyRow: Value = ["type": "object", "additionalProperties": ["type": ["number", "string", "boolean", "null"]],
                             "description": "Feature name to value (null when missing); describe_model gives each model's fields."]
        var properties: [String: Value] = [
            "rows": ["type": "array", "minItems": 1, "maxItems": .int(maxRows), "items": row ?? anyRow,
                     "description": .string("The rows to predict, at most \(maxRows).")],
        ]
        if withReference { properties["ref"] = reference }
        return object(properties)
    }

    static func predictOutput(prediction: Value) -> Value {
        object([
            "model": modelIdentity,
            "predictions": ["type": "array", "items": prediction],
            "warnings": described(strings, "Values outside the training range, and other things to know about the answer."),
            "request_id": described(nullableString, "The prediction log's id of this call (for feedback labels: POST /v1/feedback); null when not logged."),
        ])
    }

    // MARK: explain

    static func explainInput(row: Value?, withReference: Bool) -> Value {
        var properties: [String: Value] = [
            "row": row ?? ["type": "object", "additionalProperties": ["type": ["number", "string", "boolean", "null"]],
                           "description": "Feature name to value (null when missing)."],
            "top_k": ["type": "integer", "minimum": 1, "maximum": 20, "description": "How many reason codes (default 4)."],
        ]
        if withReference { properties["ref"] = reference }
        return object(properties, optional: ["top_k"])
    }

    static let explainOutput = object([
        "model": modelIdentity,
        "explained": described(string, "What the SHAP values explain: the raw score (log-odds for binary) of this output."),
        "prediction": ["type": ["number", "string"]],
        "label": nullableString,
        "raw_score": ["type": "number"],
        "bias": described(["type": "number"], "The expected raw score: bias plus the SHAP values equals raw_score."),
        "shap_values": described(numbersByName, "Each feature's exact SHAP value (path-dependent TreeSHAP)."),
        "reasons": ["type": "array", "items": object([
            "rank": ["type": "integer"], "feature": string, "value": string, "effect": ["type": "number"], "text": string,
        ])],
        "warnings": strings,
        "request_id": described(nullableString, "The prediction log's id of this call; null when not logged."),
    ])

    // MARK: monitor_status

    static let monitorInput = object([
        "ref": reference,
        "since": described(string, "Start of the prediction-log window: 24h, 7d, or an ISO 8601 time (default 24h)."),
        "until": described(string, "End of the window (default now)."),
    ], optional: ["since", "until"])
    static let monitorOutput: Value = [
        "type": "object",
        "required": ["model", "window", "alert", "alert_reasons", "drift", "prediction_drift", "domain_classifier", "data_quality", "performance"],
        "properties": [
            "model": ["type": "object"], "generated_at": ["type": "string"], "reference": ["type": "object"], "window": ["type": "object"],
            "alert": ["type": "boolean"], "alert_reasons": strings, "note": ["type": "string"],
            "drift": ["type": ["object", "null"], "properties": [
                "compared": ["type": "integer"], "drifted": ["type": "integer"], "share": nullableNumber,
                "threshold": ["type": "number"], "drifted_dataset": ["type": "boolean"],
                "drifted_features": ["type": "array", "items": ["type": "object", "required": ["feature", "score"]]],
            ]],
            "prediction_drift": ["type": ["object", "null"]],
            "domain_classifier": ["type": ["object", "null"]],
            "data_quality": ["type": ["object", "null"], "properties": [
                "errors": ["type": "integer"], "warnings": ["type": "integer"], "infos": ["type": "integer"],
                "findings": ["type": "integer"], "first_findings": ["type": "array"],
            ]],
            "performance": ["type": ["object", "null"]],
        ],
    ]

    // MARK: compare_versions

    static let compareInput = object([
        "name": described(string, "The registered model."),
        "a": described(string, "A version number (3) or an alias (champion)."),
        "b": described(string, "A version number or an alias."),
    ])
    static let versionSummary = object([
        "version": ["type": "integer"], "status": string, "aliases": strings, "created": string, "created_by": string, "run_id": nullableString,
    ])
    static let compareOutput = object([
        "name": string, "a": versionSummary, "b": versionSummary,
        "metrics": ["type": "array", "items": object([
            "metric": string, "a": nullableNumber, "b": nullableNumber,
            "difference": described(nullableNumber, "b minus a."),
            "higher_is_better": ["type": ["boolean", "null"]],
            "better": ["type": ["string", "null"], "enum": ["a", "b", "equal", nil]],
        ])],
        "lineage_differences": ["type": "array", "items": object(["key": string, "a": nullableString, "b": nullableString])],
    ])

    // MARK: promote, rollback

    static let promoteInput = object([
        "name": described(string, "The registered model."),
        "alias": described(string, "The alias to move (champion, challenger, …)."),
        "version": ["type": "integer", "minimum": 1],
        "reason": described(string, "Why: recorded in the alias history and the audit trail."),
    ])
    static let rollbackInput = object([
        "name": described(string, "The registered model."),
        "alias": described(string, "The alias to return to the version it pointed at before its last move."),
        "reason": described(string, "Why: recorded in the alias history and the audit trail."),
    ])
    static let aliasMoveOutput = object([
        "model": string, "alias": string, "version": ["type": "integer"], "previous_version": nullableInteger,
        "action": ["type": "string", "enum": ["set", "rollback"]], "actor": string, "reason": string, "time": string,
    ])
}
