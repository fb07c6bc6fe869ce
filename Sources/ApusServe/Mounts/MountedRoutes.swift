import ApusStore
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The one conversion between Hummingbird and ``MountedEndpoint``'s plain types, used by
/// ``ApusServer`` and ``MountedServer`` alike.
extension RequestGate {
    /// Adds GET, POST and DELETE at each endpoint's path; `requireKey` is `--require-key`.
    func addMounted(_ endpoints: [MountedEndpoint], to routes: RouteTable, requireKey: Bool) {
        for endpoint in endpoints {
            let roles = endpoint.requiredRoles(requireKey: requireKey)
            let handler: RouteTable.Handler = { request, _ in
                await answer(request, route: endpoint.path, flavor: .apus, roles: roles) { _ in
                    let mounted = try await mountedRequest(request, keyRequired: roles != nil)
                    return try response(await endpoint.handle(mounted), route: endpoint.path)
                }
            }
            routes.get(endpoint.path, handler)
            routes.post(endpoint.path, handler)
            routes.delete(endpoint.path, handler)
        }
    }

    /// The request in plain types, its body read up to the limit and its caller named by
    /// its key. Without `keyRequired` a key that cannot be checked is ignored (the caller is
    /// nil), as on the other routes.
    ///
    /// - Throws: 413 for a body over the limit; 401/503 from the key check when required.
    private func mountedRequest(_ request: Request, keyRequired: Bool) async throws -> MountedRequest {
        let key: APIKey? = keyRequired ? try keys.key(of: request.head) : ((try? keys.key(of: request.head)) ?? nil)
        let body = try await body(of: request)
        var headers: [String: String] = [:]
        var sentNames: [String: String] = [:]  // canonical name -> the name as first sent
        for field in request.headers {
            if let name = sentNames[field.name.canonicalName] {
                headers[name, default: ""] += ", " + field.value
            } else {
                sentNames[field.name.canonicalName] = field.name.rawName
                headers[field.name.rawName] = field.value
            }
        }
        return MountedRequest(
            method: request.method.rawValue.uppercased(), headers: headers,
            body: body.readableBytes == 0 ? nil : Array(body.readableBytesView), path: request.uri.path,
            caller: key.map { "api-key:\($0.name)" }, role: key?.role)
    }

    /// The endpoint's answer as a Hummingbird response.
    ///
    /// - Throws: A 500 ``RequestProblem`` (logged) for a status or header name HTTP does not allow.
    private func response(_ mounted: MountedResponse, route: String) throws(RequestProblem) -> Response {
        func failure(_ detail: String) -> RequestProblem {
            RequestProblem(status: 500, kind: .unavailable, title: "Internal error", detail: "\(route) \(detail)")
        }
        guard (200...599).contains(mounted.status) else { throw failure("answered status \(mounted.status), not 200 to 599") }
        var headers = HTTPFields()
        for (name, value) in mounted.headers.sorted(by: { $0.key < $1.key }) {
            guard let fieldName = HTTPField.Name(name) else { throw failure("answered a header named `\(name)`, which HTTP does not allow") }
            if fieldName == .contentLength || fieldName == .transferEncoding { continue }
            headers.append(HTTPField(name: fieldName, value: value))
        }
        let body: ResponseBody
        switch mounted.body {
        case .empty:
            body = ResponseBody()
        case .bytes(let bytes):
            body = ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        case .stream(let stream):
            let logger = self.logger
            body = ResponseBody { writer in
                do {
                    try await Self.send(stream, to: &writer)
                } catch {
                    logger.error("mounted stream failed", metadata: ["route": "\(route)", "error": "\(error)"])
                    throw error
                }
            }
        }
        return Response(status: HTTPResponse.Status(code: mounted.status), headers: headers, body: body)
    }

    /// Writes each chunk as it arrives (every write is flushed). A graceful shutdown ends
    /// the response, so an endless event stream does not hold the server up; leaving
    /// (a finished stream, a gone client, shutdown) cancels the stream's iteration.
    private static func send(_ stream: AsyncThrowingStream<[UInt8], any Error>, to writer: inout any ResponseBodyWriter) async throws {
        // A relay the shutdown handler can finish: the endpoint's stream is iterated in a
        // child task, so it can be cancelled while this task waits for the next chunk. It
        // buffers no more than the endpoint's own stream would while the client is slow.
        let (relay, relayInput) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    for try await chunk in stream { relayInput.yield(chunk) }
                    relayInput.finish()
                } catch {
                    relayInput.finish(throwing: error)
                }
            }
            try await withGracefulShutdownHandler {
                for try await chunk in relay where !chunk.isEmpty {
                    try await writer.write(ByteBuffer(bytes: chunk))
                }
            } onGracefulShutdown: {
                relayInput.finish()
            }
            group.cancelAll()
        }
        try await writer.finish(nil)
    }
}
