@testable import ApusMCP
import Foundation
import Glibc
import Logging
import MCP
import Testing

@Suite struct FastPathTests {
    func parse(_ text: String) -> Value? {
        Array(text.utf8).withUnsafeBytes { JSONText.parse($0) }
    }

    func write(_ value: Value) -> String {
        var out: [UInt8] = []
        JSONText.write(value, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test func jsonTextReadsWhatFoundationReads() throws {
        let text = #"{"a": [1, -2.5e3, 0.1, true, false, null], "b": "tab\there \"q\" \u00e9 \ud83d\ude00 \/", "c": {}, "d": [], "e": 12345678901234}"#
        let value = try #require(parse(text))
        // Foundation's decoding makes -2.5e3 an integer; JSON text with an exponent is read as a double here.
        let foundation = try JSONDecoder().decode(Value.self, from: Data(text.replacingOccurrences(of: "-2.5e3", with: "-2500.5").utf8))
        var expected = foundation.objectValue ?? [:]
        expected["a"] = [1, .double(-2500), 0.1, true, false, nil]
        #expect(value == .object(expected))
        #expect(value.objectValue?["b"]?.stringValue == "tab\there \"q\" é 😀 /")
        #expect(value.objectValue?["a"]?.arrayValue?[0] == .int(1))
        #expect(value.objectValue?["a"]?.arrayValue?[1] == .double(-2500))
    }

    @Test func jsonTextRoundTripsAndEscapes() throws {
        let value: Value = ["z": 1, "a": ["x\n\u{1}\"\\", 0.25, nil, true], "m": 3.0, "n": .double(.nan)]
        let text = write(value)
        #expect(text == #"{"a":["x\n\u0001\"\\",0.25,null,true],"m":3,"n":null,"z":1}"#)
        let back = try JSONDecoder().decode(Value.self, from: Data(text.utf8))
        #expect(back.objectValue?["a"] == ["x\n\u{1}\"\\", 0.25, nil, true])
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "\"unterminated", "01x", "-", "1.", "1e", "\"\\x\"", "\"\\ud800\"", "[1] 2", "tru",
                      String(repeating: "[", count: 70) + String(repeating: "]", count: 70), "\"a\u{1}b\""])
    func jsonTextRefusesWhatIsNotJSON(_ text: String) {
        #expect(parse(text) == Optional<Value>.none, "\(String(describing: parse(text)))")
    }

    @Test func onlyToolCallsTakeTheFastPath() throws {
        let call = ToolCallFastPath.call(in: Data(#"{"jsonrpc":"2.0","id":"a-7","method":"tools/call","params":{"name":"predict","arguments":{"ref":"x","rows":[]}}}"#.utf8))
        #expect(call?.id == "a-7" && call?.name == "predict" && call?.arguments?["ref"] == "x")
        #expect(ToolCallFastPath.call(in: Data(#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#.utf8)) == nil)
        #expect(ToolCallFastPath.call(in: Data(#"{"jsonrpc":"2.0","method":"tools/call","params":{"name":"x"}}"#.utf8)) == nil)
        #expect(ToolCallFastPath.call(in: Data(#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"x","arguments":[1]}}"#.utf8)) == nil)
        let result = CallTool.Result(content: [.text(text: "hi", annotations: nil, _meta: nil)], structuredContent: Optional<Value>.some(["a": 1]),
                                     isError: false)
        let response = ToolCallFastPath.response(id: 5, result: result)
        #expect(String(decoding: response, as: UTF8.self)
                == #"{"id":5,"jsonrpc":"2.0","result":{"content":[{"text":"hi","type":"text"}],"isError":false,"structuredContent":{"a":1}}}"#)
        // What the SDK's own client decodes.
        struct Envelope: Decodable { let id: Int; let result: CallTool.Result }
        let decoded = try JSONDecoder().decode(Envelope.self, from: response)
        #expect(decoded.result.structuredContent == ["a": 1] && decoded.result.isError == false)
    }

    @Test func theLineTransportSplitsMessagesAcrossReadsAndEndsWithItsInput() async throws {
        var toServer: [Int32] = [0, 0], fromServer: [Int32] = [0, 0]
        #expect(pipe(&toServer) == 0 && pipe(&fromServer) == 0)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let transport = LineTransport(input: toServer[0], output: fromServer[1], logger: logger) { message, _ in
            String(decoding: message, as: UTF8.self) == "taken"
        }
        try await transport.connect()
        let writer = toServer[1]
        func send(_ text: String) { _ = Array(text.utf8).withUnsafeBytes { Glibc.write(writer, $0.baseAddress, $0.count) } }
        send("{\"a\":")
        try await Task.sleep(for: .milliseconds(20))
        send("1}\n\ntaken\n{\"b\":2}\n{\"c\"")
        send(":3}")
        close(writer)
        var received: [String] = []
        for try await message in await transport.receive() { received.append(String(decoding: message, as: UTF8.self)) }
        #expect(received == ["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"])

        try await transport.send(Data("{\"answer\":true}".utf8))
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = buffer.withUnsafeMutableBytes { read(fromServer[0], $0.baseAddress, $0.count) }
        #expect(String(decoding: buffer[0..<max(0, count)], as: UTF8.self) == "{\"answer\":true}\n")
        close(toServer[0]); close(fromServer[0]); close(fromServer[1])
    }
}
