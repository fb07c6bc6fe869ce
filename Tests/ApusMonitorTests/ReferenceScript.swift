import Foundation

/// Runs a Python script that sits beside these tests; the script writes its reference values
/// (scipy's, fairlearn's, scikit-learn's) into a fresh directory given as its argument.
enum ReferenceScript {
    struct Failure: Error, CustomStringConvertible { let description: String }

    /// The directory `scriptName` wrote, or why it could not run (`needs`: what to pip install).
    static func run(_ scriptName: String, python: String = "python3", needs: String) -> Result<String, Failure> {
        let directory = NSTemporaryDirectory() + "apus-\(scriptName.prefix { $0 != "." })-\(UUID().uuidString)"
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(scriptName).path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script, directory]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        do { try process.run() } catch { return .failure(Failure(description: "\(python): \(error)")) }
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            return .failure(Failure(description: "\(scriptName) failed (pip install \(needs)): \(printed.prefix(2000))"))
        }
        return .success(directory)
    }

    /// A case file of `directory`: each line is a name followed by numbers.
    static func values(in directory: Result<String, Failure>, _ file: String) throws -> [String: [Double]] {
        let text = try String(contentsOfFile: try directory.get() + "/" + file, encoding: .utf8)
        var result: [String: [Double]] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard let name = fields.first else { continue }
            result[String(name)] = fields.dropFirst().map { Double(String($0)) ?? .nan }
        }
        return result
    }
}
