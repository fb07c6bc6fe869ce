import ApusModel
import Dispatch

/// Splits `count` independent items into contiguous chunks, one per worker thread
/// (`threads`; 0 means one per processor), and runs `body` on each chunk.
///
/// Each item's result must depend on the item alone (its own seed, its own output slots),
/// so results do not depend on the thread count. When chunks fail, the error of the
/// earliest chunk is thrown, whatever the scheduling.
func forEachChunkInParallel(
    count: Int, threads: Int, _ body: @Sendable (Range<Int>) throws(ExplainError) -> Void
) throws(ExplainError) {
    guard count > 0 else { return }
    let workers = max(1, min(threads > 0 ? threads : processorCount(), count))
    if workers == 1 { return try body(0..<count) }
    let chunk = (count + workers - 1) / workers
    let errors = UnsafeMutableBufferPointer<ExplainError?>.allocate(capacity: workers)
    errors.initialize(repeating: nil)
    defer { errors.deinitialize().deallocate() }
    let slots = WorkerSlots(errors)
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
        let start = worker * chunk, end = min(count, start + chunk)
        guard start < end else { return }
        do throws(ExplainError) { try body(start..<end) } catch { slots.buffer[worker] = error }
    }
    if let error = errors.lazy.compactMap({ $0 }).first { throw error }
}

/// A buffer that worker threads write at disjoint indices.
struct WorkerSlots<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
    init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
}

/// A read-only buffer that worker threads share.
struct WorkerInput<Element>: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<Element>
    init(_ buffer: UnsafeBufferPointer<Element>) { self.buffer = buffer }
}
