import Dispatch

/// Per-column parallel loops over disjoint slots, the one place where statistics code
/// shares memory between threads.
///
/// Each index is handled by exactly one task and writes only its own slot, so the results
/// do not depend on the scheduling.
enum Parallel {
    /// `[body(0), body(1), …, body(count − 1)]`, computed concurrently.
    static func map<T: Sendable>(count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        var results = [T?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { buffer in
            let slots = Slots(base: buffer.baseAddress)
            DispatchQueue.concurrentPerform(iterations: count) { index in
                slots.base![index] = body(index)
            }
        }
        return results.map { $0! }
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
