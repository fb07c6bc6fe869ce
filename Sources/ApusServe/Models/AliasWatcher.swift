import ServiceLifecycle
import Synchronization

/// The service that follows aliases: every `--alias-poll-ms` it asks the pool to check
/// where each served alias points and swap in versions that moved.
struct AliasWatcher: Service {
    let pool: ModelPool
    let interval: Duration

    func run() async throws {
        let stopping = Atomic<Bool>(false)
        await withGracefulShutdownHandler {
            while !stopping.load(ordering: .relaxed) && !Task.isCancelled {
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
                // Not once more after shutdown began: no model is loaded while stopping.
                guard !stopping.load(ordering: .relaxed) && !Task.isCancelled else { break }
                await pool.refreshAliases()
            }
        } onGracefulShutdown: {
            stopping.store(true, ordering: .relaxed)
        }
    }
}
