import Foundation
import Testing

/// `apus export`: every format written from a trained credit model, the compression report,
/// the ONNX round trip through `apus import`, and the refusals.
@Suite("apus export")
struct ExportCommandTests {
    @Test func everyFormatIsWrittenAndReported() throws {
        let work = try StoreWorkspace(rows: 1500)
        defer { work.remove() }
        #expect(try work.train(["--out", "credit.apus"], leaves: 15).status == 0)
        let cases: [([String], [String])] = [
            (["--format", "onnx", "--out", "credit.onnx"], ["credit.onnx"]),
            (["--format", "onnx", "--onnx-operator", "tree-ensemble", "--out", "credit5.onnx"], ["credit5.onnx"]),
            (["--format", "c", "--out", "credit.c", "--c-prefix", "credit"], ["credit.c", "credit.h"]),
            (["--format", "binary", "--out", "credit.bin"], ["credit.bin"]),
            (["--format", "coreml", "--out", "credit.mlmodel"], ["credit.mlmodel"]),
        ]
        for (arguments, files) in cases {
            let run = try work.apus(["export", "credit.apus"] + arguments)
            #expect(run.status == 0, "\(arguments): \(run.error)")
            #expect(run.output.contains("Exported credit.apus (binary, 8 trees) as"), "\(run.output)")
            for file in files {
                #expect(FileManager.default.fileExists(atPath: work.directory.appendingPathComponent(file).path), "\(file)")
            }
        }
    }

    @Test func quantizingAndPruningReportSizeMetricAndDifference() throws {
        let work = try StoreWorkspace(rows: 1500)
        defer { work.remove() }
        #expect(try work.apus(["train", work.train, "--target", "default", "--ignore", "application_date",
                               "--param", "num_iterations=40", "--param", "num_leaves=15", "--out", "credit.apus"]).status == 0)
        let quantized = try work.apus(["export", "credit.apus", "--format", "binary", "--out", "q.bin", "--quantize", "i8", "--valid", work.test])
        #expect(quantized.status == 0, "\(quantized.error)")
        #expect(quantized.output.contains("× smaller"), "\(quantized.output)")
        #expect(quantized.output.contains("auc  0."), "\(quantized.output)")
        #expect(quantized.output.contains("on 500 validation rows"))
        #expect(quantized.output.contains("largest prediction difference"))
        let pruned = try work.apus(["export", "credit.apus", "--format", "binary", "--out", "p.bin", "--quantize", "i8",
                                    "--max-loss-increase", "0.01", "--valid", work.test])
        #expect(pruned.status == 0, "\(pruned.error)")
        #expect(pruned.output.contains("rounds  40 → "), "\(pruned.output)")
        let small = try work.apus(["export", "credit.apus", "--format", "binary", "--out", "s.bin", "--prune-to", "4000", "--valid", work.test])
        #expect(small.status == 0, "\(small.error)")
        let size = try FileManager.default.attributesOfItem(atPath: work.directory.appendingPathComponent("s.bin").path)[.size] as? Int
        #expect((size ?? .max) <= 4000)
    }

    @Test func anONNXExportImportsBackAndPredictsTheSame() throws {
        let work = try StoreWorkspace(rows: 1500)
        defer { work.remove() }
        #expect(try work.train(["--out", "credit.apus"]).status == 0)
        #expect(try work.apus(["export", "credit.apus", "--format", "onnx", "--onnx-operator", "tree-ensemble", "--out", "credit.onnx"]).status == 0)
        let imported = try work.apus(["import", "credit.onnx", "--format", "onnx", "--out", "back.apus", "--name", "from-onnx"])
        #expect(imported.status == 0, "\(imported.error)")
        #expect(imported.output.contains("Imported a binary onnx model (binary): 8 trees"), "\(imported.output)")
        let original = try work.apus(["predict", "credit.apus", work.test])
        let back = try work.apus(["predict", "from-onnx@latest", work.test])
        #expect(original.status == 0 && back.status == 0, "\(back.error)")
        #expect(original.output == back.output)
    }

    @Test func requestsThatDoNotFitSayWhy() throws {
        let work = try StoreWorkspace(rows: 600)
        defer { work.remove() }
        #expect(try work.train(["--out", "credit.apus"]).status == 0)
        let onnxQuantized = try work.apus(["export", "credit.apus", "--format", "onnx", "--out", "x.onnx", "--quantize", "f16"])
        #expect(onnxQuantized.status != 0 && onnxQuantized.error.contains("--quantize applies to --format c and binary"), "\(onnxQuantized.error)")
        let noValidation = try work.apus(["export", "credit.apus", "--format", "binary", "--out", "x.bin", "--prune-to", "1000"])
        #expect(noValidation.status != 0 && noValidation.error.contains("need --valid"), "\(noValidation.error)")
        let both = try work.apus(["export", "credit.apus", "--format", "binary", "--out", "x.bin", "--prune-to", "1000",
                                  "--max-loss-increase", "0.1", "--valid", work.test])
        #expect(both.status != 0 && both.error.contains("not both"), "\(both.error)")
        let badPrefix = try work.apus(["export", "credit.apus", "--format", "c", "--out", "x.c", "--c-prefix", "9lives"])
        #expect(badPrefix.status != 0, "\(badPrefix.output)")
        let nowhere = try work.apus(["export", "credit.apus", "--format", "onnx", "--out", "no/such/folder/x.onnx"])
        #expect(nowhere.status != 0 && nowhere.error.contains("cannot write `no/such/folder/x.onnx`"), "\(nowhere.error)")
        let missing = try work.apus(["export", "nope.apus", "--format", "onnx", "--out", "x.onnx"])
        #expect(missing.status != 0 && missing.error.contains("nope.apus"), "\(missing.error)")
    }
}
