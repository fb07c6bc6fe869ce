#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// One worker's LIME neighbourhood (lime's `__data_inverse`, then the distances, kernel and
/// model outputs): the buffers are made once per worker and refilled for every row.
struct LIMENeighbourhood {
    private let explainer: LIME
    /// `samples × features` interpretable values (1/0 for bins and levels, standardised
    /// values for unbinned numeric features); row 0 is the explained row.
    private(set) var interpretable: [Double]
    /// `samples × features` feature values handed to the model.
    private var raw: [Double]
    private var outputs: [Double]
    /// The model's output explained, per sample.
    private(set) var labels: [Double]
    /// The kernel weight of each sample.
    private(set) var weights: [Double]

    init(explainer: LIME) {
        self.explainer = explainer
        let cells = explainer.options.samples * explainer.function.featureCount
        interpretable = [Double](repeating: 0, count: cells)
        raw = [Double](repeating: 0, count: cells)
        outputs = [Double](repeating: 0, count: explainer.options.samples * explainer.function.outputCount)
        labels = [Double](repeating: 0, count: explainer.options.samples)
        weights = [Double](repeating: 0, count: explainer.options.samples)
    }

    /// Draws the neighbourhood of `x`, evaluates the model on it and weights it.
    mutating func draw(around x: [Double], generator: inout SeededGenerator) throws(ExplainError) -> LIMENeighbourhood {
        let features = explainer.function.featureCount, samples = explainer.options.samples
        for feature in 0..<features {
            let column = explainer.statistics.columns[feature]
            raw[feature] = x[feature]
            if column.binned || column.categorical {
                let own = column.discretize(x[feature])
                interpretable[feature] = 1
                for sample in 1..<samples {
                    let value = column.draw(&generator)
                    interpretable[sample * features + feature] = sameValue(value, own) ? 1 : 0
                    raw[sample * features + feature] = column.binned ? column.undiscretize(value, &generator) : value
                }
            } else {
                interpretable[feature] = (x[feature] - column.mean) / column.deviation
                for sample in 1..<samples {
                    let z = NormalDistribution.sample(&generator)
                    interpretable[sample * features + feature] = z
                    raw[sample * features + feature] = z * column.deviation + column.mean
                }
            }
        }
        let outputCount = explainer.function.outputCount
        try raw.withUnsafeBufferPointer { (input) throws(ExplainError) in
            try outputs.withUnsafeMutableBufferPointer { (out) throws(ExplainError) in
                try explainer.function.evaluate(input, rows: samples, into: out)
            }
        }
        let width = explainer.kernelWidth
        for sample in 0..<samples {
            labels[sample] = outputs[sample * outputCount + explainer.options.output]
            var squared = 0.0
            for feature in 0..<features {
                let difference = interpretable[sample * features + feature] - interpretable[feature]
                squared += difference * difference
            }
            weights[sample] = exp(-squared / (width * width)).squareRoot()
        }
        return self
    }
}
