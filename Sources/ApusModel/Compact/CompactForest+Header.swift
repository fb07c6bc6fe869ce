extension CompactForest {
    /// The fixed header's fields, checked for what they say on their own.
    struct Header {
        let nodeFormat: CompactLayout.NodeFormat
        let quantization: CompactQuantization
        let link: OutputLink
        let featureBits: Int
        let indexBits: Int
        let featureCount: Int
        let scoresPerRow: Int
        let treeCount: Int

        /// Reads the header of a file at least ``CompactLayout/sectionsStart`` bytes long.
        init(_ bytes: UnsafeRawBufferPointer) throws(ModelError) {
            typealias Field = CompactLayout.Field
            guard let nodeFormat = CompactLayout.NodeFormat(rawValue: bytes[Field.nodeFormat]) else {
                throw .corrupt(field: "nodeFormat", reason: "unknown node format \(bytes[Field.nodeFormat]) at byte \(Field.nodeFormat)")
            }
            guard let quantization = CompactQuantization(rawValue: bytes[Field.quantization]) else {
                throw .corrupt(field: "quantization", reason: "unknown leaf storage \(bytes[Field.quantization]) at byte \(Field.quantization)")
            }
            guard (quantization == .none) == (nodeFormat == .wide) else {
                throw .corrupt(field: "nodeFormat", reason: "\(nodeFormat) nodes do not go with `\(quantization.name)` leaves (wide nodes hold unquantized models only)")
            }
            guard let link = CompactLayout.link(code: bytes[Field.link]) else {
                throw .corrupt(field: "link", reason: "unknown link \(bytes[Field.link]) at byte \(Field.link)")
            }
            for offset in [15, 18, 19] where bytes[offset] != 0 {
                throw .corrupt(field: "reserved", reason: "byte \(offset) is \(bytes[offset]), not 0")
            }
            let featureBits = Int(bytes[Field.featureBits]), indexBits = Int(bytes[Field.indexBits])
            switch nodeFormat {
            case .wide:
                guard featureBits == 0, indexBits == 0 else {
                    throw .corrupt(field: "featureBits", reason: "wide nodes have no packed fields, found \(featureBits) and \(indexBits) bits at bytes 16–17")
                }
            case .packed32, .packed64:
                let wordBits = nodeFormat.size * 8
                // The skip takes the bits left over, and needs at least one.
                guard featureBits <= 16, indexBits <= 32,
                      CompactLayout.NodeFlag.bitCount + featureBits + indexBits < wordBits else {
                    throw .corrupt(field: "featureBits", reason: "\(featureBits) feature bits and \(indexBits) index bits (bytes 16–17) leave no room for the skip in a \(wordBits)-bit node")
                }
            }
            let featureCount = Int(bytes.littleEndian(UInt32.self, at: Field.featureCount))
            let scoresPerRow = Int(bytes.littleEndian(UInt32.self, at: Field.scoresPerRow))
            let treeCount = Int(bytes.littleEndian(UInt32.self, at: Field.treeCount))
            guard scoresPerRow >= 1 else { throw .corrupt(field: "scoresPerRow", reason: "must be at least 1, found 0 at byte \(Field.scoresPerRow)") }
            guard treeCount % scoresPerRow == 0 else {
                throw .corrupt(field: "treeCount", reason: "\(treeCount) trees are not a whole number of rounds of \(scoresPerRow)")
            }
            guard (link == .softmax) == (scoresPerRow > 1) else {
                throw .corrupt(field: "link", reason: "`\(link.rawValue)` does not fit \(scoresPerRow) scores per row")
            }
            self.nodeFormat = nodeFormat
            self.quantization = quantization
            self.link = link
            self.featureBits = featureBits
            self.indexBits = indexBits
            self.featureCount = featureCount
            self.scoresPerRow = scoresPerRow
            self.treeCount = treeCount
        }

        /// Checks the section table's element counts against the header's.
        func checkCounts(_ counts: [Int]) throws(ModelError) {
            typealias Section = CompactLayout.Section
            let nodes = counts[Section.nodes.rawValue]
            let expected: [(Section, Int)] = [
                (.baseScores, scoresPerRow), (.treeStarts, treeCount + 1),
                (.leafScales, quantization == .i8 ? treeCount : 0), (.leaves, nodes + treeCount),
            ]
            for (section, count) in expected where counts[section.rawValue] != count {
                throw .corrupt(field: "sections.\(section.name)", reason: "has \(counts[section.rawValue]) elements, expected \(count)")
            }
            if nodeFormat == .wide, counts[Section.thresholds.rawValue] != 0 {
                throw .corrupt(field: "sections.thresholds", reason: "wide nodes hold their thresholds, but the table has \(counts[Section.thresholds.rawValue])")
            }
        }
    }
}
