import Dispatch

/// Concurrent loops whose iterations each write only their own slot, so results do not
/// depend on scheduling (the pattern of ApusTable's `Parallel`, which is internal there).
enum QualityParallel {
    /// `[body(0), …, body(count − 1)]`, computed concurrently.
    static func map<T: Sendable>(count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        var results = [T?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { buffer in
            let slots = Slots(base: buffer.baseAddress)
            DispatchQueue.concurrentPerform(iterations: count) { index in
                slots.base?[index] = body(index)
            }
        }
        return results.compactMap { $0 }
    }

    /// Calls `body` with each index in `0..<count` and a pointer to `buffer`, concurrently;
    /// each call must write only its own part of the buffer.
    static func forEachBlock<T>(count: Int, writing buffer: inout [T],
                                _ body: @Sendable (Int, UnsafeMutablePointer<T>) -> Void) {
        buffer.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let slots = Slots(base: base)
            DispatchQueue.concurrentPerform(iterations: count) { index in
                if let base = slots.base { body(index, base) }
            }
        }
    }

    private struct Slots<Element>: @unchecked Sendable {
        let base: UnsafeMutablePointer<Element>?
    }
}
