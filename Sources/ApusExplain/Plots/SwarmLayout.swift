/// Vertical offsets that spread overlapping points of one beeswarm row (shap's layout):
/// points are binned by page position, and within a bin stacked alternately above and
/// below the centre line, so a dense place grows tall.
enum SwarmLayout {
    /// The offset of each point from the row's centre line, for points at page positions `xs`
    /// (bins `binWidth` wide), spread over at most `halfHeight` each way, layers at most
    /// `layerSpacing` apart. Within a bin the order is a fixed hash of the point's index.
    static func offsets(xs: [Double], binWidth: Double, halfHeight: Double, layerSpacing: Double) -> [Double] {
        guard !xs.isEmpty, binWidth > 0 else { return [] }
        let bins = xs.map { Int(($0 / binWidth).rounded()) }
        let order = xs.indices.sorted { a, b in
            if bins[a] != bins[b] { return bins[a] < bins[b] }
            let (ha, hb) = (plotHash(a), plotHash(b))
            return ha != hb ? ha < hb : a < b
        }
        var layers = [Int](repeating: 0, count: xs.count)
        var layer = 0, previousBin = Int.min, largest = 0
        for index in order {
            if bins[index] != previousBin { layer = 0 }
            let height = (layer + 1) / 2
            layers[index] = layer % 2 == 1 ? height : -height
            largest = max(largest, height)
            layer += 1
            previousBin = bins[index]
        }
        let spacing = largest == 0 ? 0 : min(layerSpacing, halfHeight / Double(largest))
        return layers.map { Double($0) * spacing }
    }
}
