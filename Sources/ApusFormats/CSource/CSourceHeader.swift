import ApusModel

/// The header of a C export: the two functions, the sizes, and a comment saying what goes
/// in and what comes out.
enum CSourceHeader {
    /// Categorical levels listed per feature; the rest are summarised.
    static let listedLevels = 64

    static func text(model: Model, prefix: String, headerName: String, mode: QuantizationMode, tables: CSourceTables) -> String {
        let macro = prefix.uppercased()
        let ensemble = model.ensemble
        var lines = ["/* \(headerName): a gradient-boosted tree model exported by Apus as C source. Do not edit.", " *"]
        lines += wrapped(description(of: model), indent: " * ")
        let rounds = ensemble.scoresPerRow > 1 ? " (\(ensemble.rounds) rounds of one per class)" : ""
        lines.append(" * Trees: \(ensemble.trees.count)\(rounds); leaves stored as \(leafStorage(mode)).")
        lines += [" *", " * \(prefix)_predict writes \(macro)_N_OUTPUTS floats to out:"]
        lines += wrapped(outputs(of: model), indent: " *   ")
        let raw = ensemble.scoresPerRow == 1 ? "raw score" : "\(ensemble.scoresPerRow) raw scores"
        lines.append(" * \(prefix)_raw_scores writes the \(raw), before the link (\(ensemble.link.rawValue)).")
        lines += [" *", " * features holds \(macro)_N_FEATURES floats, in this order:"]
        for (index, feature) in model.schema.features.enumerated() {
            lines += wrapped("[\(index)] \(CLiteral.quotedInComment(feature.name)) \(kind(of: feature))", indent: " *   ", continuation: " *       ")
        }
        if model.schema.count == 0 { lines.append(" *   (none: the model predicts a constant)") }
        lines += [
            " * A missing value is NaN (NAN from <math.h>). A categorical feature takes its level's code;",
            " * a level not listed (unseen in training) is -1.",
            " *",
            " * Both functions are reentrant: no heap, no mutable state. The source needs <stdint.h> and",
            " * <math.h> (expf) only. Thresholds are floats that take exactly Apus's branch for float inputs.",
            " */",
            "#ifndef \(macro)_H",
            "#define \(macro)_H",
            "",
            "#define \(macro)_N_FEATURES \(model.schema.count)",
            "#define \(macro)_N_OUTPUTS \(ensemble.scoresPerRow)",
            "",
            "#ifdef __cplusplus",
            "extern \"C\" {",
            "#endif",
            "",
            "/* Writes the model's \(macro)_N_OUTPUTS predictions for one row of \(macro)_N_FEATURES features. */",
            "void \(prefix)_predict(const float *features, float *out);",
            "",
            "/* Writes the \(macro)_N_OUTPUTS raw scores (before the link) for one row of \(macro)_N_FEATURES features. */",
            "void \(prefix)_raw_scores(const float *features, float *out);",
            "",
            "#ifdef __cplusplus",
            "}",
            "#endif",
            "",
            "#endif /* \(macro)_H */",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    private static func description(of model: Model) -> String {
        let target = CLiteral.quotedInComment(model.target)
        let task: String
        switch model.task {
        case .binary: task = "Binary classification of \(target)"
        case .multiclass: task = "Multiclass classification of \(target) (\(model.classes.count) classes)"
        case .regression: task = "Regression of \(target)"
        }
        var text = "\(task); objective \(CLiteral.quotedInComment(model.objective))"
        if let source = model.parameters["imported_from"] { text += ", imported from \(CLiteral.quotedInComment(source))" }
        return text + "."
    }

    private static func leafStorage(_ mode: QuantizationMode) -> String {
        switch mode {
        case .none: "float"
        case .f16: "float16 (quantization f16)"
        case .i8: "int8 codes times a float scale per tree (quantization i8)"
        }
    }

    private static func outputs(of model: Model) -> String {
        let ensemble = model.ensemble
        switch ensemble.link {
        case .sigmoid:
            let positive = model.classes.count == 2 ? "class \(CLiteral.quotedInComment(model.classes[1]))" : "the positive class"
            return "out[0] = the probability of \(positive) (sigmoid of the raw score)."
        case .softmax:
            let classes = model.classes.count == ensemble.scoresPerRow
                ? model.classes.enumerated().map { "\($0) = \(CLiteral.quotedInComment($1))" }.joined(separator: ", ")
                : "0 ... \(ensemble.scoresPerRow - 1)"
            return "out[i] = the probability of class i (softmax of the raw scores); classes \(classes)."
        case .identity:
            return "out[0] = the predicted \(CLiteral.quotedInComment(model.target)) (the raw score)."
        case .exp:
            return "out[0] = the predicted \(CLiteral.quotedInComment(model.target)) (e to the raw score)."
        }
    }

    private static func kind(of feature: Feature) -> String {
        guard feature.kind == .categorical else { return "numeric" }
        let listed = feature.levels.prefix(listedLevels).enumerated().map { "\($0) = \(CLiteral.quotedInComment($1))" }
        var text = "categorical, codes: " + (listed.isEmpty ? "(no levels)" : listed.joined(separator: ", "))
        if feature.levels.count > listedLevels {
            text += ", ... (\(feature.levels.count) levels in all, coded in the model's level order)"
        }
        return text
    }

    /// `text` as comment lines of about 100 columns, broken at spaces outside quoted text
    /// and not beside an `=` (so `0 = "blue"` stays on one line).
    private static func wrapped(_ text: String, indent: String, continuation: String? = nil) -> [String] {
        var lines: [String] = []
        var line = indent
        for word in words(text) {
            if line.count + word.count + 1 > 100, line.count > indent.count {
                lines.append(line)
                line = continuation ?? indent
            } else if line != indent {
                line += " "
            }
            line += word
        }
        lines.append(line)
        return lines
    }

    /// The pieces of `text` between the spaces ``wrapped(_:indent:continuation:)`` may break at.
    private static func words(_ text: String) -> [String] {
        let characters = Array(text)
        var words: [String] = [], word = "", quoted = false, escaped = false
        for (index, character) in characters.enumerated() {
            defer { escaped = character == "\\" && !escaped }
            if character == "\"", !escaped { quoted.toggle() }
            let nearEquals = (index > 0 && characters[index - 1] == "=") || (index + 1 < characters.count && characters[index + 1] == "=")
            if character == " ", !quoted, !nearEquals {
                words.append(word)
                word = ""
            } else {
                word.append(character)
            }
        }
        return words + [word]
    }
}
