/// The Open Inference Protocol (KServe V2) inference request:
/// `{"id"?, "parameters"?, "inputs": [tensor, ...], "outputs"?: [{"name", "parameters"?}]}`,
/// a tensor being `{"name", "shape", "datatype", "parameters"?, "data"}`.
///
/// Two layouts: one tensor per feature (named as the feature, shape `[N]` or `[N, 1]`), or
/// one numeric `[N, F]` tensor with the features in model order.
///
/// When ignoring unknown fields, an input named as no feature is skipped whole — its
/// datatype, shape and data are not checked beyond the tensor's form (an object with a
/// string `name` and `datatype`, a list of sizes as `shape`, and `data`, any JSON value) —
/// unless it can be the `[N, F]` tensor: numeric, of shape `[N, F]`, before any feature's
/// tensor. That one is the features, and the inputs after it may only be ignored ones.
extension JSONBodyDecoding {
    /// Decodes a KServe V2 body; returns its `id` and the names its `outputs` list.
    mutating func decodeKServeBody() throws(RequestProblem) -> (id: String?, outputs: [String]?) {
        switch reader.peekKind() {
        case .object: break
        case .invalid: throw reader.unexpected("a JSON object")
        default:
            try reader.skipValue()
            try reader.expectEnd()
            throw DecodeProblem.invalid("the body must be a JSON object {\"inputs\": [...]}", pointer: "")
        }
        try reader.beginObject()
        var walk = MemberWalk(place: "the body", pointer: "")
        var id: String?
        var outputs: [String]?
        while let (name, pointer) = try nextMember(&walk) {
            switch name {
            case "id":
                guard reader.peekKind() == .string else {
                    try refuse(DecodeProblem.invalid("`id` must be a string", pointer: pointer, field: name))
                }
                id = reader.string(try reader.readString())
            case "parameters":
                try skipObject(pointer: pointer, name: "parameters")
            case "inputs":
                try decodeInferInputs(pointer: pointer)
            case "outputs":
                outputs = try readRequestedOutputs(pointer: pointer)
            default:
                throw DecodeProblem.invalid(
                    "the body has an unknown member `\(name)`; an inference request takes `id`, `parameters`, `inputs` and `outputs`",
                    pointer: pointer, field: name)
            }
        }
        try reader.expectEnd()
        guard walk.seen.contains("inputs") else {
            throw DecodeProblem.invalid("the body has no `inputs`", pointer: "", field: "inputs")
        }
        return (id, outputs)
    }

    /// Skips an object (`parameters`), refusing anything else.
    private mutating func skipObject(pointer: String, name: String) throws(RequestProblem) {
        guard reader.peekKind() == .object else {
            try refuse(DecodeProblem.invalid("`\(name)` must be an object", pointer: pointer, field: name))
        }
        try reader.skipValue()
    }

    /// `[{"name": ..., "parameters"?: {...}}, ...]`: the names.
    private mutating func readRequestedOutputs(pointer: String) throws(RequestProblem) -> [String] {
        guard reader.peekKind() == .array else {
            try refuse(DecodeProblem.invalid("`outputs` must be a list of {\"name\": ...}", pointer: pointer, field: "outputs"))
        }
        try reader.beginArray()
        var names: [String] = []
        while try reader.hasElement(after: names.count) {
            let outputPointer = "\(pointer)/\(names.count)"
            guard reader.peekKind() == .object else {
                try refuse(DecodeProblem.invalid("output \(names.count) must be an object {\"name\": ...}", pointer: outputPointer))
            }
            try reader.beginObject()
            var walk = MemberWalk(place: "output \(names.count)", pointer: outputPointer)
            var outputName: String?
            while let (member, memberPointer) = try nextMember(&walk) {
                switch member {
                case "name":
                    guard reader.peekKind() == .string else {
                        try refuse(DecodeProblem.invalid("the `name` of output \(names.count) must be a string", pointer: memberPointer,
                                                    field: "name"))
                    }
                    outputName = reader.string(try reader.readString())
                case "parameters":
                    try skipObject(pointer: memberPointer, name: "parameters")
                default:
                    throw DecodeProblem.invalid(
                        "output \(names.count) has an unknown member `\(member)`; it takes `name` and `parameters`",
                        pointer: memberPointer, field: member)
                }
            }
            guard let outputName else {
                throw DecodeProblem.invalid("output \(names.count) has no `name`", pointer: outputPointer, field: "name")
            }
            names.append(outputName)
        }
        return names
    }

