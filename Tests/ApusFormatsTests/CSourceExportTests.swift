@testable import ApusFormats
import ApusModel
import Foundation
import Testing

/// The C export compiled with gcc (`-std=c99 -O2 -Wall -Wextra -Werror -pedantic`) predicts
/// what Apus predicts on the same float32 rows, to 1e-5 relative, in every quantization.
@Suite("C source export")
struct CSourceExportTests {
    /// Every case compiled once per test process.
    static let build = Result { try CSourceBuild(cases: try CSourceTestModels.cases()) }

    /// Apus's raw scores (or predictions) of a case's rows, computed in double from the float32 rows.
    static func expected(_ item: CSourceCase, raw: Bool) throws -> [Double] {
        let ensemble = item.reference.ensemble
        var scores: [Double]
        if item.reference.schema.count == 0 {
            // No features: each row scores the base plus the single-leaf trees.
            let row = ensemble.baseScore.indices.map { score in
                ensemble.baseScore[score] + stride(from: score, to: ensemble.trees.count, by: ensemble.scoresPerRow)
                    .reduce(0) { $0 + ensemble.trees[$1].leafValue[0] }
            }
            scores = Array((0..<item.rowCount).map { _ in row }.joined())
        } else {
            scores = try ensemble.rawScores(features: item.rows.map(Double.init), threads: 1)
        }
        if !raw { scores.withUnsafeMutableBufferPointer { ensemble.link.apply($0, scoresPerRow: ensemble.scoresPerRow) } }
        return scores
    }

    @Test(arguments: CSourceTestModels.allNames)
    func compiledSourcePredictsWhatApusPredicts(name: String) throws {
        let build = try Self.build.get()
        let item = try #require(build.cases[name])
        for raw in [false, true] {
            let got = try build.outputs(name, raw: raw)
            let want = try Self.expected(item, raw: raw)
            #expect(got.count == want.count && want.count == item.rowCount * item.reference.ensemble.scoresPerRow)
            var worst = 0.0, worstIndex = 0
            for (index, (c, swift)) in zip(got, want).enumerated() {
                let difference = c.isNaN ? .infinity : abs(c - swift) / max(1, abs(swift))
                if difference > worst { (worst, worstIndex) = (difference, index) }
            }
            #expect(worst <= 1e-5, "\(name) \(raw ? "raw" : "predict"): value \(worstIndex) differs by \(worst)")
        }
    }

    /// The exact routes of the hand-built edge model, worked out by hand for a few rows.
    @Test func edgeRowsTakeTheDocumentedBranches() throws {
        let build = try Self.build.get()
        let got = try build.outputs("edges_none_direct", raw: false)
        let codes = CSourceTestModels.edgesRows().count / 2 / 9
        // Row (NaN, NaN): 0.25 base; x NaN goes left (1) and right (0.125); colour NaN goes right (20),
        // left (100), left (-1 at the repeated set); the single leaf 0.001; nested root NaN goes right (0.7).
        #expect(abs(got[0] - sum([0.25, 1, 0.125, 20, 100, 0.001, 0.7, -1])) < 1e-4)
        // Row (NaN, −1): unseen goes left at the padded set (10), right at [0, 2] (200) and at the repeated set (1).
        #expect(abs(got[1] - sum([0.25, 1, 0.125, 10, 200, 0.001, 0.7, 1])) < 1e-4)
        // Row (float(0.1), 40): float(0.1) is above 0.1, so right (−2); x is not NaN, 0.1 > −3.5 (0.125);
        // 40 is in the padded and the repeated sets (10, −1), not in [0, 2] (200).
        #expect(abs(got[codes + 11] - sum([0.25, -2, 0.125, 10, 200, 0.001, 0.7, -1])) < 1e-4)
        // Row (largest float at or below 0.1, 5): left (1); 5 goes to the nested numeric node, 0.1 <= 2 (0.3).
        #expect(abs(got[2 * codes + 8] - sum([0.25, 1, 0.125, 20, 200, 0.001, 0.3, 1])) < 1e-4)
    }

    private func sum(_ values: [Double]) -> Double { values.reduce(0, +) }

    @Test func objectFilesCallNothingButExpf() throws {
        let build = try Self.build.get()
        let objects = build.cases.keys.sorted().map { "\($0).o" }
        let undefined = try CSourceBuild.run("/usr/bin/env", ["nm", "-u"] + objects, in: build.directory)
        let symbols = Set(undefined.split(separator: "\n").compactMap { line -> String? in
            line.hasSuffix(":") || line.trimmingCharacters(in: .whitespaces).isEmpty ? nil : line.split(separator: " ").last.map(String.init)
        })
        #expect(symbols == ["expf"], "undefined symbols: \(symbols.sorted())")
    }

    @Test func sourcesUseNoHeapAndNoMutableState() throws {
        let build = try Self.build.get()
        for item in build.cases.values {
            let source = item.files.source
            for word in ["malloc", "calloc", "realloc", "free(", "stdio", "stdlib", "string.h"] {
                #expect(!source.contains(word), "\(item.name) mentions \(word)")
            }
            for line in source.split(separator: "\n") where line.hasPrefix("static ") && !line.contains("(") {
                #expect(line.hasPrefix("static const "), "\(item.name): \(line)")
            }
            #expect(!source.contains("\nfloat ") && !source.contains("\nint "), "\(item.name): a global variable")
        }
    }

