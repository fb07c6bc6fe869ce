import Hummingbird

/// Which clients a route serves, so its error bodies carry the members their clients read
/// besides RFC 9457's: KServe/Triton clients read `error`, MLflow clients `error_code` and
/// `message`.
enum ClientFlavor: Sendable {
    case apus, kserve, mlflow
}

extension RequestProblem {
    /// This problem as an `application/problem+json` response.
    func response(requestID: String, instance: String, flavor: ClientFlavor) -> Response {
        var json = JSONWriter()
        json.byte(UInt8(ascii: "{"))
        json.member("type", "urn:apus:problem:\(kind.rawValue)", first: true)
        json.member("title", title)
        json.member("status", status)
        json.member("detail", detail)
        json.member("instance", instance)
        json.member("request_id", requestID)
        if let field { json.member("field", field) }
        if let row { json.member("row", row) }
        if let pointer { json.member("pointer", pointer) }
        switch flavor {
        case .apus: break
        case .kserve: json.member("error", detail)
        case .mlflow:
            json.member("error_code", status == 404 ? "RESOURCE_DOES_NOT_EXIST" : status >= 500 ? "INTERNAL_ERROR" : "BAD_REQUEST")
            json.member("message", detail)
        }
        json.byte(UInt8(ascii: "}"))
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if status == 401 { headers[.wwwAuthenticate] = "Bearer realm=\"apus\"" }
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: json.bytes)))
    }
}
