@testable import ApusFormats
import ApusModel
import Foundation

/// One C export under test: the model Apus predicts with (quantized as the export is), the
/// C files (their prefix is the case's name) and float32 feature rows.
struct CSourceCase: Sendable {
    let name: String
    let reference: Model
    let files: CSourceFiles
    let rows: [Float]
    var rowCount: Int { reference.schema.count > 0 ? rows.count / reference.schema.count : 3 }
}

/// Every case's C files compiled with gcc once, into object files and one driver program
/// that predicts a file of float32 rows with the case it is named.
struct CSourceBuild: Sendable {
    static let flags = ["-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-pedantic"]

    let directory: String
    let cases: [String: CSourceCase]

    init(cases list: [CSourceCase]) throws {
        directory = NSTemporaryDirectory() + "apus-cexport-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for item in list {
            try item.files.header.write(toFile: "\(directory)/\(item.files.headerName)", atomically: true, encoding: .utf8)
            try item.files.source.write(toFile: "\(directory)/\(item.files.sourceName)", atomically: true, encoding: .utf8)
            let bytes = item.rows.withUnsafeBytes { Data($0) }
            try bytes.write(to: URL(fileURLWithPath: "\(directory)/\(item.name).f32"))
        }
        try Self.driver(list.map(\.name)).write(toFile: "\(directory)/driver.c", atomically: true, encoding: .utf8)
        cases = Dictionary(uniqueKeysWithValues: list.map { ($0.name, $0) })
        // One gcc call for every model file, one for the driver.
        _ = try Self.run("/usr/bin/env", ["gcc"] + Self.flags + ["-c"] + list.map(\.files.sourceName), in: directory)
        _ = try Self.run("/usr/bin/env", ["gcc"] + Self.flags + ["-o", "driver", "driver.c"] + list.map { "\($0.name).o" } + ["-lm"],
                         in: directory)
    }

    /// The C outputs (`predict`, or `raw_scores` when `raw`) of the case's rows, row-major.
    func outputs(_ name: String, raw: Bool) throws -> [Double] {
        guard let item = cases[name] else { throw ImportError("no case \(name)") }
        let printed = try Self.run("\(directory)/driver", [name, raw ? "raw" : "predict", "\(name).f32", "\(item.rowCount)"],
                                   in: directory)
        return printed.split(whereSeparator: \.isWhitespace).map { Double(String($0)) ?? .nan }
    }

    /// Runs a program in `directory` (standard output and error together: the driver prints
    /// nothing on standard error, gcc nothing on standard output).
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], in directory: String) throws -> String {
        try TestProcess.run(executable, arguments, in: directory)
    }

    /// A program: `driver NAME predict|raw FILE ROWS` prints each row's outputs with `%.9g`.
    static func driver(_ names: [String]) -> String {
        let includes = names.map { "#include \"\($0).h\"" }.joined(separator: "\n")
        let entries = names.map { name in
            let macro = name.uppercased()
            return "    {\"\(name)\", \(name)_predict, \(name)_raw_scores, \(macro)_N_FEATURES, \(macro)_N_OUTPUTS},"
        }.joined(separator: "\n")
        return """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            \(includes)

            typedef void (*model_function)(const float *, float *);
            struct entry { const char *name; model_function predict; model_function raw; int features; int outputs; };
            static const struct entry entries[] = {
            \(entries)
            };

            int main(int argc, char **argv)
            {
                size_t index, row, rows;
                const struct entry *model = NULL;
                float *features, out[64];
                FILE *file;
                if (argc != 5) {
                    return 2;
                }
                for (index = 0; index < sizeof entries / sizeof entries[0]; ++index) {
                    if (strcmp(entries[index].name, argv[1]) == 0) {
                        model = &entries[index];
                    }
                }
                rows = (size_t)strtoul(argv[4], NULL, 10);
                if (model == NULL || model->outputs > 64 || (file = fopen(argv[3], "rb")) == NULL) {
                    return 3;
                }
                features = malloc(rows * (size_t)model->features * sizeof(float) + 1);
                if (features == NULL || fread(features, sizeof(float), rows * (size_t)model->features, file) != rows * (size_t)model->features) {
                    return 4;
                }
                fclose(file);
                for (row = 0; row < rows; ++row) {
                    int output;
                    (strcmp(argv[2], "raw") == 0 ? model->raw : model->predict)(features + row * (size_t)model->features, out);
                    for (output = 0; output < model->outputs; ++output) {
                        printf("%.9g%c", out[output], output + 1 == model->outputs ? '\\n' : ' ');
                    }
                }
                free(features);
                return 0;
            }

            """
    }
}
