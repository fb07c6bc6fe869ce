import ApusFormats
import ApusModel
import ApusTable
import ApusTrain
import Foundation

/// Models written for other runtimes, optionally pruned and quantized: what `apus export` does.
public enum ModelExports {
    /// The formats Apus writes.
    public enum Format: String, CaseIterable, Sendable {
        /// ONNX (`ai.onnx.ml` tree ensembles; see ``ONNXExport``).
        case onnx
        /// A self-contained C source and header pair (see ``CSourceExport``).
        case c
        /// The compact, memory-mappable Apus binary (see ``CompactModelFile``).
        case binary
        /// A Core ML `.mlmodel` (see ``CoreMLExport``).
        case coreml
    }

    /// What to write, and how to compress it.
    public struct Request: Sendable {
        public var format: Format
        /// The ONNX operator (``Format/onnx`` only).
        public var onnxOperator: ONNXExport.Operator = .classic
        /// How leaves are stored (``Format/c`` and ``Format/binary`` only).
        public var quantization: QuantizationMode = .none
        /// Remove rounds until the export is at most this many bytes (needs ``validation``).
        public var pruneToBytes: Int?
        /// Remove rounds while the validation loss rises by at most this (needs ``validation``).
        public var maxLossIncrease: Double?
        /// Merge sibling leaves whose values differ by at most this (with pruning).
        public var mergeTolerance: Double = 0
        /// Labelled rows: the metric and prediction differences are reported on them, and
        /// pruning measures its loss on them.
        public var validation: Table?
        /// The C export's symbol prefix.
        public var cPrefix = "apus"
        /// Written into the files that record a producer version.
        public var producerVersion = ""

        /// A request to write `format` as it is.
        public init(format: Format) { self.format = format }
    }

    /// One file of an export.
    public struct File: Sendable {
        /// The file's name, relative to the folder of `--out`.
        public var name: String
        public var bytes: [UInt8]
    }

    /// What an export did, before and after compression.
    public struct Report: Sendable {
        public var format: Format
        /// The export's size without pruning or quantization, and as written (for C, the
        /// bytes of the static tables the compiler emits; else the file's bytes).
        public var sizeBefore: Int
        public var sizeAfter: Int
        public var roundsBefore: Int
        public var roundsAfter: Int
        public var leavesMerged: Int
        /// The headline metric on the validation rows (auc, multi_logloss or rmse).
        public var metricName: String?
        public var metricBefore: Double?
        public var metricAfter: Double?
        /// The largest absolute difference of a prediction (probability or value) between the
        /// model as given and as exported, on the validation rows.
        public var largestDifference: Double?
        public var validationRows: Int
    }

    /// The files of `model` exported as `request` asks, and what changed.
    ///
    /// - Parameter baseName: The name of the main file (`model.onnx`, `model.c`).
    /// - Throws: ``ServiceError`` for a request that does not fit the format, or the
    ///   pruning, quantization or export error.
    public static func export(_ model: Model, request: Request, baseName: String) throws -> (files: [File], report: Report) {
        if request.quantization != .none, request.format == .onnx || request.format == .coreml {
            throw ServiceError("--quantize applies to --format c and binary; ONNX and Core ML store 32- or 64-bit numbers")
        }
        let pruning = request.pruneToBytes != nil || request.maxLossIncrease != nil
        if request.pruneToBytes != nil, request.maxLossIncrease != nil {
            throw ServiceError("give --prune-to or --max-loss-increase, not both")
        }
        if pruning, request.validation == nil {
            throw ServiceError("pruning measures what each round is worth on labelled rows: give --valid FILE")
        }
        let validation = try request.validation.map { try rows(of: $0, for: model) }

        var pruned = model, leavesMerged = 0
        if pruning, let validation {
            let quantization = request.quantization
            let measure: @Sendable (Model) -> Int = { candidate in
                guard let quantized = try? ModelQuantization.quantize(candidate, mode: quantization),
                      let size = try? files(of: quantized, request: request, baseName: baseName).size else { return Int.max }
                return size
            }
            let budget: PruningBudget = request.pruneToBytes.map { .size(bytes: $0, measure: measure) } ?? .lossIncrease(request.maxLossIncrease ?? 0)
            let result = try EnsemblePruning.prune(model, validation: validation, budget: budget, mergeTolerance: request.mergeTolerance)
            pruned = result.model
            leavesMerged = result.report.leavesMerged
        }
        let final = try ModelQuantization.quantize(pruned, mode: request.quantization)
        let written = try files(of: final, request: request, baseName: baseName)
        // The size before compression; the same export when nothing was compressed.
        var plain = request
        plain.quantization = .none
        let plainSize = pruning || request.quantization != .none ? try files(of: model, request: plain, baseName: baseName).size : written.size

        var report = Report(
            format: request.format, sizeBefore: plainSize, sizeAfter: written.size, roundsBefore: model.ensemble.rounds,
            roundsAfter: final.ensemble.rounds, leavesMerged: leavesMerged, validationRows: validation?.rows ?? 0)
        if let validation {
            let original = try model.ensemble.predict(features: validation.features)
            let exported = try final.ensemble.predict(features: validation.features)
            report.largestDifference = zip(original, exported).reduce(0) { max($0, abs($1.0 - $1.1)) }
            // The task's headline metric: the first ModelMetrics reports (auc, multi_logloss, rmse).
            let metricsBefore = try ModelMetrics.evaluate(task: model.task, objective: model.objective, labels: validation.labels, predictions: original)
            let metricsAfter = try ModelMetrics.evaluate(task: model.task, objective: model.objective, labels: validation.labels, predictions: exported)
            report.metricName = metricsBefore.first?.name
            report.metricBefore = metricsBefore.first?.value
            report.metricAfter = metricsAfter.first?.value
        }
        return (written.files, report)
    }

    /// The files of `model` (already quantized as `request` says) and their size.
    static func files(of model: Model, request: Request, baseName: String) throws -> (files: [File], size: Int) {
        switch request.format {
        case .onnx:
            let bytes = try ONNXExport.bytes(for: model, operator: request.onnxOperator, producerVersion: request.producerVersion)
            return ([File(name: baseName, bytes: bytes)], bytes.count)
        case .coreml:
            let bytes = try CoreMLExport.bytes(for: model, producerVersion: request.producerVersion)
            return ([File(name: baseName, bytes: bytes)], bytes.count)
        case .binary:
            let bytes = try CompactModelFile.encode(model, quantization: request.quantization)
            return ([File(name: baseName, bytes: bytes)], bytes.count)
        case .c:
            var options = CSourceExport.Options()
            options.prefix = request.cPrefix
            options.quantization = request.quantization
            let pair = try CSourceExport.files(for: model, options: options)
            return ([File(name: baseName, bytes: Array(pair.source.utf8)), File(name: pair.headerName, bytes: Array(pair.header.utf8))], pair.dataBytes)
        }
    }

    /// The validation table as feature rows and labels.
    static func rows(of table: Table, for model: Model) throws -> PruningData {
        guard let column = table[model.target] else {
            throw TrainingError.missingTarget(name: model.target, suggestion: closestName(to: model.target, among: table.columnNames))
        }
        let labels = try TrainingData.labels(of: column, name: model.target, task: model.task, classes: model.classes)
        return PruningData(features: try model.schema.encode(table: table), labels: labels)
    }
}
