/// The row shapes the JSON formats share: records (`{feature: value}`), positional rows
/// (`[value, ...]` under a list of column names or in model order), column-name lists, and
/// columnar objects (`{feature: [value, ...]}`).
extension JSONBodyDecoding {
    /// Reads `[{feature: value, ...}, ...]` at `pointer` (`/rows`, `/dataframe_records`).
    mutating func decodeRecordList(pointer: String) throws(RequestProblem) {
        guard reader.peek() == 0x5B else {
            try refuse(DecodeProblem.invalid("`\(Self.memberPath(pointer))` must be a list of objects {feature: value, ...}",
                                        pointer: pointer, field: Self.lastSegment(pointer)))
        }
        try reader.beginArray()
        var index = 0
        while try reader.hasElement(after: index) {
            guard reader.peek() == 0x7B else {
                try refuse(DecodeProblem.invalid("row \(index) must be an object {feature: value, ...}", pointer: "\(pointer)/\(index)",
                                            row: index))
            }
            try decodeRecord(pointer: pointer)
            index &+= 1
        }
    }

    /// Reads one `{feature: value, ...}` (the reader is at its `{`) as the next row;
    /// `pointer` is the list it is in.
    mutating func decodeRecord(pointer: String) throws(RequestProblem) {
        let row = out.rows
        let rowStart = try out.appendRow(pointer: "\(pointer)/\(row)")
        try reader.beginObject()
        objectNumber &+= 1
        let stamp = objectNumber
        var members = 0
        var found = 0
        var hasUnknown = false  // whether `recordUnknown` holds this record's keys
        while let key = try reader.nextKey(after: members) {
            let feature = featureIndex(of: key, position: members)
            members &+= 1
            guard feature >= 0 else {
                if !hasUnknown {
                    hasUnknown = true
                    recordUnknown.removeAll(keepingCapacity: true)
                }
                try noteUnknownKey(key, row: row, pointer: pointer)
                try reader.skipValue()
                continue
            }
            if stamps[feature] == stamp {
                let name = codec.featureNames[feature]
                throw DecodeProblem.repeatedKey(name, place: "row \(row)", row: row,
                                                pointer: "\(pointer)/\(row)/\(JSONPointer.escape(name))")
            }
            stamps[feature] = stamp
            found &+= 1
            do throws(RequestProblem) {
                out.features[rowStart &+ feature] = try readValue(feature: feature, row: row)
            } catch {
                throw DecodeProblem.locate(error, "\(pointer)/\(row)/\(JSONPointer.escape(codec.featureNames[feature]))")
            }
        }
        if found < codec.width {
            let missing = stamps.firstIndex { $0 != stamp } ?? 0
            throw DecodeProblem.missingFeature(codec.featureNames[missing], place: "row \(row)", row: row,
                                               pointer: "\(pointer)/\(row)", present: hasUnknown ? recordUnknown : [])
        }
        if hasUnknown && !ignoresUnknown, let name = recordUnknown.first {
            throw DecodeProblem.unknownFeature(name, place: "row \(row)", row: row,
                                               pointer: "\(pointer)/\(row)/\(JSONPointer.escape(name))",
                                               features: codec.featureNames)
        }
    }

    /// A record's key that names no feature (its value not read yet): refused if the
    /// record already had it (among the first ``DecodeProblem/keptUnknownNames`` such
    /// keys), and listed as ignored when ignoring. Off the path of keys that name features.
    @inline(never)
    private mutating func noteUnknownKey(_ key: JSONString, row: Int, pointer: String) throws(RequestProblem) {
        let kept = recordUnknown.count < DecodeProblem.keptUnknownNames
        guard kept || (ignoresUnknown && !ignored.isFull) else { return }
        let name = DecodeProblem.clip(reader.string(key))
        if kept {
            if recordUnknown.contains(name) {
                throw DecodeProblem.repeatedKey(name, place: "row \(row)", row: row,
                                                pointer: "\(pointer)/\(row)/\(JSONPointer.escape(name))")
            }
            recordUnknown.append(name)
        }
        if ignoresUnknown { ignored.note(name) }
    }

