import Foundation
import Testing
@testable import ApusStore

/// What several threads hand back: ids made and errors met.
private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var runs: [String] = []
    private(set) var errors: [String] = []
    private(set) var refusals = 0

    func add(run: String) { lock.withLock { runs.append(run) } }
    func add(error: Error) { lock.withLock { errors.append("\(error)") } }
    func refused() { lock.withLock { refusals += 1 } }
}

@Suite struct StoreConcurrencyTests {
    @Test func twoStoresOnOneFolderWritingFromManyThreadsKeepOneUnbrokenTrail() throws {
        let temporary = try TemporaryStore(actor: "first")
        let second = try SQLiteStore(directory: temporary.directory, actor: "second", apusVersion: "0.0.test")
        for version in 1...3 { try temporary.register("churn", "model \(version)") }
        let stores: [SQLiteStore] = [temporary.store, second]
        let origin = temporary.origin()
        let collected = Collected()
        let iterations = 12

        DispatchQueue.concurrentPerform(iterations: iterations) { index in
            let store = stores[index % 2]
            do {
                let id = try store.startRun(RunStart(experiment: "exp", kind: "train", parameters: ["i": String(index)], origin: origin))
                try store.logMetrics((0..<5).map { MetricPoint(key: "loss", value: 1 / Double($0 + 1), step: $0) }, run: id)
                try store.setTags(["thread": String(index)], run: id)
                _ = try store.setAlias(model: "churn", alias: "slot\(index)", version: index % 3 + 1, reason: "thread \(index)")
                try store.finishRun(id, status: .finished, message: nil, cost: nil, artifacts: [:])
                collected.add(run: id)
            } catch {
                collected.add(error: error)
            }
        }

        #expect(collected.errors == [])
        #expect(Set(collected.runs).count == iterations)
        for (index, id) in collected.runs.enumerated() {
            let run = try second.run(id)
            #expect(run.status == .finished && run.metrics == ["loss": 0.2], "run \(index)")
            #expect(run.tags["thread"] == run.parameters["i"])
            #expect(try temporary.store.metricHistory(run: id, key: "loss").count == 5)
        }
        #expect(try temporary.store.runs(RunQuery(limit: 100)).count == iterations)
        #expect(try second.model("churn").aliases.count == iterations)

        let check = try temporary.store.verifyAudit(publicKey: nil)
        #expect(check.isIntact, "\(check.problem ?? "")")
        let events = try second.auditEvents(model: nil, limit: nil)
        // Created, model created, 3 versions; then per thread a start, an alias move and a finish.
        #expect(events.count == 5 + 3 * iterations)
        #expect(events.map(\.sequence) == Array(1...events.count))
        #expect(check.rows == events.count && check.headHash == events.last?.hash)
        #expect(Set(events.dropFirst(5).map(\.actor)) == ["first", "second"])
    }

    @Test func concurrentMovesOfOneAliasEachSeeThePreviousOne() throws {
        let temporary = try TemporaryStore(actor: "first")
        let second = try SQLiteStore(directory: temporary.directory, actor: "second", apusVersion: "0.0.test")
        for version in 1...4 { try temporary.register("churn", "model \(version)") }
        let stores: [SQLiteStore] = [temporary.store, second]
        let collected = Collected()

        DispatchQueue.concurrentPerform(iterations: 16) { index in
            do {
                _ = try stores[index % 2].setAlias(model: "churn", alias: "champion", version: index % 4 + 1, reason: "move \(index)")
            } catch let error as StoreError where error.description.hasPrefix("churn@champion already points at version") {
                collected.refused()
            } catch {
                collected.add(error: error)
            }
        }

        #expect(collected.errors == [])
        let history = try temporary.store.aliasHistory(model: "churn", alias: "champion")
        #expect(history.count + collected.refusals == 16)
        #expect(history.first?.previousVersion == nil)
        // Each move starts where the one before it left the alias.
        for (before, after) in zip(history, history.dropFirst()) {
            #expect(after.previousVersion == before.version)
            #expect(after.version != before.version)
        }
        #expect(try second.resolve(model: "churn", alias: "champion").version == history.last?.version)
        let events = try temporary.store.auditEvents(model: nil, limit: nil)
        #expect(events.filter { $0.event == "refused" }.count == collected.refusals)
        #expect(events.map(\.sequence) == Array(1...events.count))
        #expect(try second.verifyAudit(publicKey: nil).isIntact)
    }

    @Test func twoStoresOpeningANewFolderAtOnceBothWork() throws {
        let directory = NSTemporaryDirectory() + "apus-store-test-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let collected = Collected()
        let opened = OpenedStores()
        DispatchQueue.concurrentPerform(iterations: 4) { index in
            do {
                let store = try SQLiteStore(directory: directory, actor: "opener\(index)", apusVersion: "0.0.test")
                try store.recordEvent(.modelLoaded, model: nil, runID: nil, details: ["by": String(index)])
                opened.add(store)
            } catch {
                collected.add(error: error)
            }
        }
        #expect(collected.errors == [])
        let store = try SQLiteStore(directory: directory, actor: "checker", apusVersion: "0.0.test")
        let events = try store.auditEvents(model: nil, limit: nil)
        // One store_created (one migration ran), then the four events.
        #expect(events.map(\.event) == ["store_created"] + Array(repeating: "model_loaded", count: 4))
        #expect(try store.verifyAudit(publicKey: nil).isIntact)
        #expect(try store.schemaVersion() == StoreSchema.currentVersion)
        #expect(opened.count == 4)
    }
}

/// Keeps stores opened on other threads alive until the test ends.
private final class OpenedStores: @unchecked Sendable {
    private let lock = NSLock()
    private var stores: [SQLiteStore] = []
    func add(_ store: SQLiteStore) { lock.withLock { stores.append(store) } }
    var count: Int { lock.withLock { stores.count } }
}
