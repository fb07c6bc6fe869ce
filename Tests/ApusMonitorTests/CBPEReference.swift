import Foundation

/// scikit-learn's isotonic fits (cbpe_reference.py, run by python3) and NannyML's CBPE estimators
/// (nannyml_reference.py, run only when APUS_NANNYML_PYTHON names a Python with nannyml installed).
enum CBPEReference {
    typealias Failure = ReferenceScript.Failure

    static let sklearn: Result<String, Failure> = run("cbpe_reference.py", python: "python3", needs: "numpy scikit-learn")
    static let nannyml: Result<String, Failure> = {
        guard let python = nannymlPython else { return .failure(Failure(description: "APUS_NANNYML_PYTHON is not set")) }
        return run("nannyml_reference.py", python: python, needs: "nannyml")
    }()

    /// The Python with nannyml, from the environment (e.g. /tmp/nanny/bin/python).
    static var nannymlPython: String? { ProcessInfo.processInfo.environment["APUS_NANNYML_PYTHON"] }

    static func run(_ scriptName: String, python: String, needs: String) -> Result<String, Failure> {
        ReferenceScript.run(scriptName, python: python, needs: needs)
    }

    /// A case file: each line is a name followed by numbers.
    static func values(_ directory: Result<String, Failure>, _ file: String) throws -> [String: [Double]] {
        try ReferenceScript.values(in: directory, file)
    }
}

/// SplitMix64: a small seeded generator for the simulation tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }
}
