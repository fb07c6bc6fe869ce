import FormatProtos
import Foundation

/// Small constructors of ONNX messages, so the exporters read as the graphs they build.
enum ONNXBuilding {
    static let mlDomain = "ai.onnx.ml"

    static func attribute(_ name: String, ints: [Int64]) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .ints
        attribute.ints = ints
        return attribute
    }

    static func attribute(_ name: String, floats: [Float]) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .floats
        attribute.floats = floats
        return attribute
    }

    static func attribute(_ name: String, strings: [String]) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .strings
        attribute.strings = strings.map { Data($0.utf8) }
        return attribute
    }

    static func attribute(_ name: String, int: Int64) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .int
        attribute.i = int
        return attribute
    }

    static func attribute(_ name: String, string: String) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .string
        attribute.s = Data(string.utf8)
        return attribute
    }

    static func attribute(_ name: String, tensor: Onnx_TensorProto) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .tensor
        attribute.t = tensor
        return attribute
    }

    /// A 1-D (or `dims`-shaped) double tensor.
    static func tensor(_ name: String = "", doubles: [Double], dims: [Int64]? = nil) -> Onnx_TensorProto {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dataType = Int32(Onnx_TensorProto.DataType.double.rawValue)
        tensor.dims = dims ?? [Int64(doubles.count)]
        tensor.doubleData = doubles
        return tensor
    }

    /// A 1-D uint8 tensor (its bytes as raw data).
    static func tensor(bytes: [UInt8]) -> Onnx_TensorProto {
        var tensor = Onnx_TensorProto()
        tensor.dataType = Int32(Onnx_TensorProto.DataType.uint8.rawValue)
        tensor.dims = [Int64(bytes.count)]
        tensor.rawData = Data(bytes)
        return tensor
    }

    /// A scalar or shaped float tensor.
    static func tensor(_ name: String, floats: [Float], dims: [Int64]) -> Onnx_TensorProto {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        tensor.dims = dims
        tensor.floatData = floats
        return tensor
    }

    static func node(
        _ opType: String, inputs: [String], outputs: [String], name: String, domain: String = "",
        attributes: [Onnx_AttributeProto] = []
    ) -> Onnx_NodeProto {
        var node = Onnx_NodeProto()
        node.opType = opType
        node.input = inputs
        node.output = outputs
        node.name = name
        if !domain.isEmpty { node.domain = domain }
        node.attribute = attributes
        return node
    }

    /// A tensor value: `elementType` with dimensions given as numbers or named (`"N"`).
    static func value(_ name: String, elementType: Onnx_TensorProto.DataType, dims: [ONNXDimension], doc: String = "") -> Onnx_ValueInfoProto {
        var shape = Onnx_TensorShapeProto()
        shape.dim = dims.map { dimension in
            var dim = Onnx_TensorShapeProto.Dimension()
            switch dimension {
            case .fixed(let size): dim.dimValue = Int64(size)
            case .named(let name): dim.dimParam = name
            }
            return dim
        }
        var tensorType = Onnx_TypeProto.Tensor()
        tensorType.elemType = Int32(elementType.rawValue)
        tensorType.shape = shape
        var type = Onnx_TypeProto()
        type.tensorType = tensorType
        var value = Onnx_ValueInfoProto()
        value.name = name
        value.type = type
        if !doc.isEmpty { value.docString = doc }
        return value
    }

    static func opset(_ domain: String, _ version: Int64) -> Onnx_OperatorSetIdProto {
        var opset = Onnx_OperatorSetIdProto()
        opset.domain = domain
        opset.version = version
        return opset
    }
}

/// One dimension of a tensor's declared shape.
enum ONNXDimension {
    case fixed(Int)
    case named(String)
}
