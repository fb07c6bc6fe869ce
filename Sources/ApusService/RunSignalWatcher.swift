import ApusStore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// While a run is going, turns SIGINT (Ctrl-C) and SIGTERM into a `killed` run before the
/// process exits with 128 + the signal's number, so an interrupted run is never left
/// `running`. (SIGKILL cannot be caught; `Store.reapAbandonedRuns` finds those runs.)
final class RunSignalWatcher: @unchecked Sendable {
    private let lock = NSLock()
    private var sources: [DispatchSourceSignal] = []
    private var stopped = false

    init(store: any Store, runID: String, meter: RunCostMeter) {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self, self.claim() else { return }
                let name = signalNumber == SIGINT ? "SIGINT" : "SIGTERM"
                try? store.finishRun(runID, status: .killed, message: "interrupted by \(name)", cost: meter.cost(), artifacts: [:])
                FileHandle.standardError.write(Data("\nrun \(runID) killed by \(name)\n".utf8))
                exit(128 + signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Takes the right to end the run: true once, for the first caller.
    private func claim() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if stopped { return false }
        stopped = true
        return true
    }

    /// Stops watching.
    ///
    /// The signals' dispositions are left as they are, not reset to the default: libdispatch
    /// sets up its own handling of a signal once per process, so resetting it would leave
    /// every later signal source deaf — the server `apus quickstart` starts after training
    /// would then die on SIGTERM instead of draining. The cost: a Ctrl-C between the end of a
    /// training and the end of its command is not acted on (commands end right after).
    func stop() {
        guard claim() else { return }
        lock.lock()
        let all = sources
        sources = []
        lock.unlock()
        for source in all { source.cancel() }
    }
}
