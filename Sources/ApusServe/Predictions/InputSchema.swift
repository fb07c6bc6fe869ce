import ApusModel

/// The input of a model as JSON Schema (draft 2020-12): the body `POST /v1/models/{name}/predict`
/// takes in its `rows` form.
enum InputSchema {
    static func jsonSchema(of served: ServedModel, maxRows: Int) -> JSONWriter {
        let schema = served.model.schema
        var json = JSONWriter()
        json.byte(UInt8(ascii: "{"))
        json.member("$schema", "https://json-schema.org/draft/2020-12/schema", first: true)
        json.member("title", "Input of \(served.reference)")
        json.member("type", "object")
        json.raw(",\"required\":[\"rows\"],\"additionalProperties\":false,\"properties\":{")
        json.raw("\"explain\":{\"type\":\"boolean\",\"description\":\"Add per-row exact SHAP values (path-dependent TreeSHAP): one per feature and the bias, summing to the raw score.\"},")
        json.raw("\"rows\":{\"type\":\"array\",\"minItems\":1,\"maxItems\":")
        json.integer(maxRows)
        json.raw(",\"items\":{\"type\":\"object\",\"additionalProperties\":false,\"required\":")
        json.strings(schema.features.map(\.name))
        json.raw(",\"properties\":{")
        for (index, feature) in schema.features.enumerated() {
            if index > 0 { json.byte(UInt8(ascii: ",")) }
            json.key(feature.name)
            json.byte(UInt8(ascii: "{"))
            switch feature.kind {
            case .numeric:
                json.raw("\"type\":[\"number\",\"string\",\"boolean\",\"null\"],\"description\":")
                json.string("A number; null is missing. Numeric text is read as its number.")
            case .categorical:
                json.raw("\"type\":[\"string\",\"number\",\"boolean\",\"null\"],\"description\":")
                json.string("One of the training levels; another value is served as an unseen level (and counted); null is missing.")
                json.raw(",\"examples\":")
                json.strings(feature.levels.prefix(50))
            }
            json.byte(UInt8(ascii: "}"))
        }
        json.raw("}}}}}")
        return json
    }
}
