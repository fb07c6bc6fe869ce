/// One worker's buffers for KernelSHAP: the synthetic rows of a batch of coalitions (each
/// coalition is the background with the coalition's features set to the row's values) and
/// the model's outputs for them. Made once per worker and reused for all its rows.
struct KernelSHAPScratch {
    private let function: PredictionFunction
    private let background: [Double]
    private let backgroundRows: Int
    /// Coalitions evaluated per model call: about 8,192 synthetic rows per call.
    private let batch: Int
    private var synthetic: [Double]
    private var outputs: [Double]

    init(explainer: KernelSHAP) {
        function = explainer.function
        background = explainer.background
        backgroundRows = explainer.backgroundRows
        batch = max(1, 8192 / explainer.backgroundRows)
        synthetic = []
        outputs = []
    }

    /// Per coalition, the mean output over the background: `count × outputs`, row-major.
    mutating func coalitionMeans(
        _ coalitions: KernelSHAPCoalitions, row x: UnsafeBufferPointer<Double>, varying: [Int]
    ) throws(ExplainError) -> [Double] {
        let features = function.featureCount, outputCount = function.outputCount
        let rowsPerBatch = min(batch, coalitions.count) * backgroundRows
        if synthetic.count < rowsPerBatch * features {
            synthetic = [Double](repeating: 0, count: rowsPerBatch * features)
            outputs = [Double](repeating: 0, count: rowsPerBatch * outputCount)
        }
        var means = [Double](repeating: 0, count: coalitions.count * outputCount)
        let scale = 1 / Double(backgroundRows)
        var start = 0
        while start < coalitions.count {
            let end = min(coalitions.count, start + batch)
            let rows = (end - start) * backgroundRows
            synthetic.withUnsafeMutableBufferPointer { synthetic in
                background.withUnsafeBufferPointer { background in
                    for c in start..<end {
                        let base = (c - start) * backgroundRows * features
                        let copy = UnsafeMutableBufferPointer(rebasing: synthetic[base..<base + backgroundRows * features])
                        _ = copy.update(fromContentsOf: background)
                        for (player, feature) in varying.enumerated() where coalitions.masks[c * varying.count + player] != 0 {
                            let value = x[feature]
                            for row in 0..<backgroundRows { copy[row * features + feature] = value }
                        }
                    }
                }
            }
            try synthetic.withUnsafeBufferPointer { (input) throws(ExplainError) in
                try outputs.withUnsafeMutableBufferPointer { (out) throws(ExplainError) in
                    try function.evaluate(UnsafeBufferPointer(rebasing: input[0..<rows * features]), rows: rows, into: out)
                }
            }
            for c in start..<end {
                for d in 0..<outputCount {
                    var sum = 0.0
                    let base = (c - start) * backgroundRows
                    for row in 0..<backgroundRows { sum += outputs[(base + row) * outputCount + d] }
                    means[c * outputCount + d] = sum * scale
                }
            }
            start = end
        }
        return means
    }
}