    /// Reads a list of column names at `pointer` (`/columns`): the feature of each column.
    /// Every feature must be named once; a name that is no feature is refused, or, when
    /// ignoring, its column is −1 (skipped by ``decodeDataRows(columns:pointer:)``).
    mutating func readColumns(pointer: String) throws(RequestProblem) -> [Int] {
        let place = "`\(Self.memberPath(pointer))`"
        guard reader.peek() == 0x5B else {
            try refuse(DecodeProblem.invalid("\(place) must be a list of feature names", pointer: pointer,
                                        field: Self.lastSegment(pointer)))
        }
        try reader.beginArray()
        objectNumber &+= 1
        let stamp = objectNumber
        var columns: [Int] = []
        var unknown: [(name: String, index: Int)] = []
        while try reader.hasElement(after: columns.count) {
            let index = columns.count
            guard reader.peekKind() == .string else {
                try refuse(DecodeProblem.invalid("column \(index) of \(place) must be a name (a string)", pointer: "\(pointer)/\(index)"))
            }
            let key = try reader.readString()
            let feature = reader.withBytes(of: key) { codec.featureIndex(of: $0) }
            if feature < 0 {
                let kept = unknown.count < DecodeProblem.keptUnknownNames
                if kept || (ignoresUnknown && !ignored.isFull) {
                    let name = DecodeProblem.clip(reader.string(key))
                    if kept {
                        if unknown.contains(where: { $0.name == name }) {
                            throw DecodeProblem.repeatedKey(name, place: place, row: nil, pointer: "\(pointer)/\(index)")
                        }
                        unknown.append((name, index))
                    }
                    if ignoresUnknown { ignored.note(name) }
                }
            } else {
                if stamps[feature] == stamp {
                    throw DecodeProblem.repeatedKey(codec.featureNames[feature], place: place, row: nil,
                                                    pointer: "\(pointer)/\(index)")
                }
                stamps[feature] = stamp
            }
            columns.append(feature)
        }
        if let missing = stamps.firstIndex(where: { $0 != stamp }) {
            throw DecodeProblem.missingFeature(codec.featureNames[missing], place: place, row: nil, pointer: pointer,
                                               present: unknown.map(\.name))
        }
        if !ignoresUnknown, let (name, index) = unknown.first {
            throw DecodeProblem.unknownFeature(name, place: place, row: nil, pointer: "\(pointer)/\(index)",
                                               features: codec.featureNames)
        }
        return columns
    }

    /// Reads `[[value, ...], ...]` at `pointer` (`/data`): row values for the features
    /// `columns` lists, or, without `columns`, every feature in model order. A column of
    /// −1 (ignored) has its values skipped, whatever their type.
    mutating func decodeDataRows(columns: [Int]?, pointer: String) throws(RequestProblem) {
        guard reader.peek() == 0x5B else {
            try refuse(DecodeProblem.invalid("`\(Self.memberPath(pointer))` must be a list of rows (lists of values)",
                                        pointer: pointer, field: Self.lastSegment(pointer)))
        }
        try reader.beginArray()
        var index = 0
        if let columns, columns.contains(where: { $0 < 0 }) {
            // Ignored columns: a loop of its own, so that rows without them test nothing per value.
            while try reader.hasElement(after: index) {
                try readPositionalRow(columns: columns, skipsIgnored: true, pointer: pointer)
                index &+= 1
            }
            return
        }
        while try reader.hasElement(after: index) {
            try decodePositionalRow(columns: columns, pointer: pointer)
            index &+= 1
        }
    }

    /// Reads one `[value, ...]` as the next row: value `i` is feature `columns[i]`, or
    /// feature `i` without `columns` (then every feature must be there, in model order).
    mutating func decodePositionalRow(columns: [Int]?, pointer: String) throws(RequestProblem) {
        try readPositionalRow(columns: columns, skipsIgnored: false, pointer: pointer)
    }

    /// ``decodePositionalRow(columns:pointer:)``; with `skipsIgnored` (a constant at each
    /// call), the values of columns −1 are skipped.
    @inline(__always)
    private mutating func readPositionalRow(columns: [Int]?, skipsIgnored: Bool, pointer: String) throws(RequestProblem) {
        let row = out.rows
        let expected = columns?.count ?? codec.width
        guard reader.peek() == 0x5B else {
            try refuse(DecodeProblem.invalid("row \(row) must be a list of \(expected) values", pointer: "\(pointer)/\(row)", row: row))
        }
        let rowStart = try out.appendRow(pointer: "\(pointer)/\(row)")
        try reader.beginArray()
        var index = 0
        while try reader.hasElement(after: index) {
            guard index < expected else {
                throw DecodeProblem.invalid("row \(row) has more than \(expected) values; \(Self.rowLength(columns))",
                                            pointer: "\(pointer)/\(row)/\(index)", row: row)
            }
            let feature = columns?[index] ?? index
            if skipsIgnored && feature < 0 {
                try reader.skipValue()
                index &+= 1
                continue
            }
            do throws(RequestProblem) {
                out.features[rowStart &+ feature] = try readValue(feature: feature, row: row)
            } catch {
                throw DecodeProblem.locate(error, "\(pointer)/\(row)/\(index)")
            }
            index &+= 1
        }
        guard index == expected else {
            throw DecodeProblem.invalid("row \(row) has \(index) values, not \(expected); \(Self.rowLength(columns))",
                                        pointer: "\(pointer)/\(row)", row: row)
        }
    }

