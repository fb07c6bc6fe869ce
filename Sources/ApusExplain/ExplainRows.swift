import ApusModel
import Dispatch

/// The common frame of every per-row explainer: checks that `features` holds whole rows of
/// `featureCount` values, makes `valuesPerRow` zeros per row, and has `body` fill them over
/// contiguous ranges of rows, one range per thread (`threads`; 0: one per processor).
///
/// `body` gets the rows' input and the whole output and writes only its own rows' values;
/// each row's values are computed alone, so they do not depend on the thread count.
///
/// - Throws: ``ExplainError`` if `features` does not hold whole rows.
func explainRows(
    features: [Double], featureCount: Int, valuesPerRow: Int, threads: Int,
    _ body: @Sendable (_ rows: Range<Int>, _ input: UnsafePointer<Double>, _ output: UnsafeMutablePointer<Double>) -> Void
) throws(ExplainError) -> [Double] {
    guard featureCount > 0 ? features.count % featureCount == 0 : features.isEmpty else {
        throw ExplainError("\(features.count) values are not whole rows of \(featureCount) features")
    }
    let rows = featureCount > 0 ? features.count / featureCount : 0
    var output = [Double](repeating: 0, count: rows * valuesPerRow)
    guard rows > 0 else { return output }
    let workers = max(1, min(threads > 0 ? threads : processorCount(), rows))
    let chunk = (rows + workers - 1) / workers
    features.withUnsafeBufferPointer { input in
        output.withUnsafeMutableBufferPointer { out in
            let share = RowBuffers(input: input.baseAddress!, output: out.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let start = worker * chunk, end = min(rows, start + chunk)
                guard start < end else { return }
                body(start..<end, share.input, share.output)
            }
        }
    }
    return output
}

/// Pointers handed to the worker threads; each worker writes only its own rows.
private struct RowBuffers: @unchecked Sendable {
    let input: UnsafePointer<Double>
    let output: UnsafeMutablePointer<Double>
}
