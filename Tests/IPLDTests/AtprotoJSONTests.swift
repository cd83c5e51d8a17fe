import IPLD
import Testing

/// atproto JSON conversion rules beyond the interop vectors.
@Suite struct AtprotoJSONTests {
    @Test(arguments: ["", "Zg", "Zg==", "Zm8", "Zm8=", "Zm9v", "+/+/"])
    func base64PaddingIsOptionalOnInput(_ text: String) throws {
        let decoded = try #require(Base64.decode(text))
        #expect(Base64.encode(decoded) == String(text.filter { $0 != "=" }))
    }

    @Test(arguments: ["Z", "Zg=", "Zg===", "Z===", "Zm9v!", "Zm=9"])
    func malformedBase64IsRefused(_ text: String) {
        #expect(Base64.decode(text) == nil)
    }

    @Test(arguments: ["123.0", "1e3", "-0.0", "9007199254740992.0"])
    func integralNumberLiteralsAreIntegers(_ literal: String) throws {
        _ = try AtprotoJSON.value(fromJSON: Array(literal.utf8))
    }

    @Test(arguments: ["123.5", "1e-1", "1e400", "9007199254740994.0", "18446744073709551616"])
    func nonIntegerOrHugeNumbersAreRefused(_ literal: String) {
        #expect(throws: IPLDError.self) { try AtprotoJSON.value(fromJSON: Array(literal.utf8)) }
    }

    @Test(arguments: ["{", "[1,]", "{\"a\":1,\"a\":2}", "\"\\ud800\"", "01", "tru", "\"\u{01}\"", "[1] x", String(repeating: "[", count: 100) + String(repeating: "]", count: 100)])
    func malformedJSONIsRefused(_ text: String) {
        #expect(throws: IPLDError.self) { try JSONParser.parse(text) }
    }

    @Test func outputIsDeterministicWithSortedKeys() throws {
        let value = IPLDValue.map(["b": .int(1), "a": .bytes([1, 2, 3]), "aa": .link(CID.compute(for: [1])), "c": .string("q\"\n\u{1}")])
        let text = AtprotoJSON.serialize(value)
        #expect(text.hasPrefix("{\"a\":{\"$bytes\":\"AQID\"},\"aa\":{\"$link\":\"bafyrei"))
        #expect(text.hasSuffix("\"b\":1,\"c\":\"q\\\"\\n\\u0001\"}"))
        #expect(try AtprotoJSON.value(fromJSON: Array(text.utf8)) == value)
        #expect(try AtprotoJSON.value(fromJSON: Array(AtprotoJSON.serialize(value, pretty: true).utf8)) == value)
    }

    @Test func blobShapeIsChecked() throws {
        let good = #"{"$type":"blob","ref":{"$link":"bafkreiccldh766hwcnuxnf2wh6jgzepf2nlu2lvcllt63eww5p6chi4ity"},"mimeType":"image/jpeg","size":10000}"#
        _ = try AtprotoJSON.record(fromJSON: Array(good.utf8))
        let noMime = #"{"$type":"blob","ref":{"$link":"bafkreiccldh766hwcnuxnf2wh6jgzepf2nlu2lvcllt63eww5p6chi4ity"},"size":1}"#
        #expect(throws: IPLDError.self) { try AtprotoJSON.record(fromJSON: Array(noMime.utf8)) }
        // The legacy form is a plain map.
        _ = try AtprotoJSON.record(fromJSON: Array(#"{"cid":"bafkrei","mimeType":"image/png"}"#.utf8))
    }
}
