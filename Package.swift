// swift-tools-version: 6.1
import PackageDescription

// The module map follows ../shared/DESIGN.md. A module appears when the first issue
// that needs it lands; each keeps its dependencies to what it uses.
let package = Package(
    name: "Apus",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "ApusModel", targets: ["ApusModel"]),
        .library(name: "ApusTable", targets: ["ApusTable"]),
        .library(name: "ApusStore", targets: ["ApusStore"]),
        .library(name: "ApusService", targets: ["ApusService"]),
        .library(name: "ApusServe", targets: ["ApusServe"]),
        .library(name: "ApusFormats", targets: ["ApusFormats"]),
        .library(name: "ApusExplain", targets: ["ApusExplain"]),
        .library(name: "ApusMonitor", targets: ["ApusMonitor"]),
        .library(name: "ApusMCP", targets: ["ApusMCP"]),
        .executable(name: "apus", targets: ["apus"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // The store's SQLite binding (decision 0003): links the system's libsqlite3.
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // SHA-256, HMAC-SHA256 and Ed25519 for the audit chain and webhook signatures.
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        // The HTTP server (issue #5). Its default traits are off: `ConfigurationSupport`
        // would compile swift-configuration, which Apus does not use.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        // Prometheus' text format for /metrics.
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // Already built for Hummingbird; named here because the server uses them directly.
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // The runtime of the ONNX and Core ML messages (issue #6). Their Swift code is generated
        // once by scripts/generate-protos.sh and committed: no build plugin, no protoc at build time.
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        // The Model Context Protocol (issue #9): JSON-RPC, the stdio transport and the
        // framework-agnostic streamable HTTP transport. It builds on swift-log and swift-system only.
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
    ],
    targets: [
        // Columnar table, CSV reader/writer, schema inference, statistics, splits,
        // fingerprints, synthetic scenarios. Standard library only (no Foundation: it
        // costs every process that links it about 8 MB of memory).
        .target(name: "ApusTable"),
        // The inference runtime: feature schema and encoding, tree ensembles, prediction,
        // the model file. Standard library and Foundation only, so it fits an app or a device.
        .target(name: "ApusModel"),
        // Runs, the model registry, content-addressed artifacts, the hash-chained audit
        // trail and webhooks, behind the `Store` protocol (SQLite now). No ML imports.
        .target(
            name: "ApusStore",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The services every front end calls: inspecting data, training (recorded as runs),
        // scoring, resolving model references against the store.
        .target(name: "ApusService", dependencies: ["ApusTable", "ApusModel", "ApusTrain", "ApusStore", "ApusFormats", "ApusExplain", "ApusMonitor"]),
        // The HTTP server: KServe V2, MLflow scoring and Apus's own routes, metrics, adaptive
        // batching, live aliases, the prediction log. A front end over ApusService that also
        // reads ApusModel and ApusStore directly on its hot path (decision 0004).
        .target(
            name: "ApusServe",
            dependencies: [
                "ApusModel",
                "ApusStore",
                "ApusService",
                "ApusMonitor",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Models of other libraries in and out (issue #6): LightGBM, XGBoost and ONNX import;
        // ONNX, Core ML, C source and compact binary export; quantization.
        .target(name: "ApusFormats", dependencies: ["ApusModel", "FormatProtos"]),
        // Swift code generated from onnx's onnx-ml.proto and Core ML's tree-ensemble messages
        // (scripts/generate-protos.sh regenerates it; nothing else belongs here).
        .target(name: "FormatProtos", dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        // Explanations (issue #7): TreeSHAP (path-dependent, interventional, interactions), KernelSHAP,
        // LIME, importance, partial dependence, reason codes, SVG plots. ApusModel only, so explanations
        // run wherever the runtime does.
        .target(name: "ApusExplain", dependencies: ["ApusModel"]),
        // Drift statistics (issue #8): Kolmogorov–Smirnov, chi-square, PSI, Wasserstein and
        // Jensen–Shannon, computed as scipy and Evidently do. Standard library only.
        .target(name: "ApusMonitor", dependencies: ["ApusTable", "ApusModel"]),
        // The MCP server (issue #9): every model as agent tools (predict, explain, describe, monitor,
        // compare; promote and rollback with --allow-admin) and each version's description as a
        // resource. The tools call ApusService; this module only speaks the protocol.
        .target(
            name: "ApusMCP",
            dependencies: [
                "ApusService", "ApusModel", "ApusStore", "ApusExplain", "ApusMonitor",
                .product(name: "MCP", package: "swift-sdk"),
            ]
        ),
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
                "ApusStore",
                "ApusServe",
                "ApusMonitor",
                "ApusMCP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmarks (release builds, run by bench/*.py against the Python anchors).
        .executableTarget(name: "apus-bench", dependencies: ["ApusTable", "ApusModel", "ApusTrain", "ApusStore", "ApusServe", "ApusExplain"], path: "bench/Sources/ApusBench"),
        .testTarget(name: "ApusTableTests", dependencies: ["ApusTable"]),
        // drift_reference.py computes scipy's drift statistics for the sample pairs the tests use.
        .testTarget(name: "ApusMonitorTests", dependencies: ["ApusMonitor", "ApusTable", "ApusModel"], exclude: ["drift_reference.py", "fairness_reference.py", "cbpe_reference.py", "nannyml_reference.py"]),
        .testTarget(name: "ApusModelTests", dependencies: ["ApusModel"]),
        // lightgbm_reference.py trains LightGBM models and writes their predictions.
        .testTarget(name: "ApusFormatsTests", dependencies: ["ApusFormats", "ApusModel"], exclude: ["lightgbm_reference.py", "xgboost_reference.py", "onnx_runner.py", "onnx_foreign.py", "coreml_check.py"]),
        // The .py scripts train LightGBM and XGBoost models and write shap's, lime's and scikit-learn's values.
        .testTarget(name: "ApusExplainTests", dependencies: ["ApusExplain", "ApusModel", "ApusFormats", "ApusTrain", "ApusTable"], exclude: ["shap_reference.py", "shap_interventional_reference.py", "shap_interactions_reference.py", "shap_custom_trees.py", "agnostic_reference.py"]),
        // GRDB directly, to tamper with a store's file the way someone holding it could.
        .testTarget(name: "ApusStoreTests", dependencies: ["ApusStore", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "ApusServiceTests", dependencies: ["ApusService", "ApusTable", "ApusStore", "ApusModel", "ApusMonitor", "ApusTrain"], exclude: ["monitor_reference.py"]),
        .testTarget(
            name: "ApusServeTests",
            dependencies: [
                "ApusServe", "ApusService", "ApusStore", "ApusModel", "ApusTable", "ApusTrain",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        // mcp_client.py drives `apus mcp` with the official Python MCP SDK (stdio and HTTP).
        .testTarget(name: "ApusMCPTests", dependencies: ["ApusMCP", "ApusService", "ApusStore", "ApusModel", "ApusTable", "ApusTrain",
                                                         .product(name: "MCP", package: "swift-sdk")]),
        // metrics_expected.py computed the scikit-learn values the tests embed.
        .testTarget(name: "ApusTrainTests", dependencies: ["ApusTrain", "ApusModel", "ApusTable"], exclude: ["metrics_expected.py"]),
        // Drives the real `apus` binary end to end.
        .testTarget(name: "ApusCLITests", dependencies: ["apus", "ApusTable", "ApusModel"], exclude: ["HelpSnapshots", "Clients"]),
    ],
    swiftLanguageModes: [.v6]
)
