import ApusServe
import ApusService
import ApusStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// Endpoints mounted in `apus serve` and in a server of their own (`apus mcp --http`), over
/// real loopback: bodies, headers, streams read chunk by chunk by curl, keys, the body
/// limit, `/openapi.json`, and graceful shutdown with a stream open.
@Suite(.serialized, .timeLimit(.minutes(1))) struct MountedEndpointTests {
    // MARK: Mounted in the model server

    @Test func postIsEchoedWithItsHeadersAndDeleteAnswersEmpty() async throws {
        let fixture = try MountFixture.get()
        try await fixture.server(mounts: [MountFixture.echo]).application().test(.live) { client in
            var headers: HTTPFields = [.contentType: "application/json", HTTPField.Name("Mcp-Session-Id")!: "session-7"]
            headers.append(HTTPField(name: HTTPField.Name("X-Multi")!, value: "a"))
            headers.append(HTTPField(name: HTTPField.Name("x-multi")!, value: "b"))
            headers[HTTPField.Name("X-Request-Id")!] = "mount-echo-1"
            let body = #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#
            try await client.execute(uri: "/mcp", method: .post, headers: headers, body: ByteBuffer(text: body)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == body)
                #expect(response.headers[HTTPField.Name("X-Echo-Method")!] == "POST")
                #expect(response.headers[HTTPField.Name("X-Echo-Path")!] == "/mcp")
                #expect(response.headers[HTTPField.Name("X-Echo-Session")!] == "session-7")
                #expect(response.headers[HTTPField.Name("X-Echo-Multi")!] == "a, b")
                #expect(response.headers[.contentType] == "application/json")
                #expect(response.headers[HTTPField.Name("X-Echo-Caller")!] == "none")
                #expect(response.headers[HTTPField.Name("X-Request-Id")!] == "mount-echo-1")
            }
            try await client.execute(uri: "/mcp", method: .delete) { response in
                #expect(response.status == .ok)
                #expect(response.body.readableBytes == 0)
                #expect(response.headers[.contentLength] == "0")
                #expect(response.headers[HTTPField.Name("X-Echo-Method")!] == "DELETE")
                #expect(response.headers[HTTPField.Name("X-Echo-Body")!] == "nil")
                #expect(response.headers[HTTPField.Name("X-Request-Id")!]?.count == 32)
            }
            try await client.execute(uri: "/mcp?session=1", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[HTTPField.Name("X-Echo-Method")!] == "GET")
                #expect(response.headers[HTTPField.Name("X-Echo-Path")!] == "/mcp")
            }
            try await client.execute(uri: "/mcp", method: .put) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"route="/mcp",status="200"} 3"#), "\(text)")
            }
        }
    }

    @Test func aStreamIsSentChunkByChunk() async throws {
        let fixture = try MountFixture.get()
        let marks = Marks()
        let server = try fixture.server(mounts: [MountFixture.echo, MountFixture.threeEvents(marks)])
        try await server.application().test(.live) { client in
            let port = try #require(client.port)
            let headerFile = NSTemporaryDirectory() + "apus-mount-headers-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: headerFile) }
            let curl = try Curl(["-sN", "-D", headerFile, "-H", "Accept: text/event-stream", "http://localhost:\(port)/events"])
            var received: [(at: ContinuousClock.Instant, text: String)] = []
            for await chunk in curl.output { received.append((chunk.at, String(decoding: chunk.bytes, as: UTF8.self))) }
            #expect(await curl.exitStatus() == 0)
            #expect(received.map(\.text) == ["data: event 1\n\n", "data: event 2\n\n", "data: event 3\n\n"])
            let lastProduced = try #require(marks.time("produced 3"))
            let firstReceived = try #require(received.first?.at)
            #expect(firstReceived < lastProduced, "the first event arrived only after the last was produced")
            let head = try String(contentsOfFile: headerFile, encoding: .utf8).lowercased()
            #expect(head.contains("content-type: text/event-stream"), "\(head)")
            #expect(head.contains("transfer-encoding: chunked"), "\(head)")
            #expect(head.contains("x-request-id: "), "\(head)")
        }
    }

    @Test func aStreamThatFailsCutsTheConnectionAndAGoneClientEndsTheStream() async throws {
        let fixture = try MountFixture.get()
        let marks = Marks()
        let server = try fixture.server(mounts: [MountFixture.failing, MountFixture.endless(marks)])
        try await server.application().test(.live) { client in
            let port = try #require(client.port)
            let broken = try Curl(["-sN", "http://localhost:\(port)/failing"])
            var text = ""
            for await chunk in broken.output { text += String(decoding: chunk.bytes, as: UTF8.self) }
            #expect(text == "data: before\n\n")
            #expect(await broken.exitStatus() != 0, "curl took a cut stream for a complete one")

            let leaving = try Curl(["-sN", "--max-time", "1", "http://localhost:\(port)/endless"])
            var ticks = 0
            for await _ in leaving.output { ticks += 1 }
            #expect(ticks >= 2)
            #expect(await leaving.exitStatus() == 28)  // curl's timeout
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(5)
            while marks.time("terminated") == nil, clock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(marks.time("terminated") != nil, "the endpoint's stream was not ended when its client left")
        }
    }

    @Test func keysAreCheckedAndTheHandlerSeesTheCaller() async throws {
        let fixture = try MountFixture.get()
        let predict = try fixture.key(.predict)
        let read = try fixture.key(.read)
        let admin = try fixture.key(.admin)
        try await fixture.server(mounts: [MountFixture.echo], configure: { $0.requireKey = true }).application().test(.live) { client in
            try await client.execute(uri: "/mcp", method: .post, body: ByteBuffer(text: "{}")) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.headers[.wwwAuthenticate] != nil)
                #expect(field(response.body, "type") as? String == "urn:apus:problem:unauthorized")
                #expect((field(response.body, "detail") as? String)?.contains("/mcp needs an API key with role predict") == true)
            }
            try await client.execute(uri: "/mcp", method: .get, headers: [.authorization: "Bearer apus_" + String(repeating: "0", count: 64)]) {
                #expect($0.status == .unauthorized)
                #expect(field($0.body, "title") as? String == "Unknown API key")
            }
            try await client.execute(uri: "/mcp", method: .post, headers: [.authorization: "Bearer \(read.secret)"]) { response in
                #expect(response.status == .forbidden)
                #expect((field(response.body, "detail") as? String)?.contains("has role read") == true)
            }
            try await client.execute(uri: "/mcp", method: .post, headers: [.authorization: "Bearer \(predict.secret)"],
                                     body: ByteBuffer(text: "{}")) { response in
                #expect(response.status == .ok)
                #expect(response.headers[HTTPField.Name("X-Echo-Caller")!] == "api-key:\(predict.name)")
                #expect(response.headers[HTTPField.Name("X-Echo-Role")!] == "predict")
                #expect(String(buffer: response.body) == "{}")
            }
            try await client.execute(uri: "/mcp", method: .delete, headers: [HTTPField.Name("X-API-Key")!: admin.secret]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[HTTPField.Name("X-Echo-Caller")!] == "api-key:\(admin.name)")
                #expect(response.headers[HTTPField.Name("X-Echo-Role")!] == "admin")
            }
        }
        // Without --require-key the route is open; a valid key still names the caller, a bad one is ignored.
        try await fixture.server(mounts: [MountFixture.echo]).application().test(.live) { client in
            try await client.execute(uri: "/mcp", method: .post, headers: [.authorization: "Bearer \(read.secret)"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[HTTPField.Name("X-Echo-Caller")!] == "api-key:\(read.name)")
                #expect(response.headers[HTTPField.Name("X-Echo-Role")!] == "read")
            }
            try await client.execute(uri: "/mcp", method: .post, headers: [.authorization: "Bearer not-a-key"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[HTTPField.Name("X-Echo-Caller")!] == "none")
            }
        }
    }

    @Test func anEndpointWithoutRolesTakesAnyValidKey() async throws {
        let fixture = try MountFixture.get()
        let read = try fixture.key(.read)
        var open = MountFixture.echo
        open.roles = []
        try await fixture.server(mounts: [open], configure: { $0.requireKey = true }).application().test(.live) { client in
            try await client.execute(uri: "/mcp", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/mcp", method: .get, headers: [.authorization: "Bearer \(read.secret)"]) {
                #expect($0.status == .ok)
            }
        }
    }

    @Test func anOversizedBodyIs413AndNeverReachesTheHandler() async throws {
        let fixture = try MountFixture.get()
        let calls = Locked(0)
        let counting = MountedEndpoint(path: "/mcp", summary: "Counts calls", roles: [.predict]) { _ in
            calls.withLock { $0 += 1 }
            return MountedResponse()
        }
        try await fixture.server(mounts: [counting], configure: { $0.maxBodyBytes = 1_024 }).application().test(.live) { client in
            try await client.execute(uri: "/mcp", method: .post, body: ByteBuffer(text: String(repeating: "x", count: 1_025))) { response in
                #expect(response.status == .contentTooLarge)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(field(response.body, "type") as? String == "urn:apus:problem:body_too_large")
                #expect((field(response.body, "detail") as? String)?.contains("1024 bytes") == true)
            }
            try await client.execute(uri: "/mcp", method: .post, body: ByteBuffer(text: String(repeating: "x", count: 1_024))) {
                #expect($0.status == .ok)
            }
        }
        #expect(calls.withLock { $0 } == 1)
    }

    @Test func aBadAnswerIsALogged500NotACrash() async throws {
        let fixture = try MountFixture.get()
        let badStatus = MountedEndpoint(path: "/status", summary: "Bad status", roles: []) { _ in MountedResponse(status: 42) }
        let badHeader = MountedEndpoint(path: "/header", summary: "Bad header", roles: []) { _ in
            MountedResponse(headers: ["bad name": "x"], body: .bytes([1]))
        }
        try await fixture.server(mounts: [badStatus, badHeader]).application().test(.live) { client in
            try await client.execute(uri: "/status", method: .get) { response in
                #expect(response.status == .internalServerError)
                #expect((field(response.body, "detail") as? String)?.contains("/status answered status 42") == true)
            }
            try await client.execute(uri: "/header", method: .get) { response in
                #expect(response.status == .internalServerError)
                #expect((field(response.body, "detail") as? String)?.contains("`bad name`") == true)
            }
        }
    }

    @Test func theMountedRouteIsInTheOpenAPIDocumentOnlyWhenMounted() async throws {
        let fixture = try MountFixture.get()
        let server = try fixture.server(mounts: [MountFixture.echo])
        let text = try await server.application().test(.live) { client in
            try await client.execute(uri: "/openapi.json", method: .get) { String(buffer: $0.body) }
        }
        let paths = try #require(try jsonObject(ByteBuffer(text: text))["paths"] as? [String: [String: Any]])
        let mcp = try #require(paths["/mcp"])
        #expect(Set(mcp.keys) == ["get", "post", "delete"])
        #expect((mcp["post"] as? [String: Any])?["summary"] as? String == "Echoes the request")
        for route in server.routes {
            #expect(paths[route.path]?[route.method.lowercased()] != nil, "\(route.method) \(route.path) is not in /openapi.json")
        }
        #expect(paths.values.reduce(0) { $0 + $1.count } == server.routes.count)
        try expectValidOpenAPI(text)

        let plain = try fixture.server()
        let plainText = try await plain.application().test(.router) { client in
            try await client.execute(uri: "/openapi.json", method: .get) { String(buffer: $0.body) }
        }
        let plainPaths = try #require(try jsonObject(ByteBuffer(text: plainText))["paths"] as? [String: Any])
        #expect(plainPaths["/mcp"] == nil)
        #expect(plainPaths.count == paths.count - 1)
    }

    @Test func malformedRepeatedOrTakenPathsAreRefused() throws {
        let fixture = try MountFixture.get()
        func refusal(_ paths: [String]) -> String? {
            let endpoints = paths.map { MountedEndpoint(path: $0, summary: "x", roles: []) { _ in MountedResponse() } }
            do {
                _ = try fixture.server(mounts: endpoints)
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(refusal(["/mcp", "/tools/v1"]) == nil)
        #expect(refusal(["/metrics"]) == "cannot mount `/metrics`: the server already answers that path")
        #expect(refusal(["/mcp", "/mcp"]) == "cannot mount `/mcp`: the server already answers that path")
        for path in ["mcp", "/mcp/", "/mcp/{id}", "/:id", "/*", "/a//b", "/a/../b", "", "/mcp?x"] {
            #expect(refusal([path])?.hasPrefix("cannot mount `\(path)`: a mounted path is") == true, "`\(path)`")
        }
        #expect(throws: ServeConfigurationError.self) {
            try MountedServer(endpoints: [MountedEndpoint(path: "/{x}", summary: "x", roles: []) { _ in MountedResponse() }],
                              configuration: ServeConfiguration(), store: fixture.store, logger: MountFixture.logger)
        }
    }

    // MARK: A server of mounted endpoints only

    @Test func theMountedServerServesOnlyItsEndpointsOnTheBoundPort() async throws {
        let fixture = try MountFixture.get()
        let predict = try fixture.key(.predict)
        var configuration = ServeConfiguration()
        configuration.port = 0
        configuration.requireKey = true
        let server = try MountedServer(endpoints: [MountFixture.echo], configuration: configuration, store: fixture.store,
                                       logger: MountFixture.logger)
        #expect(server.routes.map { "\($0.method) \($0.path)" } == ["GET /mcp", "POST /mcp", "DELETE /mcp"])
        try await MountFixture.run(server) { port in
            #expect(port > 0)
            let echoed = try await Curl.run(["-s", "-i", "-X", "POST", "-H", "Authorization: Bearer \(predict.secret)",
                                             "-H", "Content-Type: application/json", "--data-binary", #"{"id":2}"#,
                                             "http://127.0.0.1:\(port)/mcp"])
            #expect(echoed.status == 200)
            #expect(echoed.body == #"{"id":2}"#)
            #expect(echoed.head.lowercased().contains("x-echo-caller: api-key:\(predict.name.lowercased())"), "\(echoed.head)")
            let anonymous = try await Curl.run(["-s", "-i", "-X", "POST", "http://127.0.0.1:\(port)/mcp"])
            #expect(anonymous.status == 401)
            #expect(anonymous.body.contains("urn:apus:problem:unauthorized"))
            for path in ["/openapi.json", "/metrics", "/v1/models", "/mcp/x"] {
                let other = try await Curl.run(["-s", "-i", "http://127.0.0.1:\(port)\(path)"])
                #expect(other.status == 404, "\(path)")
                #expect(other.head.lowercased().contains("content-type: application/problem+json"), "\(path)")
                #expect(other.body.contains("no route GET \(path)"), "\(path): \(other.body)")
            }
        }
    }

    @Test func gracefulShutdownEndsAnOpenStream() async throws {
        let fixture = try MountFixture.get()
        let marks = Marks()
        var configuration = ServeConfiguration()
        configuration.port = 0
        let server = try MountedServer(endpoints: [MountFixture.endless(marks)], configuration: configuration,
                                       store: fixture.store, logger: MountFixture.logger)
        let curl = Locked<Curl?>(nil)
        let stopped = try await MountFixture.run(server) { port in
            let stream = try Curl(["-sN", "http://127.0.0.1:\(port)/endless"])
            curl.withLock { $0 = stream }
            var iterator = stream.output.makeAsyncIterator()
            let first = await iterator.next()
            #expect(first.map { String(decoding: $0.bytes, as: UTF8.self) } == "data: tick\n\n")
        }
        #expect(stopped < .seconds(5), "shutting down took \(stopped)")
        let stream = try #require(curl.withLock { $0 })
        #expect(await stream.exitStatus() == 0, "the stream did not end cleanly")
        #expect(marks.time("terminated") != nil)
    }
}

