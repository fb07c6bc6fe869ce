import Foundation
import Testing
@testable import ApusStore

@Suite struct ArtifactAndFileTests {
    @Test func anArtifactIsStoredUnderItsSHA256WithOwnerOnlyPermissions() throws {
        let temporary = try TemporaryStore()
        let source = try temporary.file("model bytes\n")
        let expected = try TestProcess.sha256sum(source)
        let artifact = try temporary.store.putArtifact(file: source)
        #expect(artifact == ArtifactRef(sha256: expected, size: 12))
        let path = "\(temporary.directory)/artifacts/\(expected.prefix(2))/\(expected)"
        #expect(try temporary.store.verifiedArtifactPath(artifact) == path)
        #expect(FileManager.default.contents(atPath: path) == Data("model bytes\n".utf8))
        #expect(try TestProcess.permissions(path) == 0o600)
        #expect(try TestProcess.permissions("\(temporary.directory)/artifacts") == 0o700)
        #expect(try TestProcess.permissions("\(temporary.directory)/artifacts/\(expected.prefix(2))") == 0o700)
        // The source is left where it was.
        #expect(FileManager.default.fileExists(atPath: source))
    }

    @Test func theSameContentTwiceIsOneFile() throws {
        let temporary = try TemporaryStore()
        let first = try temporary.store.putArtifact(file: try temporary.file("same"))
        let second = try temporary.store.putArtifact(file: try temporary.file("same"))
        #expect(first == second)
        let folder = "\(temporary.directory)/artifacts/\(first.sha256.prefix(2))"
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == [first.sha256])
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(temporary.directory)/artifacts") == [String(first.sha256.prefix(2))])
        let other = try temporary.artifact("different")
        #expect(other.sha256 != first.sha256)
    }

    @Test func anEmptyFileIsAnArtifactToo() throws {
        let temporary = try TemporaryStore()
        let artifact = try temporary.store.putArtifact(file: try temporary.file(""))
        #expect(artifact == ArtifactRef(sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", size: 0))
        #expect(try temporary.store.verifiedArtifactPath(artifact).hasSuffix(artifact.sha256))
    }

    @Test func aLargeFileIsHashedAcrossChunks() throws {
        let temporary = try TemporaryStore()
        let path = temporary.directory + "/large"
        var bytes = [UInt8](repeating: 0, count: (1 << 20) * 2 + 12_345)
        for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: index &* 31 &+ index >> 9) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let artifact = try temporary.store.putArtifact(file: path)
        #expect(artifact == ArtifactRef(sha256: try TestProcess.sha256sum(path), size: Int64(bytes.count)))
        #expect(FileManager.default.contents(atPath: try temporary.store.verifiedArtifactPath(artifact)) == Data(bytes))
    }

    @Test func aModifiedArtifactIsCorrupt() throws {
        let temporary = try TemporaryStore()
        let artifact = try temporary.artifact("original")
        let path = try temporary.store.verifiedArtifactPath(artifact)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seek(toOffset: 0)
        try handle.write(contentsOf: Data("O".utf8))  // one byte changed, same size
        try handle.close()
        let actual = try TestProcess.sha256sum(path)
        #expect(throws: StoreError("artifact \(path) is corrupt: its bytes hash to \(actual) (8 bytes), not the recorded \(artifact.sha256) (8 bytes)")) {
            try temporary.store.verifiedArtifactPath(artifact)
        }
        do {
            _ = try temporary.store.verifiedArtifactPath(artifact)
        } catch {
            #expect("\(error)".contains("is corrupt"))
        }
        // A truncated file is corrupt too.
        try Data().write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError("artifact \(path) is corrupt: its bytes hash to e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 (0 bytes), not the recorded \(artifact.sha256) (8 bytes)")) {
            try temporary.store.verifiedArtifactPath(artifact)
        }
        // Storing the bytes again repairs it.
        #expect(try temporary.artifact("original") == artifact)
        #expect(try temporary.store.verifiedArtifactPath(artifact) == path)
        #expect(try TestProcess.permissions(path) == 0o600)
    }

    @Test func aMissingArtifactOrSourceIsNamed() throws {
        let temporary = try TemporaryStore()
        let missing = ArtifactRef(sha256: String(repeating: "0", count: 64), size: 1)
        #expect(throws: StoreError("artifact \(missing.sha256) is missing from \(temporary.directory)/artifacts")) {
            try temporary.store.verifiedArtifactPath(missing)
        }
        #expect(throws: StoreError("cannot read `/nonexistent/model.apus` to store it as an artifact")) {
            try temporary.store.putArtifact(file: "/nonexistent/model.apus")
        }
        #expect(throws: StoreError("cannot read `\(temporary.directory)` to store it as an artifact: it is a folder")) {
            try temporary.store.putArtifact(file: temporary.directory)
        }
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: "\(temporary.directory)/artifacts")) ?? []).isEmpty)
    }

    @Test func theStoreFolderAndDatabaseArePrivate() throws {
        let temporary = try TemporaryStore()
        _ = try temporary.startRun()  // a write, so the WAL exists
        #expect(try TestProcess.permissions(temporary.directory) == 0o700)
        #expect(try TestProcess.permissions(temporary.store.databasePath) == 0o600)
        #expect(temporary.store.databasePath == temporary.directory + "/store.sqlite")
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: temporary.store.databasePath + suffix) {
            #expect(try TestProcess.permissions(temporary.store.databasePath + suffix) == 0o600)
        }
        #expect(temporary.store.location == temporary.directory)
    }

    @Test func aNestedStoreFolderIsMadeWithItsParents() throws {
        let base = NSTemporaryDirectory() + "apus-store-test-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: base) }
        let store = try SQLiteStore(directory: base + "/a/b/store", actor: "tester", apusVersion: "0.0.test")
        #expect(try TestProcess.permissions(base + "/a/b/store") == 0o700)
        #expect(try store.verifyAudit(publicKey: nil).rows == 1)
    }

    @Test func aFileWhereTheFolderShouldBeIsRefused() throws {
        let temporary = try TemporaryStore()
        let path = try temporary.file("not a folder")
        #expect(throws: StoreError("`\(path)` exists and is not a folder")) {
            try SQLiteStore(directory: path, actor: "tester", apusVersion: "0.0.test")
        }
    }

    @Test(arguments: [
        ("", "the user name `` (APUS_USER) must be 1 to 256 printable characters"),
        ("a\nb", "the user name `a\\u{a}b` (APUS_USER) must be 1 to 256 printable characters"),
        (String(repeating: "u", count: 257), "the user name `\(String(repeating: "u", count: 136))` (APUS_USER) must be 1 to 256 printable characters"),
    ])
    func aBadActorIsRefused(actor: String, message: String) throws {
        let directory = NSTemporaryDirectory() + "apus-store-test-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: StoreError(message)) {
            try SQLiteStore(directory: directory, actor: actor, apusVersion: "0.0.test")
        }
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    @Test func anActorWithSpacesAndNonASCIILettersIsAccepted() throws {
        let temporary = try TemporaryStore(actor: "José María (ci)")
        #expect(try temporary.store.auditEvents(model: nil, limit: nil).first?.actor == "José María (ci)")
    }
}
