import ApusExplain
import ApusModel
import ApusTable

/// The plots `apus explain --plot` draws.
public enum ExplanationPlot: Sendable, Equatable {
    /// Beeswarm of every feature's SHAP values (shap's summary plot).
    case summary
    /// Bars of mean |SHAP value|.
    case importance
    /// One row's SHAP values from the bias to its score; rows are numbered from 0.
    case waterfall(row: Int)
    /// A feature's SHAP value against its value, coloured by the feature it interacts with most.
    case dependence(feature: String)
    /// Partial dependence with ICE curves.
    case partialDependence(feature: String)

    /// The most rows a beeswarm or dependence plot draws (a seeded sample of larger data):
    /// each row is a dot of about 70 bytes per feature.
    public static let maximumPlottedRows = 2_000

    /// Reads `summary`, `importance`, `waterfall:ROW`, `dependence:FEATURE` or `pdp:FEATURE`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let argument = parts.count > 1 ? parts[1] : nil
        switch (parts.first ?? "", argument) {
        case ("summary", nil): self = .summary
        case ("importance", nil): self = .importance
        case ("waterfall", let row?):
            guard let index = Int(row) else { throw ServiceError("--plot waterfall:ROW needs a row number (from 0), not `\(row)`") }
            self = .waterfall(row: index)
        case ("dependence", let feature?) where !feature.isEmpty: self = .dependence(feature: feature)
        case ("pdp", let feature?) where !feature.isEmpty: self = .partialDependence(feature: feature)
        default:
            throw ServiceError("--plot is `\(text)`; it takes summary, importance, waterfall:ROW, dependence:FEATURE or pdp:FEATURE")
        }
    }
}

extension ModelExplaining {
    /// `plot` of `model` on `table`'s rows, as an SVG document.
    ///
    /// SHAP plots use `settings.method` (tree, interventional or kernel); on multiclass
    /// models they show `settings.classLabel`'s score (the first class by default). Data
    /// larger than ``ExplanationPlot/maximumPlottedRows`` is sampled (seeded) for the
    /// beeswarm and dependence plots.
    ///
    /// - Throws: An error naming a row out of range, an unknown feature, or as ``explain(_:rows:settings:)``.
    public static func plot(_ plot: ExplanationPlot, model: Model, rows table: Table, settings: ExplanationSettings) throws -> String {
        guard settings.method != .lime else { throw ServiceError("--plot draws SHAP values and partial dependence; LIME has no plot here") }
        let output = try settings.output(of: model)
        let unit = unitText(model, output: output)
        let schema = model.schema
        let names = schema.features.map(\.name)
        let levels = schema.features.map { $0.kind == .categorical ? $0.levels : [] }
        let all = try features(of: model, in: table, what: "the data", threads: settings.threads)
        let rows = table.rowCount
        func featureIndex(_ name: String) throws -> Int {
            guard let index = schema.index(of: name) else {
                let near = closestName(to: name, among: names)
                throw ServiceError("the model has no feature `\(name)`\(near.map { "; did you mean `\($0)`?" } ?? "")")
            }
            return index
        }
        switch plot {
        case .waterfall(let row):
            guard (0..<rows).contains(row) else {
                throw ServiceError("row \(row) is out of range: the data has \(rows) row\(rows == 1 ? "" : "s")\(rows > 0 ? ", numbered from 0 to \(rows - 1)" : "")")
            }
            let width = schema.count
            let one = Array(all[row * width..<(row + 1) * width])
            // The row is explained against the data (or the background), not against itself.
            var rowSettings = settings
            if rowSettings.background == nil { rowSettings.background = table }
            let explained = try explain(model, features: one, settings: rowSettings)
            let attributions = try PlotAttributions(values: explained.values, outputs: model.ensemble.scoresPerRow, featureNames: names,
                                                    featureValues: one, levelNames: levels)
            return try WaterfallPlot.waterfall(row: 0, of: attributions, output: output, outputUnit: unit,
                                               title: "Row \(row)\(titleSuffix(model, output: output))").svg()
        case .partialDependence(let name):
            let index = try featureIndex(name)
            var options = PartialDependence.Options()
            options.iceRows = min(rows, 100)
            options.seed = settings.seed
            let function = PredictionFunction(model.ensemble, scale: .prediction)
            let dependence = try PartialDependence(function: function, schema: schema, features: all, feature: index,
                                                   options: options, threads: settings.threads)
            let k = dependence.outputCount, points = dependence.grid.count
            let average = (0..<points).map { dependence.average[$0 * k + output] }
            let curves = (0..<dependence.rows.count * points).map { dependence.individual[$0 * k + output] }
            let rug = (0..<rows).map { all[$0 * schema.count + index] }.filter(\.isFinite)
            return try PartialDependencePlot(
                featureName: name, grid: dependence.grid, average: average, curves: curves, isCategorical: dependence.categorical,
                levelNames: dependence.categorical ? levels[index] : [], rug: dependence.categorical ? [] : rug,
                outputLabel: predictionLabel(model, output: output), title: "Partial dependence on \(name)").svg()
        case .summary, .importance, .dependence:
            let (sample, sampled) = try plottedRows(all, rows: rows, width: schema.count, seed: settings.seed)
            let explained = try explain(model, features: sample, settings: settings)
            let attributions = try PlotAttributions(values: explained.values, outputs: model.ensemble.scoresPerRow, featureNames: names,
                                                    featureValues: sample, levelNames: levels)
            let note = sampled < rows ? " (\(sampled) of \(rows) rows)" : ""
            switch plot {
            case .summary:
                return try BeeswarmPlot.beeswarm(of: attributions, output: output, outputUnit: unit,
                                                 title: "SHAP values\(titleSuffix(model, output: output))\(note)").svg()
            case .importance:
                let importance = try SHAPImportance(values: explained.values, featureCount: schema.count, outputCount: model.ensemble.scoresPerRow)
                let perOutput = model.ensemble.scoresPerRow > 1 ? (0..<schema.count).map { importance.perOutput[output * schema.count + $0] } : importance.overall
                return try ImportancePlot(names: names, values: perOutput, valueLabel: "mean |SHAP value| (\(unit))",
                                          title: "Feature importance\(titleSuffix(model, output: output))\(note)").svg()
            default:
                guard case .dependence(let name) = plot else { return "" }
                let index = try featureIndex(name)
                let matrix = try attributions.matrix(output: output)
                let width = schema.count
                var dependence = DependencePlot(
                    featureName: name, featureValues: (0..<sampled).map { sample[$0 * width + index] },
                    attributions: (0..<sampled).map { matrix[$0 * width + index] }, isCategorical: schema.features[index].kind == .categorical,
                    levelNames: levels[index], outputUnit: unit, title: "Dependence on \(name)\(note)")
                if let partner = try strongestInteraction(model, feature: index, sample: sample, rows: sampled, output: output, settings: settings) {
                    dependence.colourName = names[partner]
                    dependence.colourValues = (0..<sampled).map { sample[$0 * width + partner] }
                    dependence.colourIsCategorical = schema.features[partner].kind == .categorical
                    dependence.colourLevelNames = levels[partner]
                }
                return try dependence.svg()
            }
        }
    }

