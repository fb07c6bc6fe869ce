extension ModelFile {
    /// A model file's header and numbers as read, before any check across them.
    struct Contents {
        var header: ModelFileHeader
        var baseScore: [Double]
        var trees: [Tree]
        /// The offset of the checksum (the first byte after the trees).
        var end: Int

        /// Reads the header and the binary section, checking each length against the bytes
        /// that remain before allocating for it.
        ///
        /// - Parameter reader: Positioned after the version.
        init(reader: ByteReader) throws(ModelError) {
            var reader = reader
            let headerLength = try reader.read(UInt64.self, field: "header")
            guard headerLength <= UInt64(reader.remaining) else {
                throw .corrupt(field: "header", reason: "its length \(headerLength) exceeds the \(reader.remaining) bytes that follow")
            }
            let header = try ModelFileHeader.decode(json: reader.readBytes(Int(headerLength), field: "header"))
            let scores = header.ensemble.scoresPerRow, treeCount = header.ensemble.treeCount
            guard scores >= 1 else {
                throw .corrupt(field: "ensemble.scoresPerRow", reason: "must be at least 1, found \(scores)")
            }
            let baseScore = try reader.readDoubles(count: scores, field: "ensemble.baseScore")
            // Every tree takes at least its counts and one leaf.
            try reader.require(treeCount, of: ModelFile.treeCountsSize + ModelFile.bytesPerLeaf, field: "ensemble.treeCount")
            var trees: [Tree] = []
            trees.reserveCapacity(treeCount)
            for index in 0..<treeCount {
                trees.append(try Self.readTree(&reader, field: "trees[\(index)]"))
            }
            self.header = header
            self.baseScore = baseScore
            self.trees = trees
            end = reader.offset
        }

        /// Reads one tree's counts and arrays, in the order ``ModelFile/encode(_:)`` writes them.
        private static func readTree(_ reader: inout ByteReader, field: String) throws(ModelError) -> Tree {
            let nodes = Int(try reader.read(UInt32.self, field: "\(field).internalNodeCount"))
            let leaves = Int(try reader.read(UInt32.self, field: "\(field).leafCount"))
            let words = Int(try reader.read(UInt32.self, field: "\(field).categoryWordCount"))
            // All three are below 2^32, so this cannot overflow.
            let needed = nodes * ModelFile.bytesPerNode + words * 4 + leaves * ModelFile.bytesPerLeaf
            guard needed <= reader.remaining else {
                throw .corrupt(field: field, reason: "\(nodes) nodes, \(leaves) leaves and \(words) level-set words need \(needed) bytes at byte \(reader.offset), but only \(reader.remaining) remain")
            }
            var tree = Tree()
            tree.splitFeature = try reader.read(Int32.self, count: nodes, field: "\(field).splitFeature")
            tree.threshold = try reader.readDoubles(count: nodes, field: "\(field).threshold")
            tree.flags = try reader.read(UInt8.self, count: nodes, field: "\(field).flags")
            tree.categoryStart = try reader.read(UInt32.self, count: nodes, field: "\(field).categoryStart")
            tree.categoryWordCount = try reader.read(UInt32.self, count: nodes, field: "\(field).categoryWordCount")
            tree.categoryWords = try reader.read(UInt32.self, count: words, field: "\(field).categoryWords")
            tree.leftChild = try reader.read(Int32.self, count: nodes, field: "\(field).leftChild")
            tree.rightChild = try reader.read(Int32.self, count: nodes, field: "\(field).rightChild")
            tree.splitGain = try reader.readDoubles(count: nodes, field: "\(field).splitGain")
            tree.nodeHessian = try reader.readDoubles(count: nodes, field: "\(field).nodeHessian")
            tree.nodeRowCount = try reader.read(UInt64.self, count: nodes, field: "\(field).nodeRowCount")
            tree.leafValue = try reader.readDoubles(count: leaves, field: "\(field).leafValue")
            tree.leafHessian = try reader.readDoubles(count: leaves, field: "\(field).leafHessian")
            tree.leafRowCount = try reader.read(UInt64.self, count: leaves, field: "\(field).leafRowCount")
            return tree
        }
    }
}
