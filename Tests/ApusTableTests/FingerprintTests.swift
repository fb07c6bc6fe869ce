import Foundation
import Testing
@testable import ApusTable

@Suite struct FingerprintTests {
    /// A file of `count` seeded random bytes in a fresh temporary directory.
    private func temporaryFile(byteCount count: Int, seed: UInt64) throws -> URL {
        var random = SeededRandom(seed: seed)
        let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("apus-fingerprint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent("data.bin")
        try Data(bytes).write(to: url)
        return url
    }

    /// The digest `/usr/bin/sha256sum` prints for `path`.
    private func sha256sum(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        return String(text.prefix { !$0.isWhitespace })
    }

    /// Sizes that end inside, exactly at, and past the read chunk.
    @Test(arguments: [0, 1, 4097, Fingerprint.chunkByteCount, 2 * Fingerprint.chunkByteCount + 12_345])
    func fileDigestMatchesSha256sum(byteCount: Int) throws {
        let url = try temporaryFile(byteCount: byteCount, seed: UInt64(byteCount))
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let digest = try Fingerprint.sha256(ofFileAt: url.path)
        #expect(digest == (try sha256sum(url.path)))
        #expect(digest.count == 64)
    }

    @Test func missingFileNamesThePath() {
        let path = "/nonexistent/apus/data.csv"
        do {
            _ = try Fingerprint.sha256(ofFileAt: path)
            Issue.record("expected an error for \(path)")
        } catch {
            let error = error as? FingerprintError
            #expect(error == .unreadable(path: path, reason: "No such file or directory"))
            #expect(error?.description == "cannot read `/nonexistent/apus/data.csv` to fingerprint it: No such file or directory")
        }
    }

    @Test func directoryIsUnreadable() throws {
        let url = try temporaryFile(byteCount: 1, seed: 1).deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: FingerprintError.self) { try Fingerprint.sha256(ofFileAt: url.path) }
    }

    @Test func datasetFingerprintHashesDigestAndSchema() {
        let schema = Schema(columns: [.init(name: "income", kind: .numeric), .init(name: "opened", kind: .timestamp)])
        let file = SHA256.hexDigest(of: "a,b\n1,2\n")
        let expected = SHA256.hexDigest(of: file + "\n" + schema.canonicalText)
        #expect(Fingerprint.dataset(fileSHA256: file, schema: schema) == expected)
        var other = schema
        other.columns[0].kind = .categorical
        #expect(Fingerprint.dataset(fileSHA256: file, schema: other) != expected)
        #expect(Fingerprint.dataset(fileSHA256: SHA256.hexDigest(of: ""), schema: schema) != expected)
    }
}
