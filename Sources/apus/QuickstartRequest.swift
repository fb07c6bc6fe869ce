import ApusModel
import ApusTable
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The request body quickstart's `curl` example sends, and the port check.
enum QuickstartRequest {
    /// `{"rows": [...]}` with the first held-out row's features, `"explain": true`.
    static func body(model: Model, holdoutPath: String) throws -> String {
        let table = try CSVReader.read(path: holdoutPath).table
        var fields: [String] = []
        for feature in model.schema.features {
            guard let column = table[feature.name] else { continue }
            let value: String
            switch column {
            case .numeric(let numbers):
                let number = numbers[0] ?? .nan
                value = number.isNaN ? "null" : number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : "\(number)"
            case .boolean(let flags):
                value = flags[0].map { $0 ? "1" : "0" } ?? "null"
            default:
                value = column.formattedValue(at: 0).map { "\"\($0)\"" } ?? "null"
            }
            fields.append("\"\(feature.name)\":\(value)")
        }
        return "{\"rows\":[{\(fields.joined(separator: ","))}],\"explain\":true}"
    }

    /// Whether `port` on 127.0.0.1 can be bound now.
    static func isFree(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
