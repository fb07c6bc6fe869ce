/// Binary rows sorted by score, highest first, for the curve metrics (ROC AUC, average
/// precision): one allocation and one sort, then a linear walk over distinct thresholds.
struct RankedScores {
    /// A row's score and its weight as a positive or as a negative (one of them is 0).
    struct Row {
        var score: Double
        var positive: Double
        var negative: Double
    }

    private var rows: [Row]
    /// The total weight of the positives and of the negatives.
    private(set) var positives = 0.0
    private(set) var negatives = 0.0

    /// Sorts the rows of `input`, whose labels must be 0 or 1.
    ///
    /// - Complexity: O(n log n) time, O(n) memory.
    init(_ input: MetricInput) {
        let count = input.labels.count
        rows = Array(unsafeUninitializedCapacity: count) { buffer, initialized in
            for row in 0..<count {
                let weight = input.weight(row)
                let isPositive = input.labels[row] == 1
                buffer.initializeElement(
                    at: row,
                    to: Row(score: input.predictions[row],
                            positive: isPositive ? weight : 0, negative: isPositive ? 0 : weight))
            }
            initialized = count
        }
        rows.sort { $0.score > $1.score }
        for row in rows {
            positives += row.positive
            negatives += row.negative
        }
    }

    /// Calls `body(truePositives, falsePositives)` with the cumulative weights at each
    /// distinct score, from the highest down (rows of equal score form one threshold).
    @inline(__always)
    func forEachThreshold(_ body: (Double, Double) -> Void) {
        rows.withUnsafeBufferPointer { rows in
            var truePositives = 0.0
            var falsePositives = 0.0
            var index = 0
            while index < rows.count {
                let score = rows[index].score
                repeat {
                    truePositives += rows[index].positive
                    falsePositives += rows[index].negative
                    index += 1
                } while index < rows.count && rows[index].score == score
                body(truePositives, falsePositives)
            }
        }
    }
}
