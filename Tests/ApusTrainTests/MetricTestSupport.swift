import ApusTrain

/// Whether `actual` is within `tolerance` of `expected`, relative to `expected`'s magnitude.
func isClose(_ actual: Double, _ expected: Double, tolerance: Double = 1e-12) -> Bool {
    abs(actual - expected) <= tolerance * max(abs(expected), 1e-300)
}

/// Evaluates the registered metric `name`.
func score(
    _ name: String, _ labels: [Double], _ predictions: [Double], weights: [Double]? = nil
) throws -> Double {
    try Metrics.named(name).evaluate(labels: labels, predictions: predictions, weights: weights)
}

/// The message of the error `body` throws, or nil if it returns.
func errorMessage(_ body: () throws -> Double) -> String? {
    do {
        _ = try body()
        return nil
    } catch let error as MetricError {
        return error.description
    } catch {
        return "not a MetricError: \(error)"
    }
}

/// Inputs shared with `metrics_expected.py` (beside this file), whose scikit-learn 1.9.1 outputs are
/// embedded in the tests as constants.
enum Fixture {
    static let binaryLabels: [Double] = [0, 0, 1, 1, 0, 1, 0, 1, 1, 0]
    static let binaryScores: [Double] = [0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.2, 0.9, 0.1, 0.65]
    static let binaryWeights: [Double] = [1, 2, 0.5, 1, 3, 1, 0.25, 2, 1, 1.5]

    static let classLabels: [Double] = [0, 2, 1, 2, 0, 1]
    static let classProbabilities: [Double] = [
        0.7, 0.2, 0.1,
        0.1, 0.3, 0.6,
        0.2, 0.5, 0.3,
        0.4, 0.4, 0.2,
        0.5, 0.25, 0.25,
        0.3, 0.3, 0.4,
    ]
    static let classWeights: [Double] = [1, 0.5, 2, 1, 3, 0.75]

    static let regressionLabels: [Double] = [3.0, -0.5, 2.0, 7.0, 4.25, 0.0]
    static let regressionPredictions: [Double] = [2.5, 0.0, 2.0, 8.0, 3.5, 0.1]
    static let regressionWeights: [Double] = [1, 2, 0.5, 1.5, 1, 0.25]

    static let countLabels: [Double] = [1.5, 0.0, 2.0, 4.0, 7.0, 0.0]
    static let countPredictions: [Double] = [1.0, 0.5, 2.5, 3.0, 6.0, 0.2]
}