    // MARK: Inputs

    /// What the tensors read so far have settled.
    struct InferInputs {
        enum Layout {
            case undecided
            /// One tensor per feature; the first one's name set the row count.
            case perFeature(first: String)
            /// One `[N, F]` tensor.
            case matrix
        }

        var layout = Layout.undecided
        /// Stamp of the features that have a tensor.
        var stamp: Int
        /// Tensors named as no feature, with their index.
        var unknown: [(name: String, index: Int)] = []
    }

    /// A tensor's description, read before (or after) its `data`.
    struct TensorHeader {
        var name: String?
        var shape: [Int]?
        var datatype: String?
        var isComplete: Bool { name != nil && shape != nil && datatype != nil }
    }

    private mutating func decodeInferInputs(pointer: String) throws(RequestProblem) {
        guard reader.peekKind() == .array else {
            try refuse(DecodeProblem.invalid("`inputs` must be a list of tensors {\"name\", \"shape\", \"datatype\", \"data\"}",
                                        pointer: pointer, field: "inputs"))
        }
        try reader.beginArray()
        objectNumber &+= 1
        var inputs = InferInputs(stamp: objectNumber)
        var index = 0
        while try reader.hasElement(after: index) {
            // (When ignoring, inputs named as no feature may follow the [N, F] tensor;
            // `decodeTensorData` refuses a feature's tensor after it.)
            if case .matrix = inputs.layout, !ignoresUnknown {
                throw DecodeProblem.invalid(onlyMatrix, pointer: "\(pointer)/\(index)")
            }
            guard reader.peekKind() == .object else {
                try refuse(DecodeProblem.invalid("input \(index) must be a tensor {\"name\", \"shape\", \"datatype\", \"data\"}",
                                            pointer: "\(pointer)/\(index)"))
            }
            try decodeTensor(index: index, pointer: "\(pointer)/\(index)", inputs: &inputs)
            index &+= 1
        }
        guard index > 0 else {
            throw DecodeProblem.invalid("`inputs` is empty; send one tensor per feature, or one [N, \(codec.width)] tensor",
                                        pointer: pointer, field: "inputs")
        }
        let perFeature = switch inputs.layout {
        case .perFeature: true
        case .undecided: ignoresUnknown  // every input was ignored: the features are missing
        case .matrix: false
        }
        if perFeature {
            if let missing = stamps.firstIndex(where: { $0 != inputs.stamp }) {
                throw DecodeProblem.missingFeature(codec.featureNames[missing], place: "`inputs`", row: nil, pointer: pointer,
                                                   present: inputs.unknown.map(\.name))
            }
        }
        if !ignoresUnknown, let (name, index) = inputs.unknown.first {
            throw DecodeProblem.unknownFeature(name, place: "`inputs`", row: nil, pointer: "\(pointer)/\(index)/name",
                                               features: codec.featureNames)
        }
        guard out.rows > 0 else {
            throw DecodeProblem.noRows("the tensors' shapes have no rows", pointer: pointer, field: "inputs")
        }
    }

    private var onlyMatrix: String {
        guard ignoresUnknown else {
            return "an [N, \(codec.width)] tensor must be the only input; send it alone, or one [N] tensor per feature"
        }
        return "an [N, \(codec.width)] tensor holds every feature and cannot be sent with a feature's own tensor; "
            + "send it without them (inputs named as no feature are ignored), or one [N] tensor per feature"
    }

