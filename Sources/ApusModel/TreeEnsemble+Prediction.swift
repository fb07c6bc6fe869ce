import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

extension TreeEnsemble {
    /// Raw scores (`rows × scoresPerRow`, row-major) of a feature matrix.
    ///
    /// - Parameters:
    ///   - features: `rows × featureKinds.count` values, row-major (see ``FeatureSchema``).
    ///   - rounds: Use only the first `rounds` rounds (nil: all).
    ///   - threads: Threads to use; 0 means one per processor. Each row's result is the
    ///     same whatever the count.
    /// - Throws: ``ModelError/shapeMismatch(expected:found:)`` if `features` does not
    ///   hold whole rows.
    public func rawScores(features: [Double], rounds: Int? = nil, threads: Int = 0) throws(ModelError) -> [Double] {
        let featureCount = featureKinds.count
        guard featureCount > 0 ? features.count % featureCount == 0 : features.isEmpty else {
            throw .shapeMismatch(expected: "rows of \(featureCount) features", found: "\(features.count) values")
        }
        let rows = featureCount > 0 ? features.count / featureCount : 0
        var scores = [Double](repeating: 0, count: rows * scoresPerRow)
        features.withUnsafeBufferPointer { features in
            scores.withUnsafeMutableBufferPointer { scores in
                rawScores(features: features, rows: rows, rounds: rounds, threads: threads, into: scores)
            }
        }
        return scores
    }

    /// Predictions of a feature matrix: probabilities (`rows`, positive class) for
    /// binary, `rows × classes` probabilities for multiclass, values for regression.
    public func predict(features: [Double], rounds: Int? = nil, threads: Int = 0) throws(ModelError) -> [Double] {
        var scores = try rawScores(features: features, rounds: rounds, threads: threads)
        scores.withUnsafeMutableBufferPointer { link.apply($0, scoresPerRow: scoresPerRow) }
        return scores
    }

    /// Writes the raw scores of `rows` feature-matrix rows into `scores`
    /// (`rows × scoresPerRow`), without allocating per row.
    ///
    /// - Precondition: `features` holds `rows × featureKinds.count` values and `scores`
    ///   room for `rows × scoresPerRow`.
    public func rawScores(
        features: UnsafeBufferPointer<Double>, rows: Int, rounds: Int? = nil, threads: Int = 0,
        into scores: UnsafeMutableBufferPointer<Double>
    ) {
        precondition(features.count >= rows * featureKinds.count && scores.count >= rows * scoresPerRow)
        guard rows > 0 else { return }
        let k = scoresPerRow
        for row in 0..<rows {
            for score in 0..<k { scores[row * k + score] = baseScore[score] }
        }
        let treeLimit = min(max(rounds ?? self.rounds, 0), self.rounds) * k
        let featureCount = featureKinds.count
        let threadCount = max(1, min(threads > 0 ? threads : processorCount(), rows / 256))
        let forest = self.forest
        let input = SendablePointer(features.baseAddress ?? UnsafePointer(bitPattern: 8)!)
        let output = SendableMutablePointer(scores.baseAddress!)
        let chunk = (rows + threadCount - 1) / threadCount
        DispatchQueue.concurrentPerform(iterations: threadCount) { part in
            let start = part * chunk
            let end = min(rows, start + chunk)
            guard start < end else { return }
            forest.accumulate(
                features: input.pointer + start * featureCount, featureCount: featureCount, rows: end - start,
                scores: output.pointer + start * k, scoresPerRow: k, treeLimit: treeLimit)
        }
    }

    /// The raw scores of one feature-matrix row.
    public func rawScores(row: [Double]) throws(ModelError) -> [Double] {
        guard row.count == featureKinds.count else {
            throw .shapeMismatch(expected: "\(featureKinds.count) features", found: "\(row.count)")
        }
        return try rawScores(features: row, threads: 1)
    }
}

/// The number of processors online.
public func processorCount() -> Int {
    max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}

struct SendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafePointer<T>
    init(_ pointer: UnsafePointer<T>) { self.pointer = pointer }
}

struct SendableMutablePointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}
