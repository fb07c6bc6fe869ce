import ApusExplain
import ApusModel
import ApusService

/// The explain route's members checked against the model they are for.
enum ExplainRequest {
    /// The references the server explains against.
    static let references = ["average", "background", "threshold"]

    /// `members` as explanation options for `served` (one thread: the server answers many
    /// requests at once).
    ///
    /// - Throws: A 400 naming `reference`, `threshold` or `adverse` when the model cannot
    ///   take it, or when the server has no background rows for the reference asked for.
    static func options(_ members: ExplainMembers, served: ServedModel) throws(RequestProblem) -> ExplanationOptions {
        let model = served.model
        var options = ExplanationOptions(threads: 1)
        if let topK = members.topK { options.topK = topK }
        if let minimumEffect = members.minimumEffect { options.minimumEffect = minimumEffect }
        if let adverse = members.adverse { options.adverse = try Self.adverse(adverse, model: model) }
        let reference = members.reference ?? "average"
        if members.threshold != nil && reference != "threshold" {
            throw DecodeProblem.invalid(
                "`threshold` is the decision threshold of \"reference\": \"threshold\"; send both, or leave `threshold` out",
                pointer: "/threshold", field: "threshold")
        }
        switch reference {
        case "average":
            options.reference = .average
        case "background":
            let background = try Self.background(of: served, for: reference)
            options.reference = .background(background.sample)
            options.preparedBackground = background.interventional
        case "threshold":
            let background = try Self.background(of: served, for: reference)
            let threshold = try Self.threshold(members.threshold, adverse: options.adverse, model: model)
            options.reference = .threshold(threshold, background: background.candidates)
            options.candidatePredictions = background.candidatePredictions
        default:
            throw DecodeProblem.invalid(
                "unknown reference `\(reference)`: the server explains against \"average\" (the training mean), \"background\" (the --explain-background rows) or \"threshold\" (the background rows nearest a decision threshold)",
                pointer: "/reference", field: "reference")
        }
        return options
    }

    /// The served model's background rows for `reference`.
    ///
    /// - Throws: A 400 naming `reference` when the server has none, or the model cannot
    ///   read them.
    private static func background(of served: ServedModel, for reference: String) throws(RequestProblem) -> ExplanationBackground {
        switch served.background {
        case .ready(let background)?:
            return background
        case .unusable(let reason)?:
            throw DecodeProblem.invalid("the `\(reference)` reference is not available for \(served.reference): \(reason); use \"average\"",
                                        pointer: "/reference", field: "reference")
        case nil:
            throw DecodeProblem.invalid(
                "the `\(reference)` reference needs background rows, and this server has none: start it with --explain-background FILE.csv (rows to explain against, approved applicants say); use \"average\" meanwhile",
                pointer: "/reference", field: "reference")
        }
    }

    /// The threshold reference's decision threshold, checked against the model: a
    /// probability for binary and multiclass (whose adverse class must be named), any
    /// number for regression.
    private static func threshold(_ threshold: Double?, adverse: AdverseOutcome?, model: Model) throws(RequestProblem) -> Double {
        let scale = switch model.task {
        case .binary: "the probability of class `\(label(.higher, model: model))`"
        case .multiclass: "the probability of the `adverse` class"
        case .regression: "the predicted value"
        }
        guard let threshold else {
            throw DecodeProblem.invalid("\"reference\": \"threshold\" needs `threshold`, the decision threshold: \(scale)",
                                        pointer: "/threshold", field: "threshold")
        }
        if model.task != .regression, !(0...1).contains(threshold) {
            throw DecodeProblem.invalid("`threshold` is \(scale), from 0 to 1, not \(threshold)", pointer: "/threshold", field: "threshold")
        }
        if model.task == .multiclass, adverse == nil {
            throw DecodeProblem.invalid(
                "a threshold on a multiclass model is on the probability of one class: name it in `adverse` (one of \(list(model.classes)))",
                pointer: "/adverse", field: "adverse")
        }
        return threshold
    }

    /// `higher`, `lower` or a class label as the model's adverse outcome.
    static func adverse(_ text: String, model: Model) throws(RequestProblem) -> AdverseOutcome {
        let problem = { (detail: String) in DecodeProblem.invalid(detail, pointer: "/adverse", field: "adverse") }
        switch (model.task, text) {
        case (.binary, "higher"), (.regression, "higher"): return .higher
        case (.binary, "lower"), (.regression, "lower"): return .lower
        case (.regression, _):
            throw problem("`adverse` of a regression model is \"higher\" or \"lower\", not `\(text)`")
        case (.multiclass, "higher"), (.multiclass, "lower"):
            throw problem("a multiclass model needs the adverse class in `adverse` (one of \(Self.list(model.classes))), not `\(text)`")
        default:
            guard let index = model.classes.firstIndex(of: text) else {
                let choices = model.task == .binary ? "\"higher\", \"lower\" or a class: \(Self.list(model.classes))" : "a class: \(Self.list(model.classes))"
                throw problem("`adverse` is `\(text)`, which is no class of the model; it takes \(choices)")
            }
            return .classIndex(index)
        }
    }

    /// What a row's adverse outcome is called in the response: a class label, or
    /// `higher`/`lower` for regression.
    static func label(_ adverse: AdverseOutcome, model: Model) -> String {
        switch (adverse, model.task) {
        case (.higher, .binary): model.classes.count > 1 ? model.classes[1] : "higher"
        case (.lower, .binary): model.classes.first ?? "lower"
        case (.higher, _): "higher"
        case (.lower, _): "lower"
        case (.classIndex(let index), _): model.classes.indices.contains(index) ? model.classes[index] : String(index)
        }
    }

    private static func list(_ classes: [String]) -> String {
        let shown = classes.prefix(20).map { "`\($0)`" }.joined(separator: ", ")
        return classes.count > 20 ? shown + ", …" : shown
    }
}
