import ApusModel
import ApusTable
import ApusTrain
import Foundation

/// The shared credit data (../shared/bench/datasets.py) written once per test process by
/// monitor_reference.py, with scipy's statistics, and a model trained on the reference rows.
enum MonitorCreditData {
    struct Failure: Error, CustomStringConvertible { let description: String }

    /// Where datasets.py is: $APUS_SHARED_BENCH, ../shared/bench beside the repository, or /work/shared/bench.
    static let datasetsScript: String? = {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var candidates: [String] = []
        if let folder = ProcessInfo.processInfo.environment["APUS_SHARED_BENCH"] { candidates.append(folder + "/datasets.py") }
        candidates.append(repository.deletingLastPathComponent().appendingPathComponent("shared/bench/datasets.py").path)
        candidates.append("/work/shared/bench/datasets.py")
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }()

    /// True when the shared generator is on this machine (the tests that need it run only then).
    static var available: Bool { datasetsScript != nil }

    /// The directory monitor_reference.py wrote, or why it could not run.
    static let directory: Result<String, Failure> = {
        guard let datasets = datasetsScript else { return .failure(Failure(description: "datasets.py not found")) }
        let directory = NSTemporaryDirectory() + "apus-monitor-\(UUID().uuidString)"
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("monitor_reference.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, directory, datasets]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        do { try process.run() } catch { return .failure(Failure(description: "python3: \(error)")) }
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            return .failure(Failure(description: "monitor_reference.py failed (pip install numpy scipy pandas): \(printed.prefix(2000))"))
        }
        return .success(directory)
    }()

    /// A file of the directory.
    static func path(_ name: String) throws -> String { try directory.get() + "/" + name }

    /// scipy's statistics per feature, for reference.csv against shifted.csv.
    static func expected() throws -> [String: [String: Double]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: try path("expected.json")))
        return try JSONDecoder().decode([String: [String: Double]].self, from: data)
    }

    /// A small model trained on reference.csv, saved beside it (once per process).
    static let modelPath: Result<String, Failure> = {
        do {
            let table = try CSVReader.read(path: try path("reference.csv")).table
            let data = try TrainingData(table: table, target: "default")
            var parameters = GBDTParameters()
            parameters.numIterations = 20
            parameters.numLeaves = 8
            let model = try GBDTTrainer(parameters: parameters).train(data)
            let path = try path("credit.apus")
            try ModelFile.write(model, to: path)
            return .success(path)
        } catch {
            return .failure(Failure(description: "training the credit model: \(error)"))
        }
    }()
}
