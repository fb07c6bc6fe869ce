import ApusTable

/// What one pass over a numeric feature's column found: missing values, values that are
/// not numbers, whether the values vary, and the values outside the training range.
struct NumericScan: Sendable {
    /// The training range; infinite bounds when unknown.
    let low: Double, high: Double
    private(set) var missing = 0
    private(set) var present = 0
    /// Values that do not read as numbers (a categorical or text column).
    private(set) var notNumbers = 0
    private(set) var firstNotNumber: (row: Int, text: String)?
    private(set) var firstValue: (row: Int, value: Double)?
    private(set) var varies = false
    private(set) var below = 0, above = 0
    private(set) var lowest = Double.infinity, lowestRow = -1
    private(set) var highest = -Double.infinity, highestRow = -1
    private(set) var firstMissingRow: Int?

    init(low: Double, high: Double) {
        self.low = low
        self.high = high
    }

    @inline(__always)
    mutating func add(_ value: Double, row: Int) {
        if value.isNaN {
            missing &+= 1
            if firstMissingRow == nil { firstMissingRow = row }
            return
        }
        present &+= 1
        if let first = firstValue {
            if value != first.value { varies = true }
        } else {
            firstValue = (row, value)
        }
        if value < low {
            below &+= 1
            if value < lowest { lowest = value; lowestRow = row }
        } else if value > high {
            above &+= 1
            if value > highest { highest = value; highestRow = row }
        }
    }

    mutating func addNotNumber(_ text: String, row: Int) {
        notNumbers += 1
        if firstNotNumber == nil { firstNotNumber = (row, text) }
    }

    /// Scans `column` as the scorer reads it for a numeric feature: numbers, timestamps (seconds)
    /// and booleans (0/1) directly; categorical and text values through `Double(text)`.
    static func scan(_ column: Column, low: Double, high: Double) -> NumericScan {
        var scan = NumericScan(low: low, high: high)
        switch column {
        case .numeric(let c): scan.addAll(c.storage)
        case .timestamp(let c): scan.addAll(c.storage)
        case .boolean(let c):
            c.storage.withUnsafeBufferPointer { bytes in
                for row in bytes.indices {
                    scan.add(bytes[row] == BooleanColumn.missingByte ? .nan : Double(bytes[row]), row: row)
                }
            }
        case .categorical(let c):
            // Each level is read once; a level that is not a number is nil.
            let numbers = c.levels.map { Double($0) }
            c.codes.withUnsafeBufferPointer { codes in
                for row in codes.indices {
                    let code = codes[row]
                    if code == CategoricalColumn.missingCode { scan.add(.nan, row: row); continue }
                    if let value = numbers[Int(code)] {
                        scan.add(value, row: row)
                    } else {
                        scan.addNotNumber(c.levels[Int(code)], row: row)
                    }
                }
            }
        case .text(let c):
            // A text column in a numeric feature is a schema error; parsing row by row is fine there.
            for row in 0..<c.count {
                guard let text = c[row] else { scan.add(.nan, row: row); continue }
                if let value = Double(text) { scan.add(value, row: row) } else { scan.addNotNumber(text, row: row) }
            }
        }
        return scan
    }

    private mutating func addAll(_ storage: ColumnBuffer<Double>) {
        storage.withUnsafeBufferPointer { values in
            for row in values.indices { add(values[row], row: row) }
        }
    }
}
