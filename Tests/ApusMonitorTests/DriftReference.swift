import Foundation

/// scipy's values, written once per test process by drift_reference.py beside this file.
enum DriftReference {
    struct Failure: Error, CustomStringConvertible { let description: String }

    /// The directory drift_reference.py wrote, or why it could not run.
    static let directory: Result<String, Failure> = {
        let directory = NSTemporaryDirectory() + "apus-drift-\(UUID().uuidString)"
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("drift_reference.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, directory]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        do { try process.run() } catch { return .failure(Failure(description: "python3: \(error)")) }
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            return .failure(Failure(description: "drift_reference.py failed (pip install numpy scipy): \(printed.prefix(2000))"))
        }
        return .success(directory)
    }()

    /// A case file: each line is a name followed by numbers.
    static func values(_ file: String) throws -> [String: [Double]] {
        let text = try String(contentsOfFile: try directory.get() + "/" + file, encoding: .utf8)
        var result: [String: [Double]] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard let name = fields.first else { continue }
            result[String(name)] = fields.dropFirst().map { Double(String($0)) ?? .nan }
        }
        return result
    }

    /// A grid file: each line is numbers.
    static func rows(_ file: String) throws -> [[Double]] {
        let text = try String(contentsOfFile: try directory.get() + "/" + file, encoding: .utf8)
        return text.split(separator: "\n").map { $0.split(separator: " ").map { Double(String($0)) ?? .nan } }
    }

    /// |actual − expected| within `relative` of |expected|, or within `absolute`.
    static func close(_ actual: Double, _ expected: Double, relative: Double, absolute: Double = 0) -> Bool {
        if actual == expected { return true }
        return abs(actual - expected) <= max(relative * abs(expected), absolute)
    }
}
