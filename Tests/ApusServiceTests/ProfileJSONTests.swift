import ApusService
import ApusTable
import Foundation
import Testing

/// The JSON form of a profile: what `apus data inspect --json` prints.
@Suite("Profile JSON")
struct ProfileJSONTests {
    static func smallTable() throws -> Table {
        try Table([
            ("x", .numeric(NumericColumn([1, 2, 3, nil]))),
            ("city", .categorical(CategoricalColumn(["Oslo", "Rome", "Oslo", "Oslo"]))),
            ("flag", .boolean(BooleanColumn([true, nil, false, true]))),
            ("comment", .text(TextColumn(["a very long comment that goes on and on", "line\nbreak", nil, ""]))),
            ("opened", .timestamp(TimestampColumn(secondsSinceEpoch: [
                TimestampParsing.parse("2024-03-01"), TimestampParsing.parse("2024-03-03T12:00:00Z"), nil, nil,
            ]))),
        ])
    }

    @Test func jsonRoundTripsAndCarriesASchemaFile() throws {
        let table = try Self.smallTable()
        let profile = table.profile()
        let data = try profile.jsonData(pretty: true)
        #expect(try TableProfile(jsonData: data) == profile)
        #expect(try TableProfile(jsonData: try profile.jsonData(pretty: false)) == profile)

        struct SchemaFile: Decodable { var schema: Schema }
        #expect(try JSONDecoder().decode(SchemaFile.self, from: data).schema == table.schema)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["approximate", "columns", "rows", "schema"])
        let schema = try #require(object["schema"] as? [String: Any])
        let fields = try #require(schema["columns"] as? [[String: Any]])
        #expect(schema.keys.count == 1 && fields.allSatisfy { Set($0.keys) == ["name", "kind"] })
        #expect(fields.first?["name"] as? String == "x" && fields.first?["kind"] as? String == "numeric")
    }

    @Test func jsonLeavesOutFieldsThatDoNotApply() throws {
        let text = try Self.smallTable().profile().jsonString(pretty: false)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let columns = try #require(object["columns"] as? [[String: Any]])
        #expect(Set(columns[1].keys) == ["name", "kind", "count", "missing", "distinct", "topLevels"])
        #expect(columns[0]["topLevels"] == nil && columns[0]["mean"] as? Double == 2)
        #expect(columns[4]["earliest"] as? String == "2024-03-01T00:00:00Z")
        #expect(text.contains(#""trueCount":2"#) && text.contains(#""approximate":false"#))
        #expect(text.hasPrefix(#"{"approximate":false,"columns":[{"count":4,"distinct":3,"#))  // sorted keys
    }

    @Test func jsonNeverHoldsNaN() throws {
        let table = try Table([
            ("none", .numeric(NumericColumn([nil, nil, nil] as [Double?]))),
            ("one", .numeric(NumericColumn([nil, 1, nil]))),
            ("wild", .numeric(NumericColumn([-.infinity, .infinity, 1]))),
            ("times", .timestamp(TimestampColumn(secondsSinceEpoch: [nil, nil, nil]))),
            ("flags", .boolean(BooleanColumn([nil, nil, nil]))),
        ])
        let profile = table.profile()
        let text = try profile.jsonString()
        #expect(!text.lowercased().contains("nan"))
        #expect(text.contains(#""min" : "-inf""#) && text.contains(#""max" : "inf""#))
        #expect(try TableProfile(jsonData: Data(text.utf8)) == profile)
    }
}
