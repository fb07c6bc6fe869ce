import Testing
@testable import ApusStore

@Suite struct StoreNamesTests {
    @Test func acceptsOrdinaryNames() throws {
        for name in ["credit-risk", "model_2", "a", "v1.2-rc", String(repeating: "x", count: 128)] {
            try StoreNames.validate(name, as: "model name")
        }
    }

    @Test(arguments: [
        ("", "the model name is empty"),
        ("../etc", "the model name `../etc` must start with a letter or a digit (character 1 is `.`)"),
        ("a/b", "the model name `a/b` may hold only letters, digits, `.`, `_` and `-` (character 2 is `/`)"),
        ("a b", "the model name `a b` may hold only letters, digits, `.`, `_` and `-` (character 2 is ` `)"),
        ("bad\u{1B}[31m", "the model name `bad\\u{1b}[31m` may hold only letters, digits, `.`, `_` and `-` (character 4 is U+1B)"),
        ("crédit", "the model name `crédit` may hold only letters, digits, `.`, `_` and `-` (character 3 is U+E9)"),
    ])
    func refusesNamesThatCouldEscapeOrConfuse(name: String, message: String) {
        #expect(throws: StoreError(message)) { try StoreNames.validate(name, as: "model name") }
    }

    @Test func refusesOverlongNames() {
        #expect(throws: StoreError("the model name `\(String(repeating: "x", count: 129))` is longer than 128 characters")) {
            try StoreNames.validate(String(repeating: "x", count: 129), as: "model name")
        }
    }

    @Test func aliasesMayNotLookLikeVersionsOrBeReserved() throws {
        try StoreNames.validateAlias("champion")
        try StoreNames.validateAlias("v2-candidate")
        #expect(throws: StoreError("the alias `3` looks like a version number; choose a word such as `champion`")) {
            try StoreNames.validateAlias("3")
        }
        #expect(throws: StoreError("the alias `v12` looks like a version number; choose a word such as `champion`")) {
            try StoreNames.validateAlias("v12")
        }
        #expect(throws: StoreError("the alias `latest` is reserved: `NAME@latest` always means the newest version that is not archived")) {
            try StoreNames.validateAlias("latest")
        }
    }

    @Test func timestampsRoundTripAndSortAsText() {
        #expect(StoreClock.format(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(StoreClock.format(milliseconds: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
        #expect(StoreClock.format(milliseconds: 1_795_942_811_123) == "2026-11-29T09:00:11.123Z")
        for ms: Int64 in [0, 1, 951_782_400_000, 1_795_942_811_123, 4_102_444_799_999] {
            #expect(StoreClock.parse(StoreClock.format(milliseconds: ms)) == ms)
        }
        #expect(StoreClock.format(milliseconds: 999) < StoreClock.format(milliseconds: 1000))
        #expect(StoreClock.parse("2026-13-01T00:00:00.000Z") == nil)
    }
}
