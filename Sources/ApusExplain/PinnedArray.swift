/// An array's elements copied to memory that stays put for the owner's lifetime, so hot
/// loops on worker threads can read them through a plain pointer (no closures to pin them,
/// no bounds checks). Immutable after creation, hence safe to share between threads.
final class PinnedArray<Element: Sendable>: @unchecked Sendable {
    /// The first element (valid for `count` elements, at least one slot allocated).
    let base: UnsafeMutablePointer<Element>
    let count: Int

    init(_ elements: [Element]) {
        count = elements.count
        base = UnsafeMutablePointer<Element>.allocate(capacity: max(1, elements.count))
        elements.withUnsafeBufferPointer { source in
            if let start = source.baseAddress { base.initialize(from: start, count: source.count) }
        }
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }
}