/// A store of API keys, endpoints, and servers over them.
final class MountFixture: Sendable {
    let directory: String
    let store: any Store

    static let shared: Result<MountFixture, any Error> = Result { try MountFixture() }
    static func get() throws -> MountFixture { try shared.get() }

    static let logger: Logger = {
        var logger = Logger(label: "apus.mount.test")
        logger.logLevel = .critical
        return logger
    }()

    private init() throws {
        directory = NSTemporaryDirectory() + "apus-mount-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        store = try SQLiteStore(directory: directory + "/store", actor: "mount-test", apusVersion: ApusBuild.version)
    }

    /// A model server over the store, listening on a free port.
    func server(mounts: [MountedEndpoint] = [], configure: (inout ServeConfiguration) -> Void = { _ in }) throws -> ApusServer {
        var configuration = ServeConfiguration()
        configuration.port = 0
        configure(&configuration)
        let directory = self.directory
        return try ApusServer(configuration: configuration, store: store,
                              openStore: { actor in try SQLiteStore(directory: directory + "/store", actor: actor, apusVersion: ApusBuild.version) },
                              logger: Self.logger, mounts: mounts)
    }

    /// A new key of `role`.
    func key(_ role: APIKeyRole) throws -> (name: String, secret: String) {
        let name = "mount-\(role.rawValue)-\(UUID().uuidString.prefix(8))"
        let (_, secret) = try store.createAPIKey(name: name, role: role)
        return (name, secret)
    }

