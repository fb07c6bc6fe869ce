import ApusModel
import ApusTable
import ApusTrain
import Foundation

/// Multivariate drift: a small gradient-boosted model is told to tell reference rows from
/// current rows. If the two samples come from one population it cannot (its AUC on held-out
/// rows stays near 0.5); the further its AUC rises, the more the joint distribution moved, even
/// when no single feature did. The features it leans on say where.
public struct DomainClassifierResult: Sendable, Equatable {
    /// The classifier's ROC AUC on the held-out rows.
    public var auc: Double
    /// The one-sided p-value of that AUC under "no drift" (the Mann–Whitney normal approximation:
    /// AUC − ½ over √((n₁ + n₂ + 1) / (12 n₁ n₂)) of the held-out class sizes).
    public var pValue: Double
    /// The AUC at or above which drift is declared (and p must be below α).
    public var threshold: Double
    public var drifted: Bool
    /// Rows sampled from each side.
    public var referenceRows: Int
    public var currentRows: Int
    /// Features by their share of the classifier's total split gain, largest first (at most 10).
    public var topFeatures: [(feature: String, share: Double)]

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.auc == rhs.auc && lhs.pValue == rhs.pValue && lhs.drifted == rhs.drifted
            && lhs.topFeatures.map(\.feature) == rhs.topFeatures.map(\.feature)
    }
}

/// The domain classifier's settings, with their defaults.
public struct DomainClassifierOptions: Sendable, Equatable {
    /// Rows sampled from each side (seeded), at most; default 10,000 (the AUC's standard error
    /// under no drift is then about 0.0075 on the held-out 6,000 rows).
    public var rowsPerSide = 10_000
    /// The share of the sampled rows held out to measure the AUC; default 0.3.
    public var holdout = 0.3
    /// The AUC at or above which drift is declared (with p below α); default 0.55.
    public var aucThreshold = 0.55
    /// Boosting rounds and leaves of the classifier; defaults 50 and 15.
    public var rounds = 50
    public var leaves = 15
    /// The sampling and training seed.
    public var seed: UInt64 = 0

    /// The defaults.
    public init() {}
}

enum DomainClassifier {
    /// Trains the classifier on the model's features of both tables (conformed to the schema)
    /// and measures it on held-out rows; nil when either side has fewer than 20 rows.
    static func run(schema: FeatureSchema, reference: Table, current: Table, options: DomainClassifierOptions,
                    alpha: Double, threads: Int) throws -> DomainClassifierResult? {
        guard reference.rowCount >= 20, current.rowCount >= 20 else { return nil }
        var random = SeededRandom(seed: options.seed &+ 0x646f_6d61)
        func sample(_ table: Table) throws -> [Double] {
            var indices = Array(0..<table.rowCount)
            if indices.count > options.rowsPerSide {
                random.shuffle(&indices)
                indices = Array(indices.prefix(options.rowsPerSide)).sorted()
            }
            let part = indices.count == table.rowCount ? table : try table.rows(indices)
            return try schema.encode(table: part, threads: threads)
        }
        let ref = try sample(reference), cur = try sample(current)
        let width = schema.count
        let refRows = ref.count / width, curRows = cur.count / width
        var order = Array(0..<(refRows + curRows))
        random.shuffle(&order)
        let testCount = max(1, Int(Double(order.count) * options.holdout))
        let test = Array(order.prefix(testCount)), train = Array(order.dropFirst(testCount))
        func row(_ index: Int) -> ArraySlice<Double> {
            index < refRows ? ref[(index * width)..<((index + 1) * width)]
                            : cur[((index - refRows) * width)..<((index - refRows + 1) * width)]
        }
        let trainTable = try table(rows: train.map(row), labels: train.map { $0 < refRows ? 0 : 1 }, schema: schema)
        let data = try TrainingData(table: trainTable, target: labelColumn, task: .binary)
        var parameters = GBDTParameters()
        parameters.numIterations = options.rounds
        parameters.numLeaves = options.leaves
        parameters.seed = Int(options.seed % UInt64(Int32.max))
        parameters.numThreads = threads
        let model = try GBDTTrainer(parameters: parameters).train(data)
        var testFeatures: [Double] = []
        testFeatures.reserveCapacity(test.count * width)
        for index in test { testFeatures.append(contentsOf: row(index)) }
        let scores = try model.ensemble.predict(features: testFeatures, threads: threads)
        let labels = test.map { $0 < refRows ? 0.0 : 1.0 }
        let auc = try AUC().evaluate(labels: labels, predictions: scores)
        let positives = labels.filter { $0 == 1 }.count, negatives = labels.count - positives
        let spread = (Double(positives + negatives + 1) / (12 * Double(positives) * Double(negatives))).squareRoot()
        let z = (auc - 0.5) / spread
        let pValue = positives > 0 && negatives > 0 ? 0.5 * erfc(z / 2.0.squareRoot()) : 1
        let gain = model.importance.gain
        let total = gain.reduce(0, +)
        var ranked: [(feature: String, share: Double)] = []
        for (feature, value) in zip(model.schema.features, gain) where value > 0 {
            ranked.append((feature.name, total > 0 ? value / total : 0))
        }
        ranked.sort { $0.share != $1.share ? $0.share > $1.share : $0.feature < $1.feature }
        let top = ranked.prefix(10)
        return DomainClassifierResult(
            auc: auc, pValue: pValue, threshold: options.aucThreshold,
            drifted: auc >= options.aucThreshold && pValue < alpha,
            referenceRows: refRows, currentRows: curRows, topFeatures: Array(top))
    }

    static let labelColumn = "__apus_domain"

    /// A table of encoded feature rows (levels back to their names; unseen levels as one level).
    static func table(rows: [ArraySlice<Double>], labels: [Double], schema: FeatureSchema) throws -> Table {
        var columns: [(name: String, column: Column)] = []
        for (index, feature) in schema.features.enumerated() {
            if feature.kind == .numeric {
                columns.append((feature.name, .numeric(NumericColumn(rows.map { $0[$0.startIndex + index] }))))
            } else {
                columns.append((feature.name, .categorical(CategoricalColumn(rows.map { row -> String? in
                    let code = row[row.startIndex + index]
                    if code.isNaN { return nil }
                    let level = Int(code)
                    return level >= 0 && level < feature.levels.count ? feature.levels[level] : "(unseen)"
                }))))
            }
        }
        columns.append((labelColumn, .numeric(NumericColumn(labels))))
        return try Table(columns)
    }
}
