import ApusFormats
import Foundation

/// Runs the programs the tests need (Python reference scripts, gcc, compiled drivers).
enum TestProcess {
    /// Runs `executable` with `arguments` in `directory`; returns what it printed (standard
    /// output and error together).
    ///
    /// - Throws: ``ImportError`` with `failure` and the output when the program fails.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], in directory: String? = nil, failure: String? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let what = failure ?? "\(arguments.prefix(3).joined(separator: " ")) failed (\(process.terminationStatus))"
            throw ImportError("\(what): \(printed.prefix(3000))")
        }
        return printed
    }
}