    /// Answers with the body it was sent, and what it saw in `X-Echo-*` headers.
    static let echo = MountedEndpoint(path: "/mcp", summary: "Echoes the request", roles: [.predict]) { request in
        var headers = [
            "X-Echo-Method": request.method, "X-Echo-Path": request.path,
            "X-Echo-Caller": request.caller ?? "none", "X-Echo-Role": request.role?.rawValue ?? "none",
            "X-Echo-Body": request.body.map { "\($0.count) bytes" } ?? "nil",
        ]
        if let session = request.header("mcp-session-id") { headers["X-Echo-Session"] = session }
        if let multi = request.header("X-MULTI") { headers["X-Echo-Multi"] = multi }
        if let type = request.header("content-type") { headers["Content-Type"] = type }
        return MountedResponse(status: 200, headers: headers, body: request.method == "DELETE" ? .empty : .bytes(request.body ?? []))
    }

    /// Three Server-Sent Events 400 ms apart, each marked when produced.
    static func threeEvents(_ marks: Marks) -> MountedEndpoint {
        MountedEndpoint(path: "/events", summary: "Three events", roles: []) { _ in
            let (stream, input) = AsyncThrowingStream.makeStream(of: [UInt8].self)
            let producer = Task {
                for index in 1...3 {
                    if index > 1 { try await Task.sleep(for: .milliseconds(400)) }
                    marks.mark("produced \(index)")
                    input.yield(Array("data: event \(index)\n\n".utf8))
                }
                input.finish()
            }
            input.onTermination = { _ in producer.cancel() }
            return MountedResponse(headers: ["Content-Type": "text/event-stream", "Cache-Control": "no-cache"], body: .stream(stream))
        }
    }