    private mutating func decodeTensor(index: Int, pointer: String, inputs: inout InferInputs) throws(RequestProblem) {
        try reader.beginObject()
        var walk = MemberWalk(place: "input \(index)", pointer: pointer)
        var header = TensorHeader()
        var pendingData: Mark?
        while let (member, memberPointer) = try nextMember(&walk) {
            switch member {
            case "name":
                guard reader.peekKind() == .string else {
                    try refuse(DecodeProblem.invalid("the `name` of input \(index) must be a string", pointer: memberPointer,
                                                field: "name"))
                }
                header.name = reader.string(try reader.readString())
            case "shape":
                header.shape = try readShape(pointer: memberPointer, tensor: index)
            case "datatype":
                guard reader.peekKind() == .string else {
                    try refuse(DecodeProblem.invalid("the `datatype` of input \(index) must be a string", pointer: memberPointer,
                                                field: "datatype"))
                }
                header.datatype = reader.string(try reader.readString())
            case "parameters":
                try skipObject(pointer: memberPointer, name: "parameters")
            case "data":
                if header.isComplete {
                    try decodeTensorData(header, pointer: pointer, inputs: &inputs)
                } else {
                    // `name`, `shape` or `datatype` still to come: read the data after them.
                    pendingData = mark
                    try reader.skipValue()
                }
            default:
                throw DecodeProblem.invalid(
                    "input \(index) has an unknown member `\(member)`; a tensor takes `name`, `shape`, `datatype`, `parameters` and `data`",
                    pointer: memberPointer, field: member)
            }
        }
        for (member, present) in [("name", header.name != nil), ("shape", header.shape != nil),
                                  ("datatype", header.datatype != nil), ("data", walk.seen.contains("data"))] where !present {
            let which = header.name.map { "input `\($0)`" } ?? "input \(index)"
            throw DecodeProblem.invalid("\(which) has no `\(member)`", pointer: pointer, field: member)
        }
        if let pendingData {
            let end = mark
            seek(to: pendingData)
            try decodeTensorData(header, pointer: pointer, inputs: &inputs)
            seek(to: end)
        }
    }

    /// `[N]`, `[N, 1]`, `[N, F]`: non-negative integers.
    private mutating func readShape(pointer: String, tensor: Int) throws(RequestProblem) -> [Int] {
        guard reader.peekKind() == .array else {
            try refuse(DecodeProblem.invalid("the `shape` of input \(tensor) must be a list of sizes", pointer: pointer, field: "shape"))
        }
        try reader.beginArray()
        var shape: [Int] = []
        while try reader.hasElement(after: shape.count) {
            let problem = DecodeProblem.invalid("the `shape` of input \(tensor) must hold sizes (whole numbers, 0 or more)",
                                                pointer: "\(pointer)/\(shape.count)", field: "shape")
            guard reader.peekKind() == .number else { try refuse(problem) }
            guard let size = try reader.readCount(below: 1 << 53), shape.count < 8 else { throw problem }
            shape.append(size)
        }
        return shape
    }

    /// What values a datatype admits; FP16 and unknown datatypes are refused.
    private func constraint(for datatype: String, tensor: String, pointer: String) throws(RequestProblem) -> ValueConstraint {
        switch datatype {
        case "BOOL": return .boolean
        case "UINT8": return .integer(min: 0, below: 0x1p8, datatype: datatype)
        case "UINT16": return .integer(min: 0, below: 0x1p16, datatype: datatype)
        case "UINT32": return .integer(min: 0, below: 0x1p32, datatype: datatype)
        case "UINT64": return .integer(min: 0, below: 0x1p64, datatype: datatype)
        case "INT8": return .integer(min: -0x1p7, below: 0x1p7, datatype: datatype)
        case "INT16": return .integer(min: -0x1p15, below: 0x1p15, datatype: datatype)
        case "INT32": return .integer(min: -0x1p31, below: 0x1p31, datatype: datatype)
        case "INT64": return .integer(min: -0x1p63, below: 0x1p63, datatype: datatype)
        case "FP32", "FP64": return .float(datatype: datatype)
        case "BYTES": return .text
        case "FP16":
            throw DecodeProblem.invalid("input `\(tensor)` is FP16, which Apus does not read; send FP32 or FP64",
                                        pointer: pointer, field: tensor)
        default:
            throw DecodeProblem.invalid(
                "input `\(tensor)` has the unknown datatype `\(datatype)`; use BOOL, UINT8…UINT64, INT8…INT64, FP32, FP64 or BYTES",
                pointer: pointer, field: tensor)
        }
    }

