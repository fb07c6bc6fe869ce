import Logging
import ServiceLifecycle
import Synchronization

/// The service that writes the prediction log: every flush interval it writes what the
/// queue holds; at graceful shutdown (after the HTTP server has drained its requests) it
/// writes the rest, so no answered request goes unlogged on SIGTERM.
struct PredictionLogWriter: Service {
    let queue: PredictionLogQueue
    let interval: Duration
    let logger: Logger

    func run() async throws {
        let stopping = Atomic<Bool>(false)
        await withGracefulShutdownHandler {
            while !stopping.load(ordering: .relaxed) && !Task.isCancelled {
                // Cut short by graceful shutdown, so stopping never waits out an interval.
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
                await flush()
            }
        } onGracefulShutdown: {
            stopping.store(true, ordering: .relaxed)
        }
        await flush()
        logger.info("prediction log flushed", metadata: ["failed_batches": "\(queue.failedBatches)"])
    }

    private func flush() async {
        do {
            try await queue.flush()
        } catch {
            logger.error("prediction log batch not written; its records are counted as dropped", metadata: ["error": "\(error)"])
        }
    }
}
