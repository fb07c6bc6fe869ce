import Foundation
import Testing

@Suite("apus import")
struct ImportCommandTests {
    /// One feature, one tree: x <= 0.5 (missing goes left) gives leaf -1, else leaf 2.
    static let model = """
        tree
        version=v4
        num_class=1
        num_tree_per_iteration=1
        label_index=0
        max_feature_idx=0
        objective=binary sigmoid:1
        feature_names=x
        feature_infos=[0:1]

        Tree=0
        num_leaves=2
        num_cat=0
        split_feature=0
        split_gain=1
        threshold=0.5
        decision_type=10
        left_child=-1
        right_child=-2
        leaf_value=-1 2
        leaf_weight=10 10
        leaf_count=10 10
        internal_value=0
        internal_weight=20
        internal_count=20
        is_linear=0
        shrinkage=1

        end of trees

        """

    @Test func importsToAFileAndToTheRegistryAndPredicts() throws {
        let work = try StoreWorkspace(rows: 100)
        defer { work.remove() }
        let source = work.directory.appendingPathComponent("model.txt").path
        try Self.model.write(toFile: source, atomically: true, encoding: .utf8)
        let out = work.directory.appendingPathComponent("imported.apus").path
        let imported = try work.apus(["import", source, "--format", "lightgbm", "--out", out, "--name", "legacy", "--alias", "champion"])
        #expect(imported.status == 0, "\(imported.error)")
        #expect(imported.output.contains("Imported a binary lightgbm model (binary): 1 trees, 1 rounds, 1 features (0 categorical)"))
        #expect(imported.output.contains("registered legacy/1; legacy@champion -> version 1"))
        #expect(FileManager.default.fileExists(atPath: out))
        let data = work.directory.appendingPathComponent("x.csv").path
        try "x\n0.2\n0.9\n\n".write(toFile: data, atomically: true, encoding: .utf8)
        let predictions = work.directory.appendingPathComponent("p.csv").path
        let scored = try work.apus(["predict", "legacy@champion", data, "--out", predictions])
        #expect(scored.status == 0, "\(scored.error)")
        let values = try String(contentsOfFile: predictions, encoding: .utf8).split(separator: "\n").dropFirst().map { Double($0)! }
        let expected = [-1.0, 2.0, -1.0].map { 1 / (1 + exp(-$0)) }
        #expect(values.count == 3)
        for (got, want) in zip(values, expected) { #expect(abs(got - want) < 1e-12) }
        let versions = try #require(try work.json(["models", "versions", "legacy"]) as? [[String: Any]])
        let lineage = try #require(versions.first?["lineage"] as? [String: String])
        #expect(lineage["imported_from"] == "lightgbm")
        #expect(lineage["source_file"] == "model.txt")
        #expect(versions.first?["runID"] == nil)
    }

    @Test func aBadFileIsRefusedWithItsReason() throws {
        let work = try StoreWorkspace(rows: 100)
        defer { work.remove() }
        let source = work.directory.appendingPathComponent("bad.txt").path
        try "not a model".write(toFile: source, atomically: true, encoding: .utf8)
        let run = try work.apus(["import", source, "--format", "lightgbm", "--out", work.directory.appendingPathComponent("m.apus").path])
        #expect(run.status != 0)
        #expect(run.error.contains("is not a LightGBM model header line"), "\(run.error)")
        let missing = try work.apus(["import", source, "--format", "lightgbm"])
        #expect(missing.status != 0 && missing.error.contains("give --out FILE, --name NAME, or both"))
    }
}
