import Foundation
import Testing

/// The help of every command, compared with a stored copy, so that the command-line
/// interface cannot change by accident. After a deliberate change, refresh the copies:
/// `APUS_UPDATE_HELP=1 swift test --filter HelpTests`, and review the diff.
@Suite("apus help")
struct HelpTests {
    static let snapshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("HelpSnapshots")

    @Test(arguments: [["--help"], ["quickstart", "--help"], ["data", "--help"], ["data", "inspect", "--help"],
                      ["data", "generate", "--help"], ["train", "--help"], ["predict", "--help"], ["evaluate", "--help"],
                      ["cv", "--help"], ["params", "--help"], ["runs", "--help"], ["runs", "list", "--help"],
                      ["runs", "show", "--help"], ["runs", "compare", "--help"], ["models", "--help"], ["models", "list", "--help"],
                      ["models", "show", "--help"], ["models", "versions", "--help"], ["models", "alias", "--help"],
                      ["models", "rollback", "--help"], ["models", "archive", "--help"], ["models", "update", "--help"], ["audit", "--help"],
                      ["audit", "log", "--help"], ["audit", "verify", "--help"], ["audit", "keygen", "--help"],
                      ["webhooks", "--help"], ["webhooks", "add", "--help"], ["webhooks", "list", "--help"],
                      ["webhooks", "remove", "--help"], ["webhooks", "deliveries", "--help"], ["webhooks", "deliver", "--help"],
                      ["keys", "--help"], ["keys", "create", "--help"], ["keys", "list", "--help"], ["keys", "revoke", "--help"], ["serve", "--help"], ["import", "--help"], ["export", "--help"],
                      ["explain", "--help"], ["importance", "--help"], ["monitor", "--help"], ["mcp", "--help"]])
    func helpMatchesTheStoredCopy(arguments: [String]) throws {
        setenv("COLUMNS", "100", 1)
        let run = try CLIRun(arguments)
        #expect(run.status == 0)
        let name = (["apus"] + arguments.dropLast()).joined(separator: "-") + ".txt"
        let file = Self.snapshots.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["APUS_UPDATE_HELP"] == "1" {
            try Data(run.output.utf8).write(to: file)
        }
        let stored = try String(contentsOf: file, encoding: .utf8)
        #expect(run.output == stored, "help of `apus \(arguments.joined(separator: " "))` changed; see HelpTests' doc comment")
    }
}
