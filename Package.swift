// swift-tools-version: 6.0
import PackageDescription

// The module map follows ../shared/DESIGN.md. A module appears when the first issue
// that needs it lands; each keeps its dependencies to what it uses.
let package = Package(
    name: "Apus",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "ApusTable", targets: ["ApusTable"]),
        .executable(name: "apus", targets: ["apus"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // Columnar table, CSV reader/writer, schema inference, statistics, splits,
        // fingerprints, synthetic scenarios. Standard library and Foundation only.
        .target(name: "ApusTable"),
        // The command-line tool: a thin shell over the libraries.
        .executableTarget(
            name: "apus",
            dependencies: [
                "ApusTable",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmarks (release builds, run by bench/*.py against the Python anchors).
        .executableTarget(name: "apus-bench", dependencies: ["ApusTable"], path: "bench/Sources/ApusBench"),
        .testTarget(name: "ApusTableTests", dependencies: ["ApusTable"]),
        // Drives the real `apus` binary end to end.
        .testTarget(name: "ApusCLITests", dependencies: ["apus", "ApusTable"], exclude: ["HelpSnapshots"]),
    ],
    swiftLanguageModes: [.v6]
)
