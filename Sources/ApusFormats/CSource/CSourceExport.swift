import ApusModel

/// Writes a model as C source for microcontrollers and other places without Swift: one
/// `.h`/`.c` pair with `<prefix>_predict(const float *features, float *out)`, table-driven,
/// without heap or mutable state, needing only `<stdint.h>` and `<math.h>`.
///
/// Inputs are `float`s: numeric values, categorical level codes (−1 for an unseen level),
/// NaN for a missing value. Each numeric threshold is stored as the largest `float` not
/// above it, so every float input takes the branch it takes in Apus, and the C functions
/// predict what Apus predicts on the same float inputs up to float arithmetic in the sums
/// and the link (about 1e-6 relative). Leaves are floats, or quantized as
/// ``ModelQuantization`` rounds them (predictions then equal those of the quantized model).
public enum CSourceExport {
    /// How to write the export.
    public struct Options: Sendable {
        /// The C identifier the file names, functions, macros and tables start with.
        public var prefix: String = "apus"
        /// How leaves are stored: `float`, float16, or int8 codes with a per-tree scale.
        public var quantization: QuantizationMode = .none

        /// Options; see the properties.
        public init(prefix: String = "apus", quantization: QuantizationMode = .none) {
            self.prefix = prefix
            self.quantization = quantization
        }
    }

    /// The C header and source of `model`. The same model and options give the same bytes.
    ///
    /// - Throws: ``ImportError`` when the prefix is not a C identifier, or a leaf or base
    ///   score is beyond `float`'s range (float16's for ``QuantizationMode/f16``).
    public static func files(for model: Model, options: Options = .init()) throws(ImportError) -> CSourceFiles {
        try files(for: model, options: options, layout: nil)
    }

    /// ``files(for:options:)`` with the threshold layout forced (tests exercise both).
    static func files(
        for model: Model, options: Options, layout: CSourceTables.ThresholdLayout?
    ) throws(ImportError) -> CSourceFiles {
        let prefix = options.prefix
        try validate(prefix: prefix)
        let quantized = try ModelQuantization.quantize(model, mode: options.quantization)
        let tables = try CSourceTables(model: model, quantized: quantized, mode: options.quantization, prefix: prefix, layout: layout)
        let headerName = "\(prefix).h"
        return CSourceFiles(
            headerName: headerName,
            header: CSourceHeader.text(model: quantized, prefix: prefix, headerName: headerName, mode: options.quantization, tables: tables),
            sourceName: "\(prefix).c",
            source: CSourceCode.text(model: quantized, prefix: prefix, headerName: headerName, mode: options.quantization, tables: tables),
            dataBytes: tables.dataBytes)
    }

    /// Refuses a prefix that is not a C identifier of at most 64 characters starting with
    /// a letter (a leading underscore is reserved to the C implementation).
    static func validate(prefix: String) throws(ImportError) {
        let scalars = Array(prefix.unicodeScalars)
        let isLetter = { (scalar: Unicode.Scalar) in ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) }
        guard let first = scalars.first, isLetter(first), scalars.count <= 64,
              scalars.allSatisfy({ isLetter($0) || ("0"..."9").contains($0) || $0 == "_" }) else {
            throw ImportError("C source prefix `\(prefix)` is not a C identifier: use up to 64 ASCII letters, digits and underscores, starting with a letter")
        }
    }
}
