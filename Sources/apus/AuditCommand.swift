import ArgumentParser
import ApusService
import ApusStore
import ApusTable
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `apus audit ...`: the hash-chained audit trail.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "The audit trail: every run, registration, alias move and refusal, hash-chained (and signed with APUS_SIGNING_KEY).",
        subcommands: [AuditLog.self, AuditVerify.self, AuditKeygen.self]
    )
}

/// `apus audit log`.
struct AuditLog: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "log", abstract: "Show the audit trail, oldest first.")

    @Option(help: "Only events of this registered model.")
    var model: String?

    @Option(help: "Only the newest N events.")
    var limit: Int?

    @Flag(help: "A JSON array of events, with their hashes and signatures.")
    var json = false

    func run() throws {
        let events = try openStore(existing: true).auditEvents(model: model, limit: limit)
        if json {
            try printJSON(events)
            return
        }
        var table = TextTable(["#", "when (UTC)", "who", "event", "subject", "details"], rightAligned: [0])
        for event in events {
            let subject = event.model ?? event.runID.map { "run \($0.prefix(12))" } ?? ""
            let details = event.details.sorted { $0.key < $1.key }.map { key, value in
                "\(key)=\(value.count > 40 ? value.prefix(37) + "..." : value)"
            }.joined(separator: " ")
            table.add([String(event.sequence), shortTime(event.time), event.actor, event.event, subject, details])
        }
        print(table.text)
    }
}

/// `apus audit verify`.
struct AuditVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the audit trail: exits 1 naming the first row altered, removed or reordered.",
        discussion: """
        Each row holds the SHA-256 of the previous row's hash and its own content; verify recomputes every \
        hash in order. With APUS_SIGNING_KEY set (or --public-key), each signed row's Ed25519 signature is \
        checked against that key. The printed head hash identifies the whole trail: keep it elsewhere and \
        pass it as --head later to detect rows removed from the end.
        """
    )

    @Option(name: .customLong("public-key"), help: "The signer's public key (base64), to check signatures without the private key.")
    var publicKey: String?

    @Option(help: "A head hash recorded earlier: fail unless it is still in the trail.")
    var head: String?

    @Flag(help: "One JSON object.")
    var json = false

    func run() throws {
        let store = try openStore(existing: true)
        let key = try publicKey ?? AuditSigner.fromEnvironment()?.publicKey
        var result = try store.verifyAudit(publicKey: key)
        if let head, result.isIntact, head != result.headHash {
            let known = try store.auditEvents(model: nil, limit: nil).contains { $0.hash == head }
            if !known {
                result.problem = "the recorded head \(head) is not in the trail: rows were removed from its end or it was replaced"
                result.firstBrokenRow = result.rows + 1
            }
        }
        if json {
            try printJSON(result)
        } else if result.isIntact {
            print("audit trail intact: \(formatCount(result.rows)) rows, "
                + (key == nil ? "\(result.signedRows) signed (not checked against a key of yours)" : "\(result.signedRows) signatures verified")
                + (key != nil && result.signedRows < result.rows ? " (\(formatCount(result.rows - result.signedRows)) rows unsigned: written before signing began)" : "")
                + "\nhead \(result.headHash)")
        } else {
            print("audit trail BROKEN at row \(result.firstBrokenRow!): \(result.problem ?? "")")
            print("(\(formatCount(result.rows)) rows before it verified)")
        }
        if !result.isIntact { throw ExitCode(1) }
    }
}

/// `apus audit keygen`.
struct AuditKeygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Make an Ed25519 signing key for the audit trail.",
        discussion: "Writes the private key (owner-only) to --out; set APUS_SIGNING_KEY to that path. Prints the public key to verify with."
    )

    @Option(help: "Where to write the private key.")
    var out: String

    func run() throws {
        let signer = AuditSigner()
        // Created owner-only and exclusively: never readable by others, never over another file.
        let descriptor = open(out, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw ValidationError(errno == EEXIST ? "`\(out)` exists; choose another path (a key is never overwritten)"
                                                  : "cannot create `\(out)`: \(String(cString: strerror(errno)))")
        }
        let text = Array((signer.privateKeyText + "\n").utf8)
        let written = text.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let closed = close(descriptor)
        guard written == text.count, closed == 0 else {
            unlink(out)
            throw ValidationError("cannot write `\(out)`")
        }
        print("wrote the private key to \(out) (keep it secret; export APUS_SIGNING_KEY=\(out))")
        print("public key: \(signer.publicKey)")
    }
}
