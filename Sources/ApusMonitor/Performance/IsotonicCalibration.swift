/// A monotone map from a classifier's probabilities to calibrated probabilities, fitted by
/// isotonic regression on reference data with labels, as scikit-learn's
/// `IsotonicRegression(out_of_bounds="clip")` fits and predicts (NannyML's CBPE calibrator).
///
/// Fit: rows sorted by probability; probabilities closer than 1e-15 to the first of a run are
/// one point (sklearn's `_make_unique`) whose value is its share of positive labels and whose
/// weight is its row count; pool-adjacent-violators makes the values non-decreasing (each pooled
/// block takes the weighted mean of its points); interior points whose value equals both
/// neighbours' are dropped. Predict: the probability is clipped to the fitted range and
/// interpolated linearly between the two surrounding points (scipy's `interp1d`).
public struct IsotonicCalibration: Sendable, Equatable {
    /// The kept breakpoints, ascending (sklearn's `X_thresholds_`).
    public let thresholds: [Double]
    /// The fitted values at `thresholds`, non-decreasing (sklearn's `y_thresholds_`).
    public let values: [Double]

    /// Fits the calibration to reference probabilities and their labels (true = positive).
    /// - Throws: `DriftError.emptyInput`, `.lengthMismatch` naming the arguments, and
    ///   `.invalidProbability` for a NaN or out-of-[0, 1] probability.
    public init(probabilities: [Double], labels: [Bool]) throws(DriftError) {
        if probabilities.isEmpty { throw .emptyInput(argument: "probabilities") }
        if labels.count != probabilities.count {
            throw .lengthMismatch(argument: "labels", count: labels.count, expected: "probabilities", expectedCount: probabilities.count)
        }
        try validateProbabilities(probabilities, argument: "probabilities")
        let order = probabilities.indices.sorted { probabilities[$0] < probabilities[$1] }

        // Unique points: x, share of positives, weight.
        var x = [Double](), y = [Double](), weight = [Double]()
        var currentX = probabilities[order[0]], positives = 0.0, rows = 0.0
        for row in order {
            let value = probabilities[row]
            if value - currentX >= 1e-15 {
                x.append(currentX); y.append(positives / rows); weight.append(rows)
                currentX = value; positives = 0; rows = 0
            }
            rows += 1
            if labels[row] { positives += 1 }
        }
        x.append(currentX); y.append(positives / rows); weight.append(rows)

        let fitted = Self.poolAdjacentViolators(y, weights: weight)
        var keptX = [Double](), keptY = [Double]()
        for i in fitted.indices {
            let interior = i > 0 && i < fitted.count - 1
            if interior && fitted[i] == fitted[i - 1] && fitted[i] == fitted[i + 1] { continue }
            keptX.append(x[i]); keptY.append(fitted[i])
        }
        thresholds = keptX
        values = keptY
    }

    /// A calibration fitted before (restored from a stored reference profile).
    /// - Throws: `DriftError.invalidParameter` unless both have the same, non-zero length, the
    ///   breakpoints ascend and the values are non-decreasing probabilities.
    public init(thresholds: [Double], values: [Double]) throws(DriftError) {
        guard !thresholds.isEmpty, thresholds.count == values.count else {
            throw .invalidParameter(name: "calibration breakpoints", value: Double(thresholds.count))
        }
        for i in thresholds.indices {
            guard thresholds[i].isFinite, values[i] >= 0, values[i] <= 1 else {
                throw .invalidParameter(name: "calibration breakpoint \(i)", value: thresholds[i])
            }
            if i > 0 && !(thresholds[i] > thresholds[i - 1] && values[i] >= values[i - 1]) {
                throw .invalidParameter(name: "calibration breakpoint \(i)", value: thresholds[i])
            }
        }
        self.thresholds = thresholds
        self.values = values
    }

    /// The calibrated probability of `probability`: clipped to the fitted range, then linear
    /// interpolation between breakpoints; NaN stays NaN.
    public func callAsFunction(_ probability: Double) -> Double {
        if probability.isNaN { return .nan }
        let count = thresholds.count
        if count == 1 { return values[0] }
        let t = min(max(probability, thresholds[0]), thresholds[count - 1])
        // searchsorted(side="left"), clipped to 1...count − 1.
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if thresholds[middle] < t { low = middle + 1 } else { high = middle }
        }
        let hi = min(max(low, 1), count - 1), lo = hi - 1
        let slope = (values[hi] - values[lo]) / (thresholds[hi] - thresholds[lo])
        return slope * (t - thresholds[lo]) + values[lo]
    }

    /// Calibrates every probability.
    public func callAsFunction(_ probabilities: [Double]) -> [Double] {
        probabilities.map { self($0) }
    }

    /// Weighted pool-adjacent-violators: the non-decreasing sequence closest to `y` in weighted
    /// least squares. Each block keeps its weighted sum and weight; its value is their quotient.
    static func poolAdjacentViolators(_ y: [Double], weights: [Double]) -> [Double] {
        var sums = [Double](), totals = [Double](), lengths = [Int]()
        for i in y.indices {
            var sum = y[i] * weights[i], total = weights[i], length = 1
            while let last = sums.last, let lastTotal = totals.last, last / lastTotal >= sum / total {
                sum += last; total += lastTotal; length += lengths[lengths.count - 1]
                sums.removeLast(); totals.removeLast(); lengths.removeLast()
            }
            sums.append(sum); totals.append(total); lengths.append(length)
        }
        var result = [Double]()
        result.reserveCapacity(y.count)
        for block in sums.indices {
            result.append(contentsOf: repeatElement(sums[block] / totals[block], count: lengths[block]))
        }
        return result
    }
}

/// Throws `.invalidProbability` for the first NaN or out-of-[0, 1] value.
func validateProbabilities(_ probabilities: [Double], argument: String) throws(DriftError) {
    for (index, p) in probabilities.enumerated() where !(p >= 0 && p <= 1) {
        throw .invalidProbability(argument: argument, index: index, value: p)
    }
}
