import Dispatch

/// Loops whose iterations run on up to `threads` threads, each iteration writing only its
/// own results, so the outcome never depends on the thread count or the scheduling.
enum ParallelLoop {
    /// Calls `body(i)` for `i` in `0..<count`; thread `t` takes `t, t + threads, ...`.
    static func forEach(count: Int, threads: Int, _ body: @Sendable (Int) -> Void) {
        let threads = max(1, min(threads, count))
        guard threads > 1 else {
            for index in 0..<count { body(index) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            var index = thread
            while index < count {
                body(index)
                index += threads
            }
        }
    }

    /// `[body(0), ..., body(count − 1)]`, computed on up to `threads` threads.
    static func map<T: Sendable>(count: Int, threads: Int, _ body: @Sendable (Int) -> T) -> [T] {
        guard count > 0 else { return [] }
        var results = [T?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { buffer in
            let slots = UnsafeSendable(buffer.baseAddress!)
            forEach(count: count, threads: threads) { index in slots.pointer[index] = body(index) }
        }
        return results.map { $0! }
    }
}

/// A pointer handed to parallel iterations that each touch their own elements.
struct UnsafeSendable<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}
