import ApusExplain
import ApusModel
import ApusService

/// The explain route's members checked against the model they are for.
enum ExplainRequest {
    /// The references the server explains against.
    static let references = ["average"]

    /// `members` as explanation options for `model` (one thread: the server answers many
    /// requests at once).
    ///
    /// - Throws: A 400 naming `reference` or `adverse` when the model cannot take it.
    static func options(_ members: ExplainMembers, model: Model) throws(RequestProblem) -> ExplanationOptions {
        var options = ExplanationOptions(threads: 1)
        if let topK = members.topK { options.topK = topK }
        if let minimumEffect = members.minimumEffect { options.minimumEffect = minimumEffect }
        switch members.reference {
        case nil, "average":
            options.reference = .average
        case "background", "threshold":
            throw DecodeProblem.invalid(
                "the `\(members.reference ?? "")` reference needs interventional TreeSHAP and background rows, which the server does not offer yet; use \"average\"",
                pointer: "/reference", field: "reference")
        case let other?:
            throw DecodeProblem.invalid("unknown reference `\(other)`: the server explains against \"average\" (path-dependent TreeSHAP, relative to the training mean)",
                                        pointer: "/reference", field: "reference")
        }
        if let adverse = members.adverse { options.adverse = try Self.adverse(adverse, model: model) }
        return options
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
