import Testing
@testable import ApusStore

@Suite struct RunFilterTests {
    typealias Condition = RunFilter.Condition

    @Test func parsesMLflowStyleConditionsJoinedByAnd() throws {
        let filter = try RunFilter(parsing: "metrics.auc > 0.8 and params.num_leaves = '31'")
        #expect(filter.conditions == [
            Condition(subject: .metric("auc"), comparison: .greater, value: .number(0.8)),
            Condition(subject: .parameter("num_leaves"), comparison: .equal, value: .text("31")),
        ])
    }

    @Test func parsesStatusKindAndExperiment() throws {
        #expect(try RunFilter(parsing: "status = 'finished'").conditions == [
            Condition(subject: .status, comparison: .equal, value: .text("finished")),
        ])
        #expect(try RunFilter(parsing: "attributes.status != \"running\"").conditions == [
            Condition(subject: .status, comparison: .notEqual, value: .text("running")),
        ])
        #expect(try RunFilter(parsing: "kind = 'cv' and experiment = 'credit-risk'").conditions == [
            Condition(subject: .kind, comparison: .equal, value: .text("cv")),
            Condition(subject: .experiment, comparison: .equal, value: .text("credit-risk")),
        ])
    }

    @Test(arguments: ["and", "AND", "And", "aNd"])
    func andIsAWordInAnyCase(word: String) throws {
        let filter = try RunFilter(parsing: "metrics.a >= 1 \(word) metrics.b <= -2.5e-3 \(word) tags.team != 'x'")
        #expect(filter.conditions == [
            Condition(subject: .metric("a"), comparison: .greaterOrEqual, value: .number(1)),
            Condition(subject: .metric("b"), comparison: .lessOrEqual, value: .number(-0.0025)),
            Condition(subject: .tag("team"), comparison: .notEqual, value: .text("x")),
        ])
    }

    @Test func andInsideQuotesIsText() throws {
        #expect(try RunFilter(parsing: "params.note = 'this and that' and tags.t = \"Rock AND roll\"").conditions == [
            Condition(subject: .parameter("note"), comparison: .equal, value: .text("this and that")),
            Condition(subject: .tag("t"), comparison: .equal, value: .text("Rock AND roll")),
        ])
        #expect(try RunFilter(parsing: "params.q = \"it's and more\"").conditions == [
            Condition(subject: .parameter("q"), comparison: .equal, value: .text("it's and more")),
        ])
    }

    @Test func wordsContainingAndAreNotSplit() throws {
        #expect(try RunFilter(parsing: "params.band = 'sand' and metrics.android < 2").conditions == [
            Condition(subject: .parameter("band"), comparison: .equal, value: .text("sand")),
            Condition(subject: .metric("android"), comparison: .less, value: .number(2)),
        ])
    }

    @Test func acceptsSynonymsBackquotedNamesSpacingAndDoubleEquals() throws {
        #expect(try RunFilter(parsing: "  metric.`valid-auc`==0.5\t").conditions == [
            Condition(subject: .metric("valid-auc"), comparison: .equal, value: .number(0.5)),
        ])
        #expect(try RunFilter(parsing: "param.lr<0.1 and parameters.depth>3 and tag.x='1'").conditions == [
            Condition(subject: .parameter("lr"), comparison: .less, value: .number(0.1)),
            Condition(subject: .parameter("depth"), comparison: .greater, value: .number(3)),
            Condition(subject: .tag("x"), comparison: .equal, value: .text("1")),
        ])
        #expect(try RunFilter(parsing: "attributes.kind = 'train' and attributes.experiment = 'e'").conditions.count == 2)
        #expect(try RunFilter(parsing: "params.empty = ''").conditions == [
            Condition(subject: .parameter("empty"), comparison: .equal, value: .text("")),
        ])
    }

    @Test func anEmptyFilterMatchesEverything() throws {
        #expect(try RunFilter(parsing: "").conditions.isEmpty)
        #expect(try RunFilter(parsing: "   ").conditions.isEmpty)
        #expect(RunFilter().conditions.isEmpty)
    }

    @Test(arguments: [
        ("metrics.auc > 0.8 and ", "filter `metrics.auc > 0.8 and `: an empty condition around `and`"),
        ("metrics.auc > 0.8 and  and status = 'running'", "filter `metrics.auc > 0.8 and  and status = 'running'`: an empty condition around `and`"),
        ("metrics.auc 0.8", "filter condition `metrics.auc 0.8`: no comparison (use =, !=, <, <=, >, >=)"),
        ("metrics.auc ! 0.8", "filter condition `metrics.auc ! 0.8`: `!` is not a comparison (use =, !=, <, <=, >, >=)"),
        ("metrics.auc >> 0.8", "filter condition `metrics.auc >> 0.8`: `> 0.8` is neither a number nor quoted text ('like this')"),
        ("metrics.auc > high", "filter condition `metrics.auc > high`: `high` is neither a number nor quoted text ('like this')"),
        ("params.x = 'unclosed", "filter condition `params.x = 'unclosed`: `'unclosed` is neither a number nor quoted text ('like this')"),
        ("params.x = 'mixed\"", "filter condition `params.x = 'mixed\"`: `'mixed\"` is neither a number nor quoted text ('like this')"),
        ("metrics.auc > '0.8'", "filter condition `metrics.auc > '0.8'`: a metric compares with a number"),
        ("status = 'done'", "filter condition `status = 'done'`: status is one of running, finished, failed, killed"),
        ("status = 1", "filter condition `status = 1`: `status` compares with quoted text"),
        ("kind = 2", "filter condition `kind = 2`: `kind` compares with quoted text"),
        ("experiment = 3", "filter condition `experiment = 3`: `experiment` compares with quoted text"),
        ("tags.team = 4", "filter condition `tags.team = 4`: `tags.team` compares with quoted text"),
        ("params.x > 'a'", "filter condition `params.x > 'a'`: text compares with = or != only"),
        ("tags.x <= 'a'", "filter condition `tags.x <= 'a'`: text compares with = or != only"),
        ("metrics. > 1", "filter condition `metrics. > 1`: `metrics.` names nothing after `metrics.`"),
        ("params.`` = 'a'", "filter condition `params.`` = 'a'`: `params.``` names nothing after `params.`"),
        ("auc > 1", "filter condition `auc > 1`: `auc` is not metrics.NAME, params.NAME, tags.NAME, status, kind or experiment"),
        ("= 1", "filter condition `= 1`: `` is not metrics.NAME, params.NAME, tags.NAME, status, kind or experiment"),
    ])
    func badFiltersAreRefusedWithAMessage(text: String, message: String) {
        #expect(throws: StoreError(message)) { try RunFilter(parsing: text) }
    }
}
