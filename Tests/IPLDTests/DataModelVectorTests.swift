import IPLD
import Testing

/// atproto-interop-tests `data-model/*` (vectors README §2.6).
@Suite struct DataModelVectorTests {
    struct FixtureCase: Sendable, CustomTestStringConvertible {
        let index: Int
        let json: JSONValue
        let cborBase64: String
        let cid: String
        var testDescription: String { "fixture #\(index) \(cid)" }
    }

    struct NoteCase: Sendable, CustomTestStringConvertible {
        let note: String
        let json: JSONValue
        var testDescription: String { note }
    }

    static let fixturesPath = "interop/data-model/data-model-fixtures.json"
    static let validPath = "interop/data-model/data-model-valid.json"
    static let invalidPath = "interop/data-model/data-model-invalid.json"

    static func fixtures() -> [FixtureCase] {
        Fixture.array(fixturesPath).enumerated().map { index, item in
            FixtureCase(index: index, json: item["json"] ?? .null, cborBase64: item["cbor_base64"]?.stringValue ?? "",
                        cid: item["cid"]?.stringValue ?? "")
        }
    }

    static func notes(_ path: String) -> [NoteCase] {
        Fixture.array(path).map { NoteCase(note: $0["note"]?.stringValue ?? "?", json: $0["json"] ?? .null) }
    }

    @Test func vectorCounts() {
        Fixture.report(Self.fixturesPath, count: Self.fixtures().count, expected: 3)
        Fixture.report(Self.validPath, count: Self.notes(Self.validPath).count, expected: 5)
        Fixture.report(Self.invalidPath, count: Self.notes(Self.invalidPath).count, expected: 12)
    }

    @Test(arguments: fixtures())
    func jsonEncodesToExactBytesAndCID(_ fixture: FixtureCase) throws {
        let expectedBytes = try #require(Base64.decode(fixture.cborBase64))
        let value = try AtprotoJSON.record(from: fixture.json)
        let encoded = DAGCBOR.encode(value)
        #expect(encoded == expectedBytes)
        #expect(CID.compute(for: encoded).string == fixture.cid)
    }

    @Test(arguments: fixtures())
    func cborDecodesToSameModelAndJSON(_ fixture: FixtureCase) throws {
        let bytes = try #require(Base64.decode(fixture.cborBase64))
        #expect(CID.compute(for: bytes) == (try CID(string: fixture.cid)))
        let decoded = try DAGCBOR.decode(bytes)
        #expect(decoded == (try AtprotoJSON.record(from: fixture.json)))
        // JSON output parses back to the same model.
        let text = AtprotoJSON.serialize(decoded)
        #expect(try AtprotoJSON.record(fromJSON: Array(text.utf8)) == decoded)
    }

    @Test(arguments: notes(validPath))
    func validJSONIsAccepted(_ item: NoteCase) throws {
        _ = try AtprotoJSON.record(from: item.json)
    }

    @Test(arguments: notes(invalidPath))
    func invalidJSONIsRefused(_ item: NoteCase) {
        #expect(throws: IPLDError.self) { try AtprotoJSON.record(from: item.json) }
    }
}
