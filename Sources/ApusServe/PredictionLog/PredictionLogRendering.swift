import ApusModel
import ApusStore

/// Turns a queued prediction into the store's record, on the writer's thread: inputs as a
/// JSON array of row objects with the values as the client sent them (numbers, levels,
/// unseen levels as sent, null for missing), outputs as `{"predictions": [...], "labels": [...]}`.
enum PredictionLogRendering {
    static func record(_ logged: LoggedPrediction) -> PredictionRecord {
        let served = logged.served
        return PredictionRecord(
            requestID: logged.requestID, model: served.name, version: served.version, reference: logged.reference,
            route: logged.route, loggedAt: StoreClock.format(milliseconds: logged.loggedAtMilliseconds),
            latencyMicroseconds: Int(logged.latency.nanoseconds / 1_000), rowCount: logged.rows.rows,
            inputs: logged.sampleInputs ? inputs(logged.rows, schema: served.model.schema) : nil,
            outputs: outputs(logged.output), unseenLevels: logged.rows.unseen.count)
    }

    static func inputs(_ rows: DecodedRows, schema: FeatureSchema) -> String {
        let width = schema.count
        var unseen: [Int: String] = [:]
        for level in rows.unseen { unseen[level.row * width + level.feature] = level.value }
        var json = JSONWriter(capacity: rows.rows * width * 16)
        json.byte(UInt8(ascii: "["))
        for row in 0..<rows.rows {
            if row > 0 { json.byte(UInt8(ascii: ",")) }
            json.byte(UInt8(ascii: "{"))
            for (index, feature) in schema.features.enumerated() {
                if index > 0 { json.byte(UInt8(ascii: ",")) }
                json.key(feature.name)
                let value = rows.features[row * width + index]
                if value.isNaN {
                    json.raw("null")
                } else if feature.kind == .categorical {
                    let code = Int(value)
                    if code >= 0 && code < feature.levels.count {
                        json.string(feature.levels[code])
                    } else {
                        json.string(unseen[row * width + index] ?? "")
                    }
                } else {
                    json.number(value)
                }
            }
            json.byte(UInt8(ascii: "}"))
        }
        json.byte(UInt8(ascii: "]"))
        return String(decoding: json.bytes, as: UTF8.self)
    }

    static func outputs(_ output: PredictionOutput) -> String {
        var json = JSONWriter(capacity: 32 + output.values.count * 20)
        json.raw("{\"predictions\":")
        output.writeValues(into: &json)
        if let labels = output.labels {
            json.raw(",\"labels\":")
            json.strings(labels)
        }
        json.byte(UInt8(ascii: "}"))
        return String(decoding: json.bytes, as: UTF8.self)
    }
}