    /// Places a tensor (its header read, the reader at its `data`) in the rows.
    private mutating func decodeTensorData(_ header: TensorHeader, pointer: String,
                                           inputs: inout InferInputs) throws(RequestProblem) {
        guard let fullName = header.name, let shape = header.shape, let datatype = header.datatype else { return }
        let feature = codec.featureIndex(named: fullName)
        let name = DecodeProblem.clip(fullName)
        let width = codec.width
        let matrixShape = shape.count == 2 && shape[1] == width && (width > 1 || feature < 0)
        if feature < 0 && ignoresUnknown {
            var undecided = false
            if case .undecided = inputs.layout { undecided = true }
            if !(matrixShape && undecided && datatype != "BYTES") {
                // A tensor the model does not read, and not the [N, F] one: skipped whole.
                if inputs.unknown.count < DecodeProblem.keptUnknownNames {
                    inputs.unknown.append((name, Self.tensorIndex(pointer)))
                }
                ignored.note(name)
                try reader.skipValue()
                return
            }
        }
        let constraint = try constraint(for: DecodeProblem.clip(datatype), tensor: name, pointer: "\(pointer)/datatype")
        if matrixShape {
            guard case .undecided = inputs.layout, inputs.unknown.isEmpty || ignoresUnknown else {
                throw DecodeProblem.invalid(onlyMatrix, pointer: pointer, field: name)
            }
            if case .text = constraint {
                throw DecodeProblem.invalid("the [N, \(width)] input `\(name)` must be numeric, not BYTES; send BYTES as one tensor per feature",
                                            pointer: "\(pointer)/datatype", field: name)
            }
            try allocateRows(shape: shape, name: name, pointer: pointer)
            inputs.layout = .matrix
            try readTensorValues(shape: shape, constraint: constraint, feature: nil, name: name, pointer: pointer)
            return
        }
        guard shape.count == 1 || (shape.count == 2 && shape[1] == 1) else {
            throw DecodeProblem.invalid(
                "input `\(name)` has shape \(shape); send one tensor per feature of shape [N] or [N, 1], or one [N, \(width)] tensor with the features in model order",
                pointer: "\(pointer)/shape", field: name)
        }
        guard feature >= 0 else {
            if inputs.unknown.count < DecodeProblem.keptUnknownNames { inputs.unknown.append((name, Self.tensorIndex(pointer))) }
            try reader.skipValue()
            return
        }
        if stamps[feature] == inputs.stamp {
            throw DecodeProblem.repeatedKey(name, place: "`inputs`", row: nil, pointer: "\(pointer)/name")
        }
        stamps[feature] = inputs.stamp
        switch inputs.layout {
        case .undecided:
            try allocateRows(shape: shape, name: name, pointer: pointer)
            inputs.layout = .perFeature(first: name)
        case .perFeature(let first):
            guard shape[0] == out.rows else {
                throw DecodeProblem.invalid(
                    "input `\(name)` has \(shape[0]) rows but `\(first)` has \(out.rows); every feature's tensor needs one value per row",
                    pointer: "\(pointer)/shape/0", field: name)
            }
        case .matrix:
            throw DecodeProblem.invalid(onlyMatrix, pointer: pointer, field: name)
        }
        try readTensorValues(shape: shape, constraint: constraint, feature: feature, name: name, pointer: pointer)
    }

    /// Adds the rows a tensor's shape declares: a 413 past the row limit; refused if the
    /// whole body could not hold that many values (each takes a byte and a comma), so a
    /// short body cannot make the server allocate a large matrix.
    private mutating func allocateRows(shape: [Int], name: String, pointer: String) throws(RequestProblem) {
        guard shape[0] <= out.maxRows - out.rows else {
            throw DecodeProblem.tooManyRows(limit: out.maxRows, pointer: "\(pointer)/shape/0")
        }
        let (values, overflow) = shape[0].multipliedReportingOverflow(by: shape.count == 2 ? shape[1] : 1)
        guard !overflow, values <= reader.count / 2 + 1 else {
            throw DecodeProblem.invalid("input `\(name)` has shape \(shape), more values than the body's \(reader.count) bytes hold",
                                        pointer: "\(pointer)/shape", field: name)
        }
        try out.appendRows(shape[0], pointer: "\(pointer)/shape/0")
    }

