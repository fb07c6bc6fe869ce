import ApusModel
import Synchronization

/// When to gather concurrent small requests into one prediction pass.
public struct BatchingPolicy: Sendable, Equatable {
    /// The most rows one pass predicts (`--max-batch-size`).
    public var maxBatchSize: Int
    /// The longest a request waits for others to join its batch (`--max-batch-delay-ms`).
    public var maxDelay: Duration
    /// Requests with more rows than this skip the batcher (they are a batch already).
    public var maxRowsPerRequest: Int

    /// A policy; see the properties.
    public init(maxBatchSize: Int, maxDelay: Duration, maxRowsPerRequest: Int = 8) {
        self.maxBatchSize = maxBatchSize
        self.maxDelay = maxDelay
        self.maxRowsPerRequest = maxRowsPerRequest
    }
}

/// Gathers the rows of concurrent small requests to one model version into one prediction
/// pass over the trees.
///
/// The first request to arrive opens a batch and schedules it to run after
/// ``BatchingPolicy/maxDelay``; requests arriving meanwhile join it; a batch that reaches
/// ``BatchingPolicy/maxBatchSize`` rows runs at once on the task that filled it. Each
/// request gets exactly its own rows' scores, in order; a row's score does not depend on the
/// batch it ran in (trees are summed per row in the same order either way).
final class AdaptiveBatcher: Sendable {
    let policy: BatchingPolicy
    private let ensemble: TreeEnsemble
    private let metrics: ServerMetrics
    private let state = Mutex(Pending())

    private struct Waiter {
        var rowStart: Int
        var rows: Int
        var continuation: CheckedContinuation<[Double], Never>
    }

    private struct Pending {
        var features: [Double] = []
        var rows = 0
        var waiters: [Waiter] = []
        /// Bumped each time a batch is taken, so a late timer does not run a newer batch early.
        var generation = 0
        var timerArmed = false
    }

    init(ensemble: TreeEnsemble, policy: BatchingPolicy, metrics: ServerMetrics) {
        self.ensemble = ensemble
        self.policy = policy
        self.metrics = metrics
    }

    /// The raw scores of `rows` rows, computed in a batch with other requests' rows.
    func rawScores(features: [Double], rows: Int) async -> [Double] {
        await withCheckedContinuation { (continuation: CheckedContinuation<[Double], Never>) in
            let (full, armTimer, generation) = state.withLock { pending -> (Pending?, Bool, Int) in
                pending.waiters.append(Waiter(rowStart: pending.rows, rows: rows, continuation: continuation))
                pending.features.append(contentsOf: features)
                pending.rows += rows
                if pending.rows >= policy.maxBatchSize {
                    let batch = pending
                    pending = Pending(generation: pending.generation + 1)
                    return (batch, false, 0)
                }
                if !pending.timerArmed {
                    pending.timerArmed = true
                    return (nil, true, pending.generation)
                }
                return (nil, false, 0)
            }
            if let full {
                run(full)
            } else if armTimer {
                let delay = policy.maxDelay
                Task {
                    try? await Task.sleep(for: delay)
                    self.flush(generation: generation)
                }
            }
        }
    }

    private func flush(generation: Int) {
        let batch = state.withLock { pending -> Pending? in
            guard pending.generation == generation, !pending.waiters.isEmpty else { return nil }
            let batch = pending
            pending = Pending(generation: pending.generation + 1)
            return batch
        }
        if let batch { run(batch) }
    }

    private func run(_ batch: Pending) {
        let k = ensemble.scoresPerRow
        var scores = [Double](repeating: 0, count: batch.rows * k)
        batch.features.withUnsafeBufferPointer { features in
            scores.withUnsafeMutableBufferPointer { scores in
                ensemble.rawScores(features: features, rows: batch.rows, threads: 1, into: scores)
            }
        }
        metrics.batchSizes.record(Double(batch.rows))
        for waiter in batch.waiters {
            waiter.continuation.resume(returning: Array(scores[waiter.rowStart * k..<(waiter.rowStart + waiter.rows) * k]))
        }
    }
}
