import ApusFormats
import ApusModel
import ApusService
import ApusTable
import ArgumentParser
import Foundation

extension ModelExports.Format: ExpressibleByArgument {}
extension ONNXExport.Operator: ExpressibleByArgument {}
extension QuantizationMode: ExpressibleByArgument {}

/// `apus export MODEL --format onnx|c|binary|coreml --out FILE [compression]`.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a model for another runtime: ONNX, C source, Core ML, or Apus's memory-mappable binary.",
        discussion: """
        Compression: --quantize stores leaves as float16 or as int8 with a per-tree scale (C and binary); \
        --prune-to BYTES or --max-loss-increase X removes the boosting rounds whose removal costs least on \
        --valid's labelled rows, after merging sibling leaves within --merge-tolerance. With --valid, the \
        size, the validation metric and the largest prediction difference are printed before and after.
        """
    )

    @Argument(help: "The model: a file (.apus), NAME@ALIAS (credit-risk@champion) or NAME/VERSION (credit-risk/3).")
    var model: String

    @Option(help: "onnx, c (a .c file and its header beside it), binary or coreml.")
    var format: ModelExports.Format

    @Option(help: "The file to write (for c, the .c file; the header is PREFIX.h in the same folder).")
    var out: String

    @Option(help: "ONNX operator: classic (TreeEnsembleClassifier/Regressor, float32) or tree-ensemble (opset 5, double).")
    var onnxOperator: ONNXExport.Operator = .classic

    @Option(help: "Leaf storage for c and binary: none, f16 or i8.")
    var quantize: QuantizationMode = .none

    @Option(help: "Remove rounds until the export is at most this many bytes (C: its tables). Needs --valid.")
    var pruneTo: Int?

    @Option(help: "Remove rounds while the validation loss rises by at most this. Needs --valid.")
    var maxLossIncrease: Double?

    @Option(help: "When pruning, merge sibling leaves whose values differ by at most this.")
    var mergeTolerance = 0.0

    @Option(help: "A labelled CSV file: pruning measures on it, and the report compares before and after on it.")
    var valid: String?

    @Option(help: "The C export's symbol prefix (PREFIX_predict).")
    var cPrefix = "apus"

    @OptionGroup(title: "Reading the CSV file") var csv: CSVOptions

    func validate() throws {
        if pruneTo != nil || maxLossIncrease != nil, valid == nil {
            throw ValidationError("--prune-to and --max-loss-increase need --valid FILE (labelled rows to measure on)")
        }
        if pruneTo != nil, maxLossIncrease != nil { throw ValidationError("give --prune-to or --max-loss-increase, not both") }
        if let pruneTo, pruneTo <= 0 { throw ValidationError("--prune-to must be a positive number of bytes") }
        if let maxLossIncrease, !(maxLossIncrease >= 0) { throw ValidationError("--max-loss-increase must be 0 or more") }
        if !(mergeTolerance >= 0) { throw ValidationError("--merge-tolerance must be 0 or more") }
    }

    func run() throws {
        let loaded = try loadModel(self.model)
        var request = ModelExports.Request(format: format)
        request.onnxOperator = onnxOperator
        request.quantization = quantize
        request.pruneToBytes = pruneTo
        request.maxLossIncrease = maxLossIncrease
        request.mergeTolerance = mergeTolerance
        request.cPrefix = cPrefix
        request.producerVersion = ApusBuild.version
        if let valid { request.validation = try CSVReader.read(path: valid, options: try csv.readOptions()).table }
        let folder = (out as NSString).deletingLastPathComponent
        let (files, report) = try ModelExports.export(loaded, request: request, baseName: (out as NSString).lastPathComponent)
        var written: [String] = []
        for file in files {
            let path = folder.isEmpty ? file.name : (folder as NSString).appendingPathComponent(file.name)
            guard FileManager.default.createFile(atPath: path, contents: Data(file.bytes)) else {
                throw ServiceError("cannot write `\(path)` (does its folder exist, and may Apus write there?)")
            }
            written.append(path)
        }
        print("Exported \(self.model) (\(loaded.task.rawValue), \(loaded.ensemble.trees.count) trees) as \(format.rawValue): " + written.joined(separator: ", "))
        let sizeLabel = format == .c ? "tables" : "size"
        let ratio = Double(report.sizeBefore) / Double(max(1, report.sizeAfter))
        let changed = report.sizeBefore != report.sizeAfter
        print("  \(sizeLabel)    \(formatBytes(Int64(report.sizeBefore)))" + (changed ? " → \(formatBytes(Int64(report.sizeAfter))) (\(NumberFormatting.formatFixed(ratio, decimals: 2))× smaller)" : ""))
        if report.roundsAfter != report.roundsBefore || report.leavesMerged > 0 {
            print("  rounds  \(report.roundsBefore) → \(report.roundsAfter)" + (report.leavesMerged > 0 ? " (\(report.leavesMerged) leaves merged)" : ""))
        }
        if let name = report.metricName, let before = report.metricBefore, let after = report.metricAfter {
            print("  \(name)  \(formatMetric(before)) → \(formatMetric(after)) (\(after >= before ? "+" : "")\(NumberFormatting.formatFixed(after - before, decimals: 5))) on \(formatCount(report.validationRows)) validation rows")
        }
        if let difference = report.largestDifference {
            print("  largest prediction difference  \(NumberFormatting.significant(difference, digits: 3))")
        }
    }
}
