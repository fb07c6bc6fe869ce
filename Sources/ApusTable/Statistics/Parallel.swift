import Dispatch

/// Per-column parallel loops over disjoint slots, the one place where statistics code
/// shares memory between threads (also used by ApusMonitor's data quality checks).
///
/// Each index is handled by exactly one task and writes only its own slot, so the results
/// do not depend on the scheduling.
public enum Parallel {
    /// `[body(0), body(1), …, body(count − 1)]`, computed concurrently.
    public static func map<T: Sendable>(count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        var results = [T?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { buffer in
            let slots = Slots(base: buffer.baseAddress)
            DispatchQueue.concurrentPerform(iterations: count) { index in
                slots.base![index] = body(index)
            }
        }
        return results.map { $0! }
    }

    /// Calls `body` with each index in `0..<count` and a pointer to `buffer`'s storage,
    /// concurrently; each call must write only its own part of the buffer.
    public static func forEachBlock<T>(count: Int, writing buffer: inout [T],
                                       _ body: @Sendable (Int, UnsafeMutablePointer<T>) -> Void) {
        buffer.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let slots = Slots(base: base)
            DispatchQueue.concurrentPerform(iterations: count) { index in
                if let base = slots.base { body(index, base) }
            }
        }
    }

    /// Calls `body` on every element of `elements` concurrently, each element in place.
    static func forEach<T>(_ elements: inout [T], _ body: @Sendable (Int, inout T) -> Void) {
        let count = elements.count
        elements.withUnsafeMutableBufferPointer { buffer in
            let slots = Slots(base: buffer.baseAddress)
            DispatchQueue.concurrentPerform(iterations: count) { index in
                body(index, &slots.base![index])
            }
        }
    }

    /// A buffer's base address, handed to tasks that each touch a different element.
    private struct Slots<Element>: @unchecked Sendable {
        let base: UnsafeMutablePointer<Element>?
    }
}
