import FirehoseTesting
import IPLD
import Testing

/// hyphacoop/dasl-testing `fixtures/cbor/*.json`, cases tagged dag-cbor, dasl-cid or basic (README §2.13).
@Suite struct DASLVectorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let file: String
        let type: String
        let name: String
        let data: [UInt8]
        var testDescription: String { "\(file): \(type): \(name)" }
    }

    static let folder = "dasl-testing/fixtures/cbor"
    static let files = ["cid.json", "concat.json", "floats.json", "indefinite.json", "integer_range.json", "map_keys.json",
                        "numeric_reduction.json", "short_form.json", "simple.json", "tags.json", "utf8.json"]
    /// Applicable cases per file (tags dag-cbor/dasl-cid/basic).
    static let expectedCounts = ["cid.json": 12, "concat.json": 1, "floats.json": 18, "indefinite.json": 4,
                                 "integer_range.json": 9, "map_keys.json": 6, "numeric_reduction.json": 0,
                                 "short_form.json": 30, "simple.json": 5, "tags.json": 3, "utf8.json": 4]
    static let applicableTags: Set<String> = ["dag-cbor", "dasl-cid", "basic"]

    /// Round-trip cases that the atproto data model refuses: floats, integers beyond Int64, a non-sha2-256 CID.
    static let atprotoRefusals: [String: IPLDError.Code] = [
        "64-bit floats only": .floatForbidden,
        "zero float64": .floatForbidden,
        "64-bit subnormal number": .floatForbidden,
        "largest CBOR integer, 2^64-1": .integerOutOfRange,
        "smallest CBOR integer, -(2^64)": .integerOutOfRange,
        "Big DASL CID": .unsupportedCID,
    ]

    static func cases(in file: String) -> [Case] {
        Fixture.array("\(folder)/\(file)").compactMap { item in
            let tags = Set((item["tags"]?.arrayValue ?? []).compactMap(\.stringValue))
            guard !tags.isDisjoint(with: applicableTags) else { return nil }
            return Case(file: file, type: item["type"]?.stringValue ?? "?", name: item["name"]?.stringValue ?? "?",
                        data: Vectors.hex(item["data"]?.stringValue ?? "") ?? [])
        }
    }

    static func allCases() -> [Case] { files.flatMap(cases(in:)) }

    @Test func vectorCounts() {
        for file in Self.files {
            Fixture.report("\(Self.folder)/\(file)", count: Self.cases(in: file).count, expected: Self.expectedCounts[file] ?? -1)
        }
        let applied = Set(Self.allCases().map(\.name)).intersection(Self.atprotoRefusals.keys).count
        #expect(applied == Self.atprotoRefusals.count, "every atproto exception names a real case")
    }

    @Test(arguments: allCases())
    func caseHoldsUnderAtprotoRules(_ item: Case) throws {
        if let code = Self.atprotoRefusals[item.name] {
            expectRefusal(item.data, code, "\(item.name)")
            return
        }
        switch item.type {
        case "roundtrip":
            let value = try DAGCBOR.decode(item.data)
            #expect(DAGCBOR.encode(value) == item.data)
        case "invalid_in", "invalid_out":
            // invalid_out values (NaN, ±Inf, −0, undefined, other tags, int keys) cannot be represented
            // in the atproto model, so the encoder cannot produce them and the decoder must refuse them.
            #expect(throws: IPLDError.self) { try DAGCBOR.decode(item.data) }
        default:
            Issue.record("unknown case type \(item.type)")
        }
    }
}
