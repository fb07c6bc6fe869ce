#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Contiguous, fixed-layout storage for the values of one column.
///
/// A buffer is written while a column is being built (by the CSV reader or an
/// operation, inside this module) and never changed once the column is handed out, so
/// sharing it between columns and threads is safe: the mutating methods are internal, and
/// other modules build buffers whole, with `init(count:initializingWith:)` or from a
/// collection. Growth uses `realloc`, which on Linux moves large blocks by remapping pages
/// rather than copying them.
public final class ColumnBuffer<Element: BitwiseCopyable>: @unchecked Sendable {
    // A buffer is written by one builder at a time (see above), so the dynamic
    // exclusivity checks that class properties get, which cost more than the accesses in
    // hot loops, are turned off.

    /// The first element; valid for `capacity` elements.
    @usableFromInline @exclusivity(unchecked) private(set) var baseAddress: UnsafeMutablePointer<Element>
    /// Number of initialised elements.
    @exclusivity(unchecked) public internal(set) var count: Int
    /// Number of elements the allocation holds.
    @exclusivity(unchecked) public private(set) var capacity: Int

    /// Creates an empty buffer with room for `capacity` elements.
    init(capacity: Int = 0) {
        let capacity = Swift.max(capacity, 1)
        self.baseAddress = ColumnBuffer.allocate(capacity)
        self.count = 0
        self.capacity = capacity
    }

    /// Creates a buffer holding a copy of `values`.
    public convenience init(_ values: some Collection<Element>) {
        self.init(capacity: values.count)
        for value in values { append(value) }
    }

    /// Creates a buffer of `count` elements that `body` initialises, all of them.
    public convenience init(count: Int, initializingWith body: (UnsafeMutableBufferPointer<Element>) throws -> Void) rethrows {
        self.init(capacity: count)
        try body(UnsafeMutableBufferPointer(start: baseAddress, count: count))
        self.count = count
    }

    /// Creates a buffer of `count` copies of `value`.
    public convenience init(repeating value: Element, count: Int) {
        self.init(capacity: count)
        baseAddress.initialize(repeating: value, count: count)
        self.count = count
    }

    deinit { free(baseAddress) }

    private static func allocate(_ capacity: Int) -> UnsafeMutablePointer<Element> {
        let bytes = capacity * MemoryLayout<Element>.stride
        guard let raw = malloc(Swift.max(bytes, 1)) else {
            fatalError("ColumnBuffer: out of memory allocating \(bytes) bytes")
        }
        return raw.bindMemory(to: Element.self, capacity: capacity)
    }

    /// Makes room for at least `minimumCapacity` elements, keeping the contents.
    func reserveCapacity(_ minimumCapacity: Int) {
        guard minimumCapacity > capacity else { return }
        let bytes = minimumCapacity * MemoryLayout<Element>.stride
        guard let raw = realloc(baseAddress, bytes) else {
            fatalError("ColumnBuffer: out of memory growing to \(bytes) bytes")
        }
        baseAddress = raw.bindMemory(to: Element.self, capacity: minimumCapacity)
        capacity = minimumCapacity
    }

    /// Makes room for at least `minimumCapacity` elements, growing at least 1.5-fold so
    /// that repeated calls stay amortised O(1).
    func growIfNeeded(toHold minimumCapacity: Int) {
        guard minimumCapacity > capacity else { return }
        reserveCapacity(Swift.max(minimumCapacity, capacity + capacity / 2))
    }

    /// Appends one element, growing geometrically when full.
    func append(_ value: Element) {
        if count == capacity { reserveCapacity(Swift.max(16, capacity + capacity / 2)) }
        baseAddress[count] = value
        count += 1
    }

    /// Sets the number of initialised elements after writing through `baseAddress`.
    /// - Precondition: `newCount <= capacity`.
    func setCount(_ newCount: Int) {
        precondition(newCount >= 0 && newCount <= capacity, "ColumnBuffer count out of range")
        count = newCount
    }

    /// Gives up memory held beyond `count`.
    func shrinkToFit() {
        guard capacity > count + 16 else { return }
        let keep = Swift.max(count, 1)
        if let raw = realloc(baseAddress, keep * MemoryLayout<Element>.stride) {
            baseAddress = raw.bindMemory(to: Element.self, capacity: keep)
            capacity = keep
        }
    }

    /// The element at `index`.
    @inlinable
    public subscript(index: Int) -> Element {
        precondition(index >= 0 && index < count, "index \(index) out of range 0..<\(count)")
        return baseAddress[index]
    }

    /// Calls `body` with a read-only view of the initialised elements.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: baseAddress, count: count))
    }

    /// The elements as an array (a copy).
    public var array: [Element] {
        withUnsafeBufferPointer { Array($0) }
    }

}
