import ApusExplain
import Testing

/// A categorical dependence plot of many levels labels only as many as fit: at 800 wide,
/// 40 levels have slots of about 15 units and labels of about 25, so every second one.
@Suite("Dependence plot levels")
struct DependencePlotLevelTests {
    @Test func manyLevelsAreLabelledSparselyFewLevelsAll() throws {
        for (levels, expectedLabels) in [(40, 20), (4, 4)] {
            let names = (0..<levels).map { "R\($0 < 10 ? "0" : "")\($0)" }
            let codes = (0..<200).map { Double($0 % levels) }
            let plot = DependencePlot(featureName: "region", featureValues: codes, attributions: codes.map { $0 / 100 - 0.2 },
                                      isCategorical: true, levelNames: names)
            let svg = try plot.svg()
            let labels = svg.components(separatedBy: "class=\"level-label\"").count - 1
            #expect(labels == expectedLabels, "\(levels) levels: \(labels) labels")
        }
    }
}
