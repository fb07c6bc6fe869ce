import ApusExplain
import Foundation
import Testing

/// The SVG plots: well-formed XML, the right number of marks, labelled axes, escaped and
/// shortened names, the "other features" row, missing values, determinism, and every bad
/// input refused with a message naming it. Set APUS_PLOT_REVIEW_DIR to also write the
/// plots of a credit-like sample there, to look at.
@Suite("Plots")
struct PlotTests {
    static let sample = PlotCreditSample(rows: 500)
    static let names = PlotCreditSample.names
    static let categorical = PlotCreditSample.levels.map { !$0.isEmpty }

    static func beeswarm(maxDisplay: Int = 20) -> BeeswarmPlot {
        BeeswarmPlot(
            attributions: sample.attributions, featureValues: sample.values, featureNames: names,
            categorical: categorical, maxDisplay: maxDisplay, title: "Credit default: SHAP values of 500 applications")
    }

    static func read(_ svg: String) throws -> PlotSVGReader {
        let reader = PlotSVGReader(svg)
        if let error = reader.error { Issue.record("not well-formed XML: \(error)") }
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "))
        #expect(!svg.contains("<script"))
        return reader
    }

    /// The error `body` throws, as text.
    static func failure(_ body: () throws -> Any) -> String? {
        do {
            _ = try body()
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func beeswarmHasOnePointPerRowAndFeatureShownAndSumsTheRest() throws {
        let svg = try Self.beeswarm().svg()
        let reader = try Self.read(svg)
        #expect(reader.all("circle", class: "point").count == 500 * 20)
        let labels = reader.texts(class: "feature-label")
        #expect(labels.count == 20)
        #expect(labels.last == "Sum of 5 other features")
        #expect(reader.all("g", class: "feature", "others").count == 1)
        // Ordered by mean |SHAP|: the top row is the feature with the largest.
        let attributions = Self.sample.attributions, features = Self.names.count
        let means = (0..<features).map { f in (0..<500).reduce(0.0) { $0 + abs(attributions[$1 * features + f]) } }
        let top = means.indices.max { means[$0] < means[$1] }!
        #expect(labels.first == Self.names[top])
        #expect(reader.texts(class: "axis-title") == ["SHAP value (impact on model output, log-odds)"])
        #expect(reader.texts(class: "legend-title") == ["Feature value"])
        #expect(reader.texts(class: "title") == ["Credit default: SHAP values of 500 applications"])
    }

    @Test func beeswarmDrawsMissingValuesGreyAndShortensLongNames() throws {
        let reader = try Self.read(try Self.beeswarm().svg())
        let shown = reader.all("g", class: "feature").filter { !$0.classes.contains("others") }.compactMap(\.title)
        let features = Self.names.count
        let missing = shown.reduce(0) { sum, name in
            let f = Self.names.firstIndex(of: name)!
            return sum + (0..<500).filter { Self.sample.values[$0 * features + f].isNaN }.count
        }
        #expect(missing > 0)
        let grey = reader.all("circle", class: "missing")
        #expect(grey.count == missing)
        #expect(grey.allSatisfy { $0.attributes["fill"] == "#8C8C8C" })
        let long = "number_of_times_30_59_days_past_due_not_worse_in_last_2_years"
        let shortened = reader.all("text", class: "feature-label").filter { $0.title == long }
        #expect(shortened.count == 1)
        #expect(shortened.first?.text.hasSuffix("…") == true)
        #expect(shortened.first.map { long.hasPrefix(String($0.text.dropLast())) } == true)
    }

    @Test func namesAreEscaped() throws {
        let name = "debt <& \"ratio\" 'x'"
        let svg = try BeeswarmPlot(attributions: [0.5, -0.5, 0.25, 0.1], featureValues: [1, 2, .nan, 4], featureNames: [name, "b"]).svg()
        #expect(svg.contains("debt &lt;&amp; &quot;ratio&quot; &apos;x&apos;"))
        let reader = try Self.read(svg)
        #expect(reader.texts(class: "feature-label").contains(name))
    }

    @Test func theSameInputGivesTheSameBytes() throws {
        #expect(try Self.beeswarm().svg() == Self.beeswarm().svg())
        let again = PlotCreditSample(rows: 500)
        let other = BeeswarmPlot(attributions: again.attributions, featureValues: again.values, featureNames: Self.names, categorical: Self.categorical, title: "Credit default: SHAP values of 500 applications")
        #expect(try other.svg() == Self.beeswarm().svg())
        let table = try Self.table()
        #expect(try WaterfallPlot.waterfall(row: 3, of: table).svg() == WaterfallPlot.waterfall(row: 3, of: table).svg())
    }

    @Test func beeswarmRefusesBadInput() {
        let names = ["a", "b"]
        #expect(Self.failure { try BeeswarmPlot(attributions: [1, 2, 3], featureValues: [], featureNames: names).svg() }
            == "attributions has 3 values, not a whole number of rows of 2 features")
        #expect(Self.failure { try BeeswarmPlot(attributions: [], featureValues: [], featureNames: names).svg() }
            == "attributions has no rows: there is nothing to plot")
        #expect(Self.failure { try BeeswarmPlot(attributions: [1, 2], featureValues: [1], featureNames: names).svg() }
            == "featureValues has 1 values, but 1 rows × 2 features need 2")
        #expect(Self.failure { try BeeswarmPlot(attributions: [1, 2, 3, .nan], featureValues: [], featureNames: names).svg() }
            == "attributions holds nan at row 1, feature `b`; every value must be a finite number")
        #expect(Self.failure { try BeeswarmPlot(attributions: [1, 2], featureValues: [], featureNames: names, maxDisplay: 0).svg() }
            == "maxDisplay is 0; it must be at least 1")
        #expect(Self.failure { try BeeswarmPlot(attributions: [1, 2], featureValues: [], featureNames: names, categorical: [true]).svg() }
            == "categorical has 1 flags for 2 features; give one per feature, or none")
        #expect(Self.failure { try BeeswarmPlot(attributions: [], featureValues: [], featureNames: []).svg() }
            == "featureNames has no features: there is nothing to plot")
    }

    static func importance() -> ImportancePlot {
        let attributions = sample.attributions, features = names.count
        let means = (0..<features).map { f in (0..<500).reduce(0.0) { $0 + abs(attributions[$1 * features + f]) } / 500 }
        return ImportancePlot(names: names, values: means, valueLabel: "mean |SHAP value| (log-odds)", title: "Which features matter most")
    }

    @Test func importanceBarsAreSortedAndSumTheRest() throws {
        let plot = Self.importance()
        let reader = try Self.read(try plot.svg())
        #expect(reader.all("rect", class: "bar").count == 20)
        let labels = reader.texts(class: "feature-label")
        #expect(labels.last == "Sum of 5 other features")
        let values = reader.all("g", class: "feature").compactMap { $0.title?.split(separator: " ").last.map(String.init) }
        #expect(values.count == 20)
        let sorted = plot.values.sorted(by: >)
        #expect(reader.texts(class: "value-label").first == PlotNumberFormat.compact(sorted[0]))
        #expect(reader.texts(class: "value-label").last == PlotNumberFormat.compact(sorted[19...].reduce(0, +)))
        #expect(reader.texts(class: "axis-title") == ["mean |SHAP value| (log-odds)"])
    }

    @Test func permutationImportanceHasErrorBarsAndLeavesTheRestOut() throws {
        let plot = ImportancePlot(
            names: ["income", "utilization", "age", "noise"], values: [0.04, 0.06, 0.01, -0.002], spreads: [0.005, 0.004, 0.003, 0.002],
            maxDisplay: 3, sumsOthers: false, valueLabel: "Permutation importance (AUC decrease)")
        let reader = try Self.read(try plot.svg())
        #expect(reader.texts(class: "feature-label") == ["utilization", "income", "age"])
        #expect(reader.all("line", class: "error-bar").count == 3)
        #expect(reader.texts(class: "note") == ["1 more features not shown"])
        let negative = try Self.read(try ImportancePlot(names: ["a", "b"], values: [0.03, -0.01], spreads: [0.01, 0.02]).svg())
        #expect(negative.texts(class: "value-label") == ["0.03", "−0.01"])
        #expect(negative.all("line", class: "zero").count == 1)
    }

    @Test func importanceRefusesBadInput() {
        #expect(Self.failure { try ImportancePlot(names: ["a", "b"], values: [1]).svg() } == "values has 1 values, but 2 names need 2")
        #expect(Self.failure { try ImportancePlot(names: [], values: []).svg() } == "names has no features: there is nothing to plot")
        #expect(Self.failure { try ImportancePlot(names: ["a"], values: [.infinity]).svg() }
            == "values holds inf at feature `a`; every value must be a finite number")
        #expect(Self.failure { try ImportancePlot(names: ["a"], values: [1], spreads: [-1]).svg() }
            == "spreads holds -1.0 for feature `a`; a spread cannot be negative")
        #expect(Self.failure { try ImportancePlot(names: ["a"], values: [1], maxDisplay: -2).svg() } == "maxDisplay is -2; it must be at least 1")
    }

    static func table(rows: Int? = nil) throws -> PlotAttributions {
        let sample = rows.map { PlotCreditSample(rows: $0) } ?? Self.sample
        return try PlotAttributions(values: sample.shapLayout, featureNames: names, featureValues: sample.values, levelNames: PlotCreditSample.levels)
    }

    @Test func waterfallRunsFromTheExpectedValueToTheOutput() throws {
        let table = try Self.table()
        let row = 11
        let plot = try WaterfallPlot.waterfall(row: row, of: table, title: "Application 11")
        let features = Self.names.count
        let logOdds = Self.sample.logOdds(row: row, setting: 0, to: Self.sample.values[row * features])
        #expect(abs(plot.output - logOdds) < 1e-9)
        let reader = try Self.read(try plot.svg())
        #expect(reader.all("path", class: "bar").count == 10)
        #expect(reader.all("path", class: "positive").count + reader.all("path", class: "negative").count == 10)
        let labels = reader.texts(class: "feature-label")
        #expect(labels.last == "15 other features")
        #expect(reader.texts(class: "output-label") == ["f(x) = \(PlotNumberFormat.compact(plot.output))"])
        #expect(reader.texts(class: "expected-label") == ["E[f(X)] = \(PlotNumberFormat.compact(plot.expectedValue))"])
        // The largest |attribution| is the top row, with its value's text.
        let attributions = plot.attributions
        let top = attributions.indices.max { abs(attributions[$0]) < abs(attributions[$1]) }!
        #expect(labels.first == table.valueText(row: row, feature: top))
        #expect(reader.texts(class: "value-label").first == PlotNumberFormat.signed(attributions[top]))
    }

    @Test func waterfallLabelsNameValuesLevelsAndMissing() throws {
        let table = try PlotAttributions(
            values: [0.5, -0.25, 0.1, 0.0, -1, 0.2, 0.3, 0.4, 0.5, -1], featureNames: ["income", "city", "age", "code"],
            featureValues: [52000, 1, .nan, -1, 1234567, 7, 35.5, 2], levelNames: [[], ["Lyon", "Paris"], [], ["x", "y"]])
        #expect(table.rows == 2)
        #expect((0..<4).map { table.valueText(row: 0, feature: $0) } == ["income = 52,000", "city = Paris", "age is missing", "code is an unseen level"])
        #expect((0..<4).map { table.valueText(row: 1, feature: $0) } == ["income = 1,234,567", "city = level 7", "age = 35.5", "code = level 2"])
        let reader = try Self.read(try WaterfallPlot.waterfall(row: 0, of: table, maxDisplay: 4).svg())
        #expect(reader.texts(class: "feature-label") == ["income = 52,000", "city = Paris", "age is missing", "code is an unseen level"])
        #expect(reader.texts(class: "output-label") == ["f(x) = −0.65"])
    }

    @Test func waterfallRefusesARowOutOfRangeAndBadInput() throws {
        let table = try Self.table(rows: 40)
        #expect(Self.failure { try WaterfallPlot.waterfall(row: 57, of: table) } == "row 57 is out of range: the data has 40 rows, numbered from 0 to 39")
        #expect(Self.failure { try WaterfallPlot.waterfall(row: -1, of: table) } == "row -1 is out of range: the data has 40 rows, numbered from 0 to 39")
        #expect(Self.failure { try WaterfallPlot.waterfall(row: 0, of: table, output: 1) }
            == "output 1 is out of range: the attributions have 1 output(s), numbered from 0 to 0")
        let empty = try PlotAttributions(values: [], featureNames: ["a"])
        #expect(Self.failure { try WaterfallPlot.waterfall(row: 0, of: empty) } == "row 0 is out of range: the data has no rows")
        #expect(Self.failure { try PlotAttributions(values: [1, 2, 3], featureNames: ["a"]) }
            == "values has 3 values, not a whole number of rows of 1 output(s) × (1 features + bias)")
        #expect(Self.failure { try PlotAttributions(values: [1, 2], featureNames: ["a"], featureValues: [1, 2]) }
            == "featureValues has 2 values, but 1 rows × 1 features need 1")
        #expect(Self.failure { try WaterfallPlot(expectedValue: 0, attributions: [1], featureLabels: ["a", "b"]).svg() }
            == "attributions has 1 values, but 2 feature labels need 2")
        #expect(Self.failure { try WaterfallPlot(expectedValue: 0, attributions: [.nan], featureLabels: ["a"]).svg() }
            == "attributions holds nan at feature `a`; every value must be a finite number")
        #expect(Self.failure { try WaterfallPlot(expectedValue: .nan, attributions: [1], featureLabels: ["a"]).svg() }
            == "expectedValue is nan; it must be a finite number")
        #expect(Self.failure { try WaterfallPlot(expectedValue: 0, attributions: [1], featureLabels: ["a"], maxDisplay: 0).svg() }
            == "maxDisplay is 0; it must be at least 1")
    }

    static func dependence(_ name: String, colour: String? = nil) -> DependencePlot {
        let features = names.count, f = names.firstIndex(of: name)!
        let column = { (f: Int) in (0..<500).map { sample.values[$0 * features + f] } }
        var plot = DependencePlot(
            featureName: name, featureValues: column(f), attributions: (0..<500).map { sample.attributions[$0 * features + f] },
            isCategorical: categorical[f], levelNames: PlotCreditSample.levels[f], title: "Dependence on \(name)")
        if let colour, let c = names.firstIndex(of: colour) {
            plot.colourName = colour
            plot.colourValues = column(c)
            plot.colourIsCategorical = categorical[c]
            plot.colourLevelNames = PlotCreditSample.levels[c]
        }
        return plot
    }

    @Test func dependenceDrawsEveryRowAndMissingOnesInTheirBand() throws {
        let plot = Self.dependence("income", colour: "utilization")
        let reader = try Self.read(try plot.svg())
        #expect(reader.all("circle", class: "point").count == 500)
        let missing = plot.featureValues.filter(\.isNaN).count
        #expect(missing > 0)
        #expect(reader.all("circle", class: "missing").count == missing)
        #expect(reader.all("g", class: "missing-band").count == 1)
        #expect(reader.texts(class: "axis-title") == ["SHAP value for income (log-odds)", "income"])
        #expect(reader.texts(class: "legend-title") == ["utilization"])
        let band = reader.all("circle", class: "missing").compactMap { Double($0.attributes["cx"] ?? "") }
        let present = reader.all("circle", class: "point").filter { !$0.classes.contains("missing") }.compactMap { Double($0.attributes["cx"] ?? "") }
        #expect(band.max()! < present.min()!)
    }

    @Test func categoricalDependenceHasALevelPerTickAndAKey() throws {
        let plot = Self.dependence("employment_type", colour: "housing")
        let reader = try Self.read(try plot.svg())
        #expect(reader.all("circle", class: "point").count == 500)
        #expect(reader.texts(class: "level-label") == PlotCreditSample.levels[12])
        #expect(reader.texts(class: "legend-entry") == PlotCreditSample.levels[13])
    }

    @Test func dependenceRefusesBadInput() {
        #expect(Self.failure { try DependencePlot(featureName: "a", featureValues: [1, 2], attributions: [1]).svg() }
            == "attributions has 1 values, but 2 feature values need 2")
        #expect(Self.failure { try DependencePlot(featureName: "a", featureValues: [], attributions: []).svg() }
            == "featureValues has no rows: there is nothing to plot")
        #expect(Self.failure { try DependencePlot(featureName: "a", featureValues: [1], attributions: [.nan]).svg() }
            == "attributions holds nan at row 0; every value must be a finite number")
        var coloured = DependencePlot(featureName: "a", featureValues: [1, 2], attributions: [1, 2])
        coloured.colourName = "b"
        #expect(Self.failure { try coloured.svg() } == "colourValues (`b`) has 0 values, but 2 feature values need 2")
    }

    static func partialDependence(_ name: String, rows: Int = 500) -> PartialDependencePlot {
        let features = names.count, f = names.firstIndex(of: name)!
        let isCategorical = categorical[f]
        let present = (0..<500).map { sample.values[$0 * features + f] }.filter { !$0.isNaN }.sorted()
        let grid = isCategorical
            ? PlotCreditSample.levels[f].indices.map(Double.init)
            : (0...40).map { present.first! + (present.last! - present.first!) * Double($0) / 40 }
        let curves = (0..<rows).flatMap { row in grid.map { 1 / (1 + exp(-sample.logOdds(row: row, setting: f, to: $0))) } }
        let average = grid.indices.map { g in (0..<rows).reduce(0.0) { $0 + curves[$1 * grid.count + g] } / Double(rows) }
        return PartialDependencePlot(
            featureName: name, grid: grid, average: average, curves: curves, isCategorical: isCategorical,
            levelNames: PlotCreditSample.levels[f], rug: isCategorical ? [] : present, outputLabel: "Predicted probability of default",
            title: "Partial dependence on \(name)")
    }

    @Test func partialDependenceDrawsACurvePerRowAndTheAverage() throws {
        let reader = try Self.read(try Self.partialDependence("utilization").svg())
        #expect(reader.all("path", class: "ice-curve").count == 500)
        #expect(reader.all("path", class: "pdp").count == 1)
        #expect(reader.all("line", class: "decile").count == 9)
        #expect(reader.texts(class: "axis-title") == ["Predicted probability of default", "utilization"])
        let categorical = try Self.read(try Self.partialDependence("employment_type", rows: 50).svg())
        #expect(categorical.all("circle", class: "pdp-point").count == 6)
        #expect(categorical.all("line", class: "ice-curve").count == 50 * 6)
        #expect(categorical.texts(class: "level-label") == PlotCreditSample.levels[12])
    }

    @Test func partialDependenceRefusesBadInput() {
        #expect(Self.failure { try PartialDependencePlot(featureName: "a", grid: [], average: []).svg() } == "grid has no values: there is nothing to plot")
        #expect(Self.failure { try PartialDependencePlot(featureName: "a", grid: [1, 2], average: [1]).svg() } == "average has 1 values, but 2 grid values need 2")
        #expect(Self.failure { try PartialDependencePlot(featureName: "a", grid: [1, 2], average: [1, 2], curves: [1, 2, 3]).svg() }
            == "curves has 3 values, not a whole number of rows of 2 grid values")
        #expect(Self.failure { try PartialDependencePlot(featureName: "a", grid: [1, .nan], average: [1, 2]).svg() }
            == "grid holds nan at position 1; every value must be a finite number")
        #expect(Self.failure { try PartialDependencePlot(featureName: "a", grid: [1, 2], average: [1, 2], curves: [1, 2, .infinity, 3]).svg() }
            == "curves holds inf at row 1, grid position 0; every value must be a finite number")
    }

    @Test func degenerateInputStillDrawsAReadablePlot() throws {
        let one = try Self.read(try BeeswarmPlot(attributions: [0], featureValues: [.nan], featureNames: ["only"]).svg())
        #expect(one.all("circle", class: "missing").count == 1)
        #expect(one.all("text", class: "tick").count >= 2)
        let constant = try Self.read(try BeeswarmPlot(attributions: [1e200, -1e200, 3, 3], featureValues: [5, 5, 5, 5], featureNames: ["x", "y"]).svg())
        #expect(constant.all("circle", class: "point").count == 4)
        #expect(constant.texts(class: "tick").contains { $0.contains("e") })
        let flat = try Self.read(try PartialDependencePlot(featureName: "x", grid: [1], average: [0.5], curves: [0.5, 0.5]).svg())
        #expect(flat.all("path", class: "ice-curve").count == 2)
        let allMissing = try Self.read(try DependencePlot(featureName: "x", featureValues: [.nan, .nan], attributions: [0.1, -0.1]).svg())
        #expect(allMissing.all("circle", class: "missing").count == 2)
        let tiny = try Self.read(try ImportancePlot(names: ["a"], values: [0]).svg())
        #expect(tiny.texts(class: "value-label") == ["0"])
        let waterfall = try Self.read(try WaterfallPlot(expectedValue: 0, attributions: [0, 0], featureLabels: ["a", "b"], maxDisplay: 1).svg())
        #expect(waterfall.texts(class: "feature-label") == ["2 other features"])
    }

    @Test func numbersAreCompact() {
        #expect(PlotNumberFormat.compact(52000) == "52,000")
        #expect(PlotNumberFormat.compact(1234) == "1230")
        #expect(PlotNumberFormat.compact(52345) == "52,300")
        #expect(PlotNumberFormat.compact(-1_234_567) == "−1,230,000")
        #expect(PlotNumberFormat.value(52345) == "52,345")
        #expect(PlotNumberFormat.value(0.394491) == "0.3945")
        #expect(PlotNumberFormat.compact(0.012345) == "0.0123")
        #expect(PlotNumberFormat.compact(-0.5) == "−0.5")
        #expect(PlotNumberFormat.compact(9.996) == "10")
        #expect(PlotNumberFormat.compact(0.000012345) == "1.23e-5")
        #expect(PlotNumberFormat.compact(0) == "0")
        #expect(PlotNumberFormat.signed(0.42) == "+0.42")
        #expect(PlotNumberFormat.signed(-0.13) == "−0.13")
        #expect(PlotNumberFormat.compact(123456.7, significantDigits: 6) == "123,457")
    }

    @Test func coloursAreTheNamedScales() {
        #expect(SequentialColourScale.viridis.colour(at: 0) == "#440154")
        #expect(SequentialColourScale.viridis.colour(at: 1) == "#fde725")
        #expect(SequentialColourScale.viridis.colour(at: 0.5) == "#21918c")
        #expect(SequentialColourScale.cividis.colour(at: 0) == "#002051")
        #expect(ColourPalette.category(0) == "#0072B2")
        #expect(ColourPalette.category(9) == "#D55E00")
    }

    @Test func writesTheReviewPlotsWhenAsked() throws {
        guard let directory = ProcessInfo.processInfo.environment["APUS_PLOT_REVIEW_DIR"] else { return }
        let table = try Self.table()
        let permutation = ImportancePlot(
            names: Self.names, values: Self.importance().values.enumerated().map { Self.names[$0] == "savings_balance" ? -0.0015 : $1 * 0.08 },
            spreads: Self.importance().values.map { $0 * 0.015 + 0.001 }, maxDisplay: 16, sumsOthers: false,
            valueLabel: "Permutation importance (AUC decrease)", title: "Permutation importance, 5 repeats")
        let plots: [(String, String)] = [
            ("beeswarm", try Self.beeswarm().svg()),
            ("importance", try Self.importance().svg()),
            ("permutation", try permutation.svg()),
            ("waterfall", try WaterfallPlot.waterfall(row: 11, of: table, title: "Why application 11 was scored so").svg()),
            ("dependence", try Self.dependence("income", colour: "utilization").svg()),
            ("dependence-categorical", try Self.dependence("employment_type", colour: "housing").svg()),
            ("pdp", try Self.partialDependence("utilization").svg()),
            ("pdp-categorical", try Self.partialDependence("employment_type", rows: 100).svg()),
            ("permutation-negative", try ImportancePlot(
                names: ["income", "utilization", "age", "application_hour"], values: [0.04, 0.06, 0.01, -0.002], spreads: [0.005, 0.004, 0.003, 0.002],
                valueLabel: "Permutation importance (AUC decrease)", title: "A feature whose permutation helped").svg()),
            ("waterfall-narrow", try { () throws -> String in
                var plot = try WaterfallPlot.waterfall(row: 4, of: table, maxDisplay: 6)
                plot.width = 480
                return try plot.svg()
            }()),
        ]
        for (name, svg) in plots { try svg.write(toFile: "\(directory)/\(name).svg", atomically: true, encoding: .utf8) }
    }
}