    private static func tensorIndex(_ pointer: String) -> Int {
        Int(lastSegment(pointer)) ?? 0
    }

    /// Reads `data` (flat, or nested as `shape`) into the rows: for one feature's tensor,
    /// value `i` is row `i`; for the `[N, F]` tensor (`feature` nil), value `(i, j)` is row
    /// `i`, feature `j`.
    private mutating func readTensorValues(shape: [Int], constraint: ValueConstraint, feature: Int?, name: String,
                                           pointer: String) throws(RequestProblem) {
        let dataPointer = "\(pointer)/data"
        guard reader.peekKind() == .array else {
            try refuse(DecodeProblem.invalid("the `data` of input `\(name)` must be a list", pointer: dataPointer, field: name))
        }
        let rows = shape[0]
        let columns = shape.count == 2 ? shape[1] : 1
        let expected = rows * columns
        let width = codec.width
        try reader.beginArray()
        var outer = 0
        var count = 0  // values read
        var row = 0, column = 0  // of the next flat value
        var nested: Bool?
        while try reader.hasElement(after: outer) {
            let isList = reader.peekKind() == .array
            if nested == nil { nested = isList }
            guard isList == nested else {
                throw DecodeProblem.invalid("the `data` of input `\(name)` mixes nested lists and plain values",
                                            pointer: "\(dataPointer)/\(outer)", field: name)
            }
            if isList {
                guard shape.count == 2 else {
                    throw DecodeProblem.invalid("the `data` of input `\(name)` is nested, but its shape \(shape) has one dimension",
                                                pointer: "\(dataPointer)/\(outer)", field: name)
                }
                guard outer < rows else {
                    throw DecodeProblem.invalid("the `data` of input `\(name)` has more than the \(rows) rows of its shape \(shape)",
                                                pointer: "\(dataPointer)/\(outer)", field: name, row: outer)
                }
                try reader.beginArray()
                var inner = 0
                while try reader.hasElement(after: inner) {
                    guard inner < columns else {
                        throw DecodeProblem.invalid(
                            "row \(outer) of the `data` of input `\(name)` has more than the \(columns) values of its shape \(shape)",
                            pointer: "\(dataPointer)/\(outer)/\(inner)", field: name, row: outer)
                    }
                    let target = feature ?? inner
                    do throws(RequestProblem) {
                        out.features[outer &* width &+ target] = try readValue(feature: target, row: outer, constraint: constraint)
                    } catch {
                        throw DecodeProblem.locate(error, "\(dataPointer)/\(outer)/\(inner)")
                    }
                    inner &+= 1
                }
                guard inner == columns else {
                    throw DecodeProblem.invalid(
                        "row \(outer) of the `data` of input `\(name)` has \(inner) values; its shape \(shape) says \(columns)",
                        pointer: "\(dataPointer)/\(outer)", field: name, row: outer)
                }
                count &+= columns
            } else {
                guard count < expected else {
                    throw DecodeProblem.invalid(
                        "the `data` of input `\(name)` holds more than the \(expected) values of its shape \(shape)",
                        pointer: "\(dataPointer)/\(count)", field: name)
                }
                let target = feature ?? column
                do throws(RequestProblem) {
                    out.features[row &* width &+ target] = try readValue(feature: target, row: row, constraint: constraint)
                } catch {
                    throw DecodeProblem.locate(error, "\(dataPointer)/\(count)")
                }
                count &+= 1
                column &+= 1
                if column == columns {
                    column = 0
                    row &+= 1
                }
            }
            outer &+= 1
        }
        guard count == expected else {
            throw DecodeProblem.invalid("the `data` of input `\(name)` holds \(count) values; its shape \(shape) holds \(expected)",
                                        pointer: dataPointer, field: name)
        }
    }
}