    /// The rows a beeswarm or dependence plot draws: all, or a seeded sample in data order.
    static func plottedRows(_ features: [Double], rows: Int, width: Int, seed: UInt64) throws -> ([Double], Int) {
        let limit = ExplanationPlot.maximumPlottedRows
        guard rows > limit else { return (features, rows) }
        return (try ReasonReference.rows(ExplanationBackground.sample(rows: rows, count: limit, seed: seed), of: features, featureCount: width), limit)
    }

    /// The feature with the largest mean |interaction value| with `feature` over up to 100
    /// rows (path-dependent TreeSHAP interactions); nil for a model of one feature or one
    /// without covers.
    static func strongestInteraction(_ model: Model, feature: Int, sample: [Double], rows: Int, output: Int,
                                     settings: ExplanationSettings) throws -> Int? {
        let width = model.schema.count
        guard width > 1, let explainer = try? TreeSHAP(model.ensemble) else { return nil }
        let used = min(rows, 100)
        let values = try explainer.interactionValues(features: Array(sample[0..<used * width]), threads: settings.threads)
        let k = model.ensemble.scoresPerRow, side = width + 1
        var strength = [Double](repeating: 0, count: width)
        for row in 0..<used {
            let base = (row * k + output) * side * side + feature * side
            for other in 0..<width where other != feature { strength[other] += abs(values[base + other]) }
        }
        var best: Int?
        for other in 0..<width where other != feature && strength[other] > 0 {
            if best.map({ strength[other] > strength[$0] }) ?? true { best = other }
        }
        return best
    }

    /// The unit of a raw score: log-odds (binary, and a class's softmax score), else the target's.
    static func unitText(_ model: Model, output: Int) -> String {
        switch model.task {
        case .binary: "log-odds"
        case .multiclass: "raw score of \(model.classes[output])"
        case .regression: model.ensemble.link == .exp ? "log of \(model.target)" : model.target
        }
    }

    static func predictionLabel(_ model: Model, output: Int) -> String {
        switch model.task {
        case .binary: model.classes.count > 1 ? "Probability that \(model.target) = \(model.classes[1])" : "Probability of the positive class"
        case .multiclass: "Probability that \(model.target) = \(model.classes[output])"
        case .regression: "Predicted \(model.target)"
        }
    }

    static func titleSuffix(_ model: Model, output: Int) -> String {
        model.task == .multiclass ? ", class \(model.classes[output])" : ""
    }
}
