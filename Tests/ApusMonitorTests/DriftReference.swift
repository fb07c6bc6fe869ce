import Foundation

/// scipy's values, written once per test process by drift_reference.py beside this file.
enum DriftReference {
    typealias Failure = ReferenceScript.Failure

    /// The directory drift_reference.py wrote, or why it could not run.
    static let directory = ReferenceScript.run("drift_reference.py", needs: "numpy scipy")

    /// A case file: each line is a name followed by numbers.
    static func values(_ file: String) throws -> [String: [Double]] { try ReferenceScript.values(in: directory, file) }

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
