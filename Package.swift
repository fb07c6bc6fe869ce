// swift-tools-version: 6.0
import PackageDescription

// The module map follows ../shared/DESIGN.md. A module appears when the first issue
// that needs it lands; each keeps its dependencies to what it uses.
let package = Package(
    name: "Apus",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "ApusModel", targets: ["ApusModel"]),
        .library(name: "ApusTable", targets: ["ApusTable"]),
        .library(name: "ApusService", targets: ["ApusService"]),
        .executable(name: "apus", targets: ["apus"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // Columnar table, CSV reader/writer, schema inference, statistics, splits,
        // fingerprints, synthetic scenarios. Standard library only (no Foundation: it
        // costs every process that links it about 8 MB of memory).
        .target(name: "ApusTable"),
        // The inference runtime: feature schema and encoding, tree ensembles, prediction,
        // the model file. Standard library and Foundation only, so it fits an app or a device.
        .target(name: "ApusModel"),
        // The services every front end calls (for now: inspecting a data file, JSON).
        .target(name: "ApusService", dependencies: ["ApusTable", "ApusModel", "ApusTrain"]),
        // One inline C function: a cache prefetch for the histogram loop (Swift has none).
        .target(name: "CPrefetch"),
        // Learners (the histogram GBDT), objectives, evaluation metrics, cross-validation.
        .target(name: "ApusTrain", dependencies: ["ApusTable", "ApusModel", "CPrefetch"]),
        // The command-line tool: a thin shell over the libraries.
        .executableTarget(
            name: "apus",
            dependencies: [
                "ApusTable",
                "ApusModel",
                "ApusTrain",
                "ApusService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmarks (release builds, run by bench/*.py against the Python anchors).
        .executableTarget(name: "apus-bench", dependencies: ["ApusTable", "ApusModel", "ApusTrain"], path: "bench/Sources/ApusBench"),
        .testTarget(name: "ApusTableTests", dependencies: ["ApusTable"]),
        .testTarget(name: "ApusModelTests", dependencies: ["ApusModel"]),
        .testTarget(name: "ApusServiceTests", dependencies: ["ApusService", "ApusTable"]),
        // metrics_expected.py computed the scikit-learn values the tests embed.
        .testTarget(name: "ApusTrainTests", dependencies: ["ApusTrain", "ApusModel", "ApusTable"], exclude: ["metrics_expected.py"]),
        // Drives the real `apus` binary end to end.
        .testTarget(name: "ApusCLITests", dependencies: ["apus", "ApusTable", "ApusModel"], exclude: ["HelpSnapshots"]),
    ],
    swiftLanguageModes: [.v6]
)
