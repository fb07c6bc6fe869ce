import ApusService

/// A request's predictions, from its raw scores: what every route answers with (the
/// services' ``ModelPredictions``, which the MCP server and the command line share).
typealias PredictionOutput = ModelPredictions

extension ModelPredictions {
    /// Writes `values` as a JSON array: numbers, or one array per row when `width > 1`.
    func writeValues(into json: inout JSONWriter) {
        if width == 1 {
            json.numbers(values)
            return
        }
        json.byte(UInt8(ascii: "["))
        for row in 0..<rows {
            if row > 0 { json.byte(UInt8(ascii: ",")) }
            json.numbers(values[row * width..<(row + 1) * width])
        }
        json.byte(UInt8(ascii: "]"))
    }
}
