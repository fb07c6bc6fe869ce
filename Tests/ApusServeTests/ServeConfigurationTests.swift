import ApusServe
import Testing

@Suite struct ServeConfigurationTests {
    @Test func defaultsAreSafe() throws {
        let configuration = ServeConfiguration()
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.corsOrigins.isEmpty)
        #expect(configuration.requireKey == false)
        #expect(configuration.batching == nil)
        try configuration.validate()
    }

    @Test(arguments: ["--port", "--max-rows", "--max-body-bytes", "--max-batch-size", "--max-batch-delay-ms", "--log-inputs",
                      "--log-queue", "--alias-poll-ms", "--explain-background-rows", "--explain-background"])
    func outOfRangeOptionsAreNamed(option: String) {
        var configuration = ServeConfiguration()
        switch option {
        case "--port": configuration.port = 70_000
        case "--max-rows": configuration.maxRows = 0
        case "--max-body-bytes": configuration.maxBodyBytes = 10
        case "--max-batch-size": configuration.maxBatchSize = 0
        case "--max-batch-delay-ms": configuration.maxBatchDelayMilliseconds = 0
        case "--log-inputs": configuration.logInputsRate = 1.5
        case "--log-queue": configuration.logQueueCapacity = -1
        case "--explain-background-rows": configuration.explainBackgroundRows = 10_001
        case "--explain-background": configuration.explainBackgroundPath = ""
        default: configuration.aliasPollMilliseconds = 1
        }
        do {
            try configuration.validate()
            Issue.record("\(option) out of range was accepted")
        } catch {
            #expect(error.message.hasPrefix(option), "\(error.message)")
        }
    }

    @Test func batchingIsOnAboveOneRow() {
        var configuration = ServeConfiguration()
        configuration.maxBatchSize = 16
        configuration.maxBatchDelayMilliseconds = 0.5
        #expect(configuration.batching == BatchingPolicy(maxBatchSize: 16, maxDelay: .microseconds(500)))
    }
}