    /// One event, then an error.
    static let failing = MountedEndpoint(path: "/failing", summary: "Fails", roles: []) { _ in
        let (stream, input) = AsyncThrowingStream.makeStream(of: [UInt8].self)
        input.yield(Array("data: before\n\n".utf8))
        input.finish(throwing: TestFailure("the producer failed"))
        return MountedResponse(headers: ["Content-Type": "text/event-stream"], body: .stream(stream))
    }

    /// An event every 50 ms until the stream is ended from outside (marked `terminated`).
    static func endless(_ marks: Marks) -> MountedEndpoint {
        MountedEndpoint(path: "/endless", summary: "Ticks", roles: []) { _ in
            let (stream, input) = AsyncThrowingStream.makeStream(of: [UInt8].self)
            let producer = Task {
                while !Task.isCancelled {
                    input.yield(Array("data: tick\n\n".utf8))
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
            input.onTermination = { _ in
                marks.mark("terminated")
                producer.cancel()
            }
            return MountedResponse(headers: ["Content-Type": "text/event-stream"], body: .stream(stream))
        }
    }

    /// Runs `server` in a service group, calls `body` with its port, then shuts it down
    /// gracefully. Returns how long the shutdown took (at most 20 s, else the test fails).
    @discardableResult
    static func run(_ server: MountedServer, _ body: @Sendable (Int) async throws -> Void) async throws -> Duration {
        let (ports, portInput) = AsyncStream.makeStream(of: Int.self)
        let group = ServiceGroup(configuration: .init(services: [server.application { portInput.yield($0) }], logger: logger))
        return try await withThrowingTaskGroup(of: Bool.self) { tasks in
            tasks.addTask {
                try await group.run()
                return true
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw TestFailure("the server did not start") }
            try await body(port)
            let start = ContinuousClock.now
            await group.triggerGracefulShutdown()
            tasks.addTask {
                try await Task.sleep(for: .seconds(20))
                return false
            }
            let stoppedFirst = try await tasks.next() ?? false
            tasks.cancelAll()
            guard stoppedFirst else { throw TestFailure("the server did not shut down within 20 s") }
            return ContinuousClock.now - start
        }
    }
}

/// A value shared between tasks.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<T>(_ body: (inout Value) -> T) -> T { mutex.withLock { body(&$0) } }
}

/// When named things happened.
final class Marks: Sendable {
    private let times = Mutex<[String: ContinuousClock.Instant]>([:])
    func mark(_ name: String) { times.withLock { $0[name] = $0[name] ?? .now } }
    func time(_ name: String) -> ContinuousClock.Instant? { times.withLock { $0[name] } }
}

/// curl as the client: its output read as it arrives, with the time each read returned.
final class Curl: Sendable {
    let output: AsyncStream<(at: ContinuousClock.Instant, bytes: [UInt8])>
    private let exit: AsyncStream<Int32>