    @Test func exportsAreDeterministicAndUseTheSmallestTypes() throws {
        let build = try Self.build.get()
        let binary = try #require(build.cases["binary_none"])
        let again = try CSourceTestModels.make("binary_none", binary.reference, .none, rows: [])
        #expect(again.files == binary.files)
        #expect(binary.files.source.contains("static const uint8_t binary_none_node_feature_flags["))
        #expect(binary.files.source.contains("static const int8_t binary_none_node_left["))
        let wide = try #require(build.cases["wide_none"])
        #expect(wide.files.source.contains("static const uint16_t wide_none_node_feature_flags["))
        #expect(wide.files.source.contains("static const int16_t wide_none_node_left["))
        #expect(wide.files.source.contains("static const uint16_t wide_none_tree_start[3]"))
        let i8 = try #require(build.cases["binary_i8"]), f16 = try #require(build.cases["binary_f16"])
        #expect(i8.files.source.contains("int8_t binary_i8_leaf_code[") && f16.files.source.contains("uint16_t binary_f16_leaf_half["))
        #expect(i8.files.dataBytes < f16.files.dataBytes && f16.files.dataBytes < binary.files.dataBytes)
        // The padded level set lost its zero words, and the repeated set is stored once.
        let edges = try #require(build.cases["edges_none_direct"])
        #expect(edges.files.source.contains("static const uint8_t edges_none_direct_set_start[4] = {\n    0u, 2u, 3u, 4u,\n};"))
    }

    /// Reports the sizes the task asks for (data tables, and the object file's text and data).
    @Test func reportsTheSizesOfTheBinaryModel() throws {
        let build = try Self.build.get()
        let names = QuantizationMode.allCases.map { "binary_\($0.rawValue)" }
        let sizes = try CSourceBuild.run("/usr/bin/env", ["size"] + names.map { "\($0).o" }, in: build.directory)
        for name in names { print("\(name): dataBytes \(build.cases[name]?.files.dataBytes ?? 0)") }
        print(sizes)
        #expect(sizes.contains("binary_i8.o"))
    }

    @Test func theHeaderDocumentsInputsAndOutputs() throws {
        let build = try Self.build.get()
        let header = try #require(build.cases["binary_none"]).files.header
        for text in ["#ifndef BINARY_NONE_H", "#define BINARY_NONE_N_FEATURES 4", "#define BINARY_NONE_N_OUTPUTS 1",
                     "void binary_none_predict(const float *features, float *out);",
                     "void binary_none_raw_scores(const float *features, float *out);",
                     "[3] \"colour\" categorical, codes: 0 = \"blue\", 1 = \"green\", 2 = \"red\", 3 = \"violet\"",
                     "the probability of class \"1\"", "A missing value is NaN", "is -1", "Binary classification of \"label\""] {
            #expect(header.contains(text), "header lacks \(text)")
        }
        let edges = try #require(build.cases["edges_none_direct"]).files.header
        #expect(edges.contains("[0] \"x *\\/ \\\"quoted\\\"\" numeric"))
        #expect(edges.contains("0 = \"x/\\*y\", 1 = \"a?\\?/\", 2 = \"line\\nbreak\\\\\", 3 = \"end*\\/\""))
        let classes = try #require(build.cases["classes_none"]).files.header
        for text in ["softmax", "0 = \"class 0\",", "1 = \"class 1\",", "2 = \"class 2\"."] {
            #expect(classes.contains(text), "header lacks \(text)")
        }
    }

    @Test(arguments: ["", "1abc", "a-b", "_apus", "naïve", "a b", String(repeating: "x", count: 65)])
    func prefixesThatAreNotCIdentifiersAreRefused(prefix: String) throws {
        let model = try CSourceTestModels.classesModel()
        do {
            _ = try CSourceExport.files(for: model, options: .init(prefix: prefix))
            Issue.record("accepted prefix `\(prefix)`")
        } catch {
            #expect(error.description == "C source prefix `\(prefix)` is not a C identifier: use up to 64 ASCII letters, digits and underscores, starting with a letter")
        }
    }

    @Test func valuesBeyondTheStorageAreRefused() throws {
        let big = try CSourceTestModels.model(
            features: [Feature(name: "x", kind: .numeric)],
            trees: [CSourceTestModels.stump(feature: 0, threshold: 1, defaultLeft: true, leaves: (1e39, 70000))],
            task: .regression, base: [0], link: .identity)
        let cases: [(QuantizationMode, String)] = [
            (.none, "trees[0].leaf[0]: value 1e+39 is beyond float's range (±3.4e38); C exports compute in float"),
            (.f16, "trees[0].leaf[0]: value 1e+39 is beyond float16's range (±65504); use --quantize i8"),
            (.i8, "trees[0].leaf[0]: value 1.0000000"),
        ]
        for (mode, message) in cases {
            do {
                _ = try CSourceExport.files(for: big, options: .init(quantization: mode))
                Issue.record("accepted \(mode)")
            } catch {
                #expect(error.description.hasPrefix(message) && error.description.contains("beyond float"), "\(error.description)")
            }
        }
        let base = try CSourceTestModels.model(features: [], trees: [], task: .regression, base: [-1e300], link: .identity)
        do {
            _ = try CSourceExport.files(for: base)
            Issue.record("accepted a base score of -1e300")
        } catch {
            #expect(error.description.hasPrefix("baseScore[0]: value -1e+300 is beyond float's range"))
        }
    }
}
