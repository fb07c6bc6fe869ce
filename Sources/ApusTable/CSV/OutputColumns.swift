/// The buffers that parsed values are written into, one per column, growing block by block.
final class OutputColumns: @unchecked Sendable {
    enum Storage {
        case doubles(ColumnBuffer<Double>)
        case codes(ColumnBuffer<UInt32>)
        case flags(ColumnBuffer<UInt8>)
        case text(bytes: ColumnBuffer<UInt8>, offsets: ColumnBuffer<Int>, missing: ColumnBuffer<UInt8>)
    }

    let kinds: [ColumnKind]
    let storages: [Storage]
    private(set) var rowCount = 0

    init(kinds: [ColumnKind], capacity: Int) {
        self.kinds = kinds
        storages = kinds.map { kind in
            switch kind {
            case .numeric, .timestamp: .doubles(ColumnBuffer(capacity: capacity))
            case .categorical: .codes(ColumnBuffer(capacity: capacity))
            case .boolean: .flags(ColumnBuffer(capacity: capacity))
            case .text:
                .text(bytes: ColumnBuffer(capacity: 1024), offsets: ColumnBuffer(repeating: 0, count: 1),
                      missing: ColumnBuffer(capacity: capacity))
            }
        }
    }

    /// Makes room for `rows` rows in every column.
    func reserve(rows: Int) {
        for storage in storages {
            switch storage {
            case .doubles(let b): b.growIfNeeded(toHold: rows)
            case .codes(let b): b.growIfNeeded(toHold: rows)
            case .flags(let b): b.growIfNeeded(toHold: rows)
            case .text(_, let offsets, let missing):
                offsets.growIfNeeded(toHold: rows + 1)
                missing.growIfNeeded(toHold: rows)
            }
        }
    }

    /// Raw pointers to write row values through (valid until the next `reserve`).
    func pointers() -> [ColumnPointers] {
        storages.map { storage in
            switch storage {
            case .doubles(let b): ColumnPointers(doubles: b.baseAddress)
            case .codes(let b): ColumnPointers(codes: b.baseAddress)
            case .flags(let b): ColumnPointers(bytes: b.baseAddress)
            case .text(_, let offsets, let missing): ColumnPointers(bytes: missing.baseAddress, offsets: offsets.baseAddress)
            }
        }
    }

    /// Moves `count` rows written at `source` down to `destination` (after skipped rows).
    func moveRows(from source: Int, to destination: Int, count: Int) {
        guard source != destination, count > 0 else { return }
        for storage in storages {
            switch storage {
            case .doubles(let b): (b.baseAddress + destination).update(from: b.baseAddress + source, count: count)
            case .codes(let b): (b.baseAddress + destination).update(from: b.baseAddress + source, count: count)
            case .flags(let b): (b.baseAddress + destination).update(from: b.baseAddress + source, count: count)
            case .text(_, let offsets, let missing):
                (offsets.baseAddress + destination + 1).update(from: offsets.baseAddress + source + 1, count: count)
                (missing.baseAddress + destination).update(from: missing.baseAddress + source, count: count)
            }
        }
    }

    /// Declares the first `rows` rows written.
    func setRowCount(_ rows: Int) {
        rowCount = rows
        for storage in storages {
            switch storage {
            case .doubles(let b): b.setCount(rows)
            case .codes(let b): b.setCount(rows)
            case .flags(let b): b.setCount(rows)
            case .text(_, let offsets, let missing):
                offsets.setCount(rows + 1)
                missing.setCount(rows)
            }
        }
    }

    /// The finished columns; `levels` holds each categorical column's level strings.
    func makeColumns(levels: [[String]]) -> [Column] {
        zip(storages.indices, storages).map { index, storage in
            switch storage {
            case .doubles(let b):
                b.shrinkToFit()
                return kinds[index] == .timestamp ? .timestamp(TimestampColumn(storage: b)) : .numeric(NumericColumn(storage: b))
            case .codes(let b):
                b.shrinkToFit()
                return .categorical(CategoricalColumn(codes: b, levels: levels[index]))
            case .flags(let b):
                b.shrinkToFit()
                return .boolean(BooleanColumn(storage: b))
            case .text(let bytes, let offsets, let missing):
                bytes.shrinkToFit(); offsets.shrinkToFit(); missing.shrinkToFit()
                return .text(TextColumn(bytes: bytes, offsets: offsets, missing: missing))
            }
        }
    }
}
