/// A round that pruning may remove, with the loss difference its removal made when last
/// evaluated.
struct RemovalCandidate: Equatable {
    /// The change of the total weighted loss (not yet divided by the total weight) if the
    /// round is removed: negative when removing it helps.
    var delta: Double
    /// The round's index in the original model.
    var round: Int
    /// How many rounds had been removed when `delta` was computed: it is current while
    /// that is still the count.
    var stamp: Int

    /// Smaller difference first; ties by round index, so the order is deterministic.
    func precedes(_ other: RemovalCandidate) -> Bool {
        delta != other.delta ? delta < other.delta : round < other.round
    }
}

/// A binary min-heap of candidates in ``RemovalCandidate/precedes(_:)`` order.
struct CandidateHeap {
    private var items: [RemovalCandidate] = []

    /// A heap of `candidates`.
    ///
    /// - Complexity: O(n).
    init(_ candidates: [RemovalCandidate]) {
        items = candidates
        var index = items.count / 2
        while index > 0 {
            index -= 1
            siftDown(index)
        }
    }

    /// The first candidate, if any.
    var top: RemovalCandidate? { items.first }

    /// The number of candidates.
    var count: Int { items.count }

    /// Removes and returns the first candidate.
    mutating func pop() -> RemovalCandidate? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            siftDown(0)
        }
        return first
    }

    /// Adds a candidate.
    mutating func push(_ candidate: RemovalCandidate) {
        items.append(candidate)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child].precedes(items[parent]) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            var best = parent
            let left = 2 * parent + 1, right = left + 1
            if left < items.count && items[left].precedes(items[best]) { best = left }
            if right < items.count && items[right].precedes(items[best]) { best = right }
            guard best != parent else { return }
            items.swapAt(parent, best)
            parent = best
        }
    }
}
