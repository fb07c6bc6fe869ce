/// The root mean squared error (`rmse`), as scikit-learn's `root_mean_squared_error`:
/// the square root of the weighted mean of (y − ŷ)².
public struct RootMeanSquaredError: InputMetric {
    /// Creates the metric.
    public init() {}

    public var name: String { "rmse" }
    public var isHigherBetter: Bool { false }
    public var tasks: Set<MetricTask> { [.regression] }

    func evaluate(_ input: MetricInput) throws(MetricError) -> Double {
        return input.weightedMean { label, prediction in
            (label - prediction) * (label - prediction)
        }.squareRoot()
    }
}

/// The mean absolute error (`mae`), as scikit-learn's `mean_absolute_error`: the
/// weighted mean of |y − ŷ|.
public struct MeanAbsoluteError: InputMetric {
    /// Creates the metric.
    public init() {}

    public var name: String { "mae" }
    public var isHigherBetter: Bool { false }
    public var tasks: Set<MetricTask> { [.regression] }

    func evaluate(_ input: MetricInput) throws(MetricError) -> Double {
        return input.weightedMean { label, prediction in abs(label - prediction) }
    }
}

/// The mean absolute percentage error (`mape`), as scikit-learn's
/// `mean_absolute_percentage_error`: the weighted mean of |y − ŷ| / max(|y|, ε) with
/// ε = `Double.ulpOfOne`, a fraction (0.1 is 10 %), not a percentage.
///
/// A label of 0 with a wrong prediction gives a huge value, as in scikit-learn.
public struct MeanAbsolutePercentageError: InputMetric {
    /// Creates the metric.
    public init() {}

    public var name: String { "mape" }
    public var isHigherBetter: Bool { false }
    public var tasks: Set<MetricTask> { [.regression] }

    func evaluate(_ input: MetricInput) throws(MetricError) -> Double {
        return input.weightedMean { label, prediction in
            abs(label - prediction) / max(abs(label), Double.ulpOfOne)
        }
    }
}