    private static func rowLength(_ columns: [Int]?) -> String {
        columns == nil ? "without column names, each row lists every feature in model order" : "one per column name"
    }

    /// Reads `{feature: [value, ...], ...}` at `pointer` (`/inputs`): one list per
    /// feature, all the same length. A member that is no feature is refused, or skipped
    /// whole (whatever its value) when ignoring.
    mutating func decodeColumnar(pointer: String) throws(RequestProblem) {
        let place = "`\(Self.memberPath(pointer))`"
        try reader.beginObject()
        objectNumber &+= 1
        let stamp = objectNumber
        var members = 0
        var unknown: [String] = []
        var firstColumn: String?  // the column that set the row count
        while let key = try reader.nextKey(after: members) {
            members &+= 1
            let feature = reader.withBytes(of: key) { codec.featureIndex(of: $0) }
            guard feature >= 0 else {
                let kept = unknown.count < DecodeProblem.keptUnknownNames
                if kept || (ignoresUnknown && !ignored.isFull) {
                    let name = DecodeProblem.clip(reader.string(key))
                    if kept {
                        if unknown.contains(name) {
                            throw DecodeProblem.repeatedKey(name, place: place, row: nil,
                                                            pointer: "\(pointer)/\(JSONPointer.escape(name))")
                        }
                        unknown.append(name)
                    }
                    if ignoresUnknown { ignored.note(name) }
                }
                try reader.skipValue()
                continue
            }
            let name = codec.featureNames[feature]
            let columnPointer = "\(pointer)/\(JSONPointer.escape(name))"
            if stamps[feature] == stamp {
                throw DecodeProblem.repeatedKey(name, place: place, row: nil, pointer: columnPointer)
            }
            stamps[feature] = stamp
            guard reader.peek() == 0x5B else {
                try refuse(DecodeProblem.invalid("\(place) holds one list of values per feature; `\(name)` is not a list",
                                            pointer: columnPointer, field: name))
            }
            try reader.beginArray()
            var row = 0
            while try reader.hasElement(after: row) {
                if firstColumn == nil {
                    _ = try out.appendRow(pointer: "\(columnPointer)/\(row)")
                } else if row >= out.rows {
                    throw DecodeProblem.invalid(
                        "column `\(name)` has more values than `\(firstColumn ?? "")` (\(out.rows)); every column needs one per row",
                        pointer: "\(columnPointer)/\(row)", field: name, row: row)
                }
                do throws(RequestProblem) {
                    out.features[row &* codec.width &+ feature] = try readValue(feature: feature, row: row)
                } catch {
                    throw DecodeProblem.locate(error, "\(columnPointer)/\(row)")
                }
                row &+= 1
            }
            if firstColumn == nil {
                firstColumn = name
            } else if row != out.rows {
                throw DecodeProblem.invalid(
                    "column `\(name)` has \(row) values but `\(firstColumn ?? "")` has \(out.rows); every column needs one per row",
                    pointer: columnPointer, field: name)
            }
        }
        if let missing = stamps.firstIndex(where: { $0 != stamp }) {
            throw DecodeProblem.missingFeature(codec.featureNames[missing], place: place, row: nil, pointer: pointer,
                                               present: unknown)
        }
        if !ignoresUnknown, let name = unknown.first {
            throw DecodeProblem.unknownFeature(name, place: place, row: nil,
                                               pointer: "\(pointer)/\(JSONPointer.escape(name))", features: codec.featureNames)
        }
    }

    /// `/dataframe_split/data` as `dataframe_split.data`, for messages.
    static func memberPath(_ pointer: String) -> String {
        String(pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false).joined(separator: "."))
    }

    /// The last member name of a pointer (`data` for `/dataframe_split/data`).
    static func lastSegment(_ pointer: String) -> String {
        String(pointer.split(separator: "/").last ?? "")
    }
}
