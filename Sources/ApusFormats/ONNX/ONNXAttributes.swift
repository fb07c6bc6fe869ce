import FormatProtos
import Foundation

/// A tree node's attributes by name, read with the type checks an importer needs: every
/// accessor names the attribute in its error.
struct ONNXAttributes {
    let node: String
    private let byName: [String: Onnx_AttributeProto]

    init(_ node: Onnx_NodeProto) {
        self.node = node.opType
        var byName: [String: Onnx_AttributeProto] = [:]
        for attribute in node.attribute { byName[attribute.name] = attribute }
        self.byName = byName
    }

    func has(_ name: String) -> Bool { byName[name] != nil }

    func ints(_ name: String, required: Bool = true) throws(ImportError) -> [Int64] {
        guard let attribute = byName[name] else {
            if required { throw ImportError("\(node): attribute `\(name)` is missing") }
            return []
        }
        return attribute.ints
    }

    func int(_ name: String, default value: Int64) -> Int64 {
        byName[name].map(\.i) ?? value
    }

    func string(_ name: String, default value: String) -> String {
        byName[name].map { String(decoding: $0.s, as: UTF8.self) } ?? value
    }

    func strings(_ name: String) -> [String] {
        (byName[name]?.strings ?? []).map { String(decoding: $0, as: UTF8.self) }
    }

    /// A list of reals: `name` as floats, or `name_as_tensor` (opset 3) or a tensor
    /// attribute `name` (opset 5) of float or double.
    func reals(_ name: String, required: Bool = true) throws(ImportError) -> [Double] {
        if let attribute = byName[name] {
            if attribute.type == .tensor || attribute.hasT { return try Self.reals(of: attribute.t, name: "\(node).\(name)") }
            return attribute.floats.map(Double.init)
        }
        if let attribute = byName[name + "_as_tensor"] { return try Self.reals(of: attribute.t, name: "\(node).\(name)_as_tensor") }
        if required { throw ImportError("\(node): attribute `\(name)` is missing") }
        return []
    }

    /// The bytes of a uint8 tensor attribute (opset 5's `nodes_modes`).
    func bytes(_ name: String) throws(ImportError) -> [UInt8] {
        guard let tensor = byName[name]?.t else { throw ImportError("\(node): attribute `\(name)` is missing") }
        guard tensor.dataType == Int32(Onnx_TensorProto.DataType.uint8.rawValue) else {
            throw ImportError("\(node).\(name): expected a uint8 tensor, found data type \(tensor.dataType)")
        }
        if !tensor.rawData.isEmpty { return Array(tensor.rawData) }
        return try tensor.int32Data.map { (value: Int32) throws(ImportError) -> UInt8 in
            guard let byte = UInt8(exactly: value) else { throw ImportError("\(node).\(name): \(value) is not a uint8") }
            return byte
        }
    }

    static func reals(of tensor: Onnx_TensorProto, name: String) throws(ImportError) -> [Double] {
        let float = Int32(Onnx_TensorProto.DataType.float.rawValue), double = Int32(Onnx_TensorProto.DataType.double.rawValue)
        let raw = tensor.rawData
        switch tensor.dataType {
        case double where !raw.isEmpty:
            guard raw.count % 8 == 0 else { throw ImportError("\(name): \(raw.count) raw bytes are not whole doubles") }
            return stride(from: 0, to: raw.count, by: 8).map { offset in
                var bits: UInt64 = 0
                for byte in 0..<8 { bits |= UInt64(raw[raw.startIndex + offset + byte]) << (8 * byte) }
                return Double(bitPattern: bits)
            }
        case double:
            return tensor.doubleData
        case float where !raw.isEmpty:
            guard raw.count % 4 == 0 else { throw ImportError("\(name): \(raw.count) raw bytes are not whole floats") }
            return stride(from: 0, to: raw.count, by: 4).map { offset in
                var bits: UInt32 = 0
                for byte in 0..<4 { bits |= UInt32(raw[raw.startIndex + offset + byte]) << (8 * byte) }
                return Double(Float(bitPattern: bits))
            }
        case float:
            return tensor.floatData.map(Double.init)
        default:
            throw ImportError("\(name): expected a float or double tensor, found data type \(tensor.dataType)")
        }
    }
}
