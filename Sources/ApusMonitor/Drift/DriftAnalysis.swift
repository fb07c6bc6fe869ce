import Dispatch

/// One feature's two samples.
public struct DriftFeatureInput: Sendable {
    public var name: String
    public var reference: DriftInput
    public var current: DriftInput

    /// A feature's samples; see the properties.
    public init(name: String, reference: DriftInput, current: DriftInput) {
        self.name = name
        self.reference = reference
        self.current = current
    }
}

/// The drift of a whole dataset: each feature's verdict and the share that drifted.
public struct DatasetDrift: Sendable, Equatable {
    /// Each feature's verdict, in the order given.
    public var features: [FeatureDrift]
    /// Features compared (those with a test).
    public var compared: Int
    /// Features that drifted.
    public var drifted: Int
    /// drifted ÷ compared (0 when nothing was compared).
    public var share: Double
    /// The share at or above which the dataset drifted.
    public var shareThreshold: Double
    /// The significance level each feature's p-value was compared with (α after correction).
    public var featureAlpha: Double
    /// True when `share` reached `shareThreshold`.
    public var datasetDrifted: Bool

    /// The verdicts of `features`, in order.
    public init(features: [FeatureDrift], options: DriftOptions, featureAlpha: Double) {
        self.features = features
        compared = features.filter { $0.test != nil }.count
        drifted = features.filter(\.drifted).count
        share = compared == 0 ? 0 : Double(drifted) / Double(compared)
        shareThreshold = options.driftShare
        self.featureAlpha = featureAlpha
        datasetDrifted = compared > 0 && share >= options.driftShare
    }
}

/// Compares the reference and current samples of many features, exactly (both samples at hand).
public enum DriftAnalysis {
    /// The significance level for each of `count` features under `options`' correction.
    public static func featureAlpha(features count: Int, options: DriftOptions) -> Double {
        options.correction == .bonferroni && count > 1 ? options.alpha / Double(count) : options.alpha
    }

    /// Every feature's verdict and the dataset's: features run in parallel (each sorts its two
    /// samples once and computes all its statistics from them); the result does not depend on
    /// the scheduling. The options are checked first.
    public static func compare(_ inputs: [DriftFeatureInput], options: DriftOptions = DriftOptions()) throws(DriftError) -> DatasetDrift {
        try options.validate()
        let alpha = featureAlpha(features: inputs.count, options: options)
        var results = [FeatureDrift?](repeating: nil, count: inputs.count)
        results.withUnsafeMutableBufferPointer { buffer in
            let slots = Slots(base: buffer.baseAddress)
            DispatchQueue.concurrentPerform(iterations: inputs.count) { index in
                let input = inputs[index]
                slots.base![index] = ColumnComparison.compare(
                    name: input.name, reference: input.reference, current: input.current, options: options, alpha: alpha)
            }
        }
        return DatasetDrift(features: results.map { $0! }, options: options, featureAlpha: alpha)
    }

    /// One comparison at the uncorrected α (the predictions, or a single feature).
    public static func compare(name: String, reference: DriftInput, current: DriftInput,
                               options: DriftOptions = DriftOptions()) throws(DriftError) -> FeatureDrift {
        try options.validate()
        return ColumnComparison.compare(name: name, reference: reference, current: current, options: options, alpha: options.alpha)
    }

    private struct Slots: @unchecked Sendable {
        let base: UnsafeMutablePointer<FeatureDrift?>?
    }
}