    init(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        let (output, outputInput) = AsyncStream.makeStream(of: (at: ContinuousClock.Instant, bytes: [UInt8]).self)
        let (exit, exitInput) = AsyncStream.makeStream(of: Int32.self)
        self.output = output
        self.exit = exit
        process.terminationHandler = { exitInput.yield($0.terminationStatus) }
        try process.run()
        let reading = pipe.fileHandleForReading
        Thread.detachNewThread {
            while true {
                let data = reading.availableData
                if data.isEmpty { break }
                outputInput.yield((.now, Array(data)))
            }
            outputInput.finish()
        }
    }

    /// curl's exit status, once it has exited.
    func exitStatus() async -> Int32 {
        for await status in exit { return status }
        return -1
    }

    /// Runs curl with `-i` to the end: the status, the head and the body.
    static func run(_ arguments: [String]) async throws -> (status: Int, head: String, body: String) {
        let curl = try Curl(arguments)
        var bytes: [UInt8] = []
        for await chunk in curl.output { bytes += chunk.bytes }
        _ = await curl.exitStatus()
        let text = String(decoding: bytes, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw TestFailure("no HTTP head in curl's output: \(text)") }
        let head = String(text[..<split.lowerBound])
        let status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return (status, head, String(text[split.upperBound...]))
    }
}
