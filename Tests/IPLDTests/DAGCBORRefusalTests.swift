import IPLD
import Testing

/// One hand-made input per strict-reader rule (Docs/SPEC.md §12), each refused with its own code.
@Suite struct DAGCBORRefusalTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let rule: String
        let bytes: [UInt8]
        let code: IPLDError.Code
        var testDescription: String { rule }
    }

    static let cidBytes: [UInt8] = CID.compute(for: [0x01]).bytes

    static func nested(_ depth: Int) -> [UInt8] { [UInt8](repeating: 0x81, count: depth - 1) + [0x80] }

    static let cases: [Case] = [
        Case(rule: "non-minimal int (1 byte for < 24)", bytes: [0x18, 0x05], code: .nonMinimalInteger),
        Case(rule: "non-minimal int (2 bytes for < 256)", bytes: [0x19, 0x00, 0xff], code: .nonMinimalInteger),
        Case(rule: "non-minimal int (4 bytes)", bytes: [0x1a, 0x00, 0x00, 0xff, 0xff], code: .nonMinimalInteger),
        Case(rule: "non-minimal int (8 bytes)", bytes: [0x1b, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff], code: .nonMinimalInteger),
        Case(rule: "non-minimal negative int", bytes: [0x38, 0x00], code: .nonMinimalInteger),
        Case(rule: "non-minimal string length", bytes: [0x78, 0x01, 0x61], code: .nonMinimalLength),
        Case(rule: "non-minimal bytes length", bytes: [0x59, 0x00, 0x01, 0x00], code: .nonMinimalLength),
        Case(rule: "non-minimal array length", bytes: [0x98, 0x00], code: .nonMinimalLength),
        Case(rule: "non-minimal map length", bytes: [0xb8, 0x00], code: .nonMinimalLength),
        Case(rule: "non-minimal tag 42", bytes: [0xd9, 0x00, 0x2a, 0x58, 0x25, 0x00] + cidBytes, code: .nonMinimalInteger),
        Case(rule: "indefinite array", bytes: [0x9f, 0x01, 0xff], code: .indefiniteLength),
        Case(rule: "indefinite map", bytes: [0xbf, 0x61, 0x61, 0x01, 0xff], code: .indefiniteLength),
        Case(rule: "indefinite text", bytes: [0x7f, 0x61, 0x61, 0xff], code: .indefiniteLength),
        Case(rule: "indefinite bytes", bytes: [0x5f, 0x41, 0x00, 0xff], code: .indefiniteLength),
        Case(rule: "lone break", bytes: [0xff], code: .indefiniteLength),
        Case(rule: "half float", bytes: [0xf9, 0x3c, 0x00], code: .floatForbidden),
        Case(rule: "single float", bytes: [0xfa, 0x3f, 0x80, 0x00, 0x00], code: .floatForbidden),
        Case(rule: "double float that looks integral", bytes: [0xfb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0], code: .floatForbidden),
        Case(rule: "tag other than 42", bytes: [0xc1, 0x01], code: .forbiddenTag),
        Case(rule: "tag 43", bytes: [0xd8, 0x2b, 0x41, 0x00], code: .forbiddenTag),
        Case(rule: "CID without 0x00 prefix", bytes: [0xd8, 0x2a, 0x58, 0x24] + cidBytes, code: .cidMissingPrefix),
        Case(rule: "CID with empty byte string", bytes: [0xd8, 0x2a, 0x40], code: .cidMissingPrefix),
        Case(rule: "tag 42 on a text string", bytes: [0xd8, 0x2a, 0x61, 0x61], code: .invalidCID),
        Case(rule: "CID with trailing bytes inside the tag", bytes: [0xd8, 0x2a, 0x58, 0x26, 0x00] + cidBytes + [0x00], code: .invalidCID),
        Case(rule: "CID truncated inside the tag", bytes: [0xd8, 0x2a, 0x58, 0x24, 0x00] + cidBytes.dropLast(), code: .invalidCID),
        Case(rule: "CIDv0 link", bytes: [0xd8, 0x2a, 0x58, 0x23, 0x00, 0x12, 0x20] + [UInt8](repeating: 7, count: 32), code: .unsupportedCID),
        Case(rule: "CID with dag-pb codec", bytes: [0xd8, 0x2a, 0x58, 0x25, 0x00, 0x01, 0x70, 0x12, 0x20] + [UInt8](repeating: 7, count: 32), code: .unsupportedCID),
        Case(rule: "integer map key", bytes: [0xa1, 0x01, 0x01], code: .mapKeyNotText),
        Case(rule: "byte-string map key", bytes: [0xa1, 0x41, 0x61, 0x01], code: .mapKeyNotText),
        Case(rule: "duplicate map key", bytes: [0xa2, 0x61, 0x61, 0x01, 0x61, 0x61, 0x02], code: .duplicateMapKey),
        Case(rule: "unsorted map keys (bytewise)", bytes: [0xa2, 0x61, 0x62, 0x01, 0x61, 0x61, 0x02], code: .unsortedMapKeys),
        Case(rule: "unsorted map keys (longer first)", bytes: [0xa2, 0x62, 0x61, 0x61, 0x01, 0x61, 0x62, 0x02], code: .unsortedMapKeys),
        // "é" precomposed (c3 a9) then decomposed (65 cc 81): distinct bytes, canonically equivalent strings.
        Case(rule: "canonically equivalent map keys", bytes: [0xa2, 0x62, 0xc3, 0xa9, 0x01, 0x63, 0x65, 0xcc, 0x81, 0x02], code: .duplicateMapKey),
        Case(rule: "invalid UTF-8 text", bytes: [0x62, 0xc3, 0x28], code: .invalidUTF8),
        Case(rule: "UTF-8 surrogate", bytes: [0x63, 0xed, 0xa0, 0x80], code: .invalidUTF8),
        Case(rule: "overlong UTF-8", bytes: [0x62, 0xc0, 0xaf], code: .invalidUTF8),
        Case(rule: "invalid UTF-8 map key", bytes: [0xa1, 0x61, 0xff, 0x01], code: .invalidUTF8),
        Case(rule: "simple value undefined", bytes: [0xf7], code: .forbiddenSimpleValue),
        Case(rule: "simple value 0", bytes: [0xe0], code: .forbiddenSimpleValue),
        Case(rule: "simple value in one byte", bytes: [0xf8, 0x20], code: .forbiddenSimpleValue),
        Case(rule: "reserved additional info", bytes: [0x1c], code: .reservedAdditionalInfo),
        Case(rule: "trailing bytes", bytes: [0x01, 0x02], code: .trailingBytes),
        Case(rule: "two maps", bytes: [0xa0, 0xa0], code: .trailingBytes),
        Case(rule: "depth 33", bytes: nested(33), code: .nestingTooDeep),
        Case(rule: "array of 131,073 entries", bytes: [0x9a, 0x00, 0x02, 0x00, 0x01] + [UInt8](repeating: 0x00, count: 131_073), code: .containerTooLarge),
        Case(rule: "map key longer than 8192 bytes", bytes: [0xa1, 0x79, 0x20, 0x01] + [UInt8](repeating: 0x61, count: 8193) + [0x00], code: .lengthTooLarge),
        Case(rule: "integer beyond Int64", bytes: [0x1b, 0x80, 0, 0, 0, 0, 0, 0, 0], code: .integerOutOfRange),
        Case(rule: "negative integer beyond Int64", bytes: [0x3b, 0x80, 0, 0, 0, 0, 0, 0, 0], code: .integerOutOfRange),
        Case(rule: "empty input", bytes: [], code: .truncated),
        Case(rule: "truncated head", bytes: [0x19, 0x01], code: .truncated),
        Case(rule: "truncated string", bytes: [0x63, 0x61, 0x62], code: .truncated),
        Case(rule: "truncated array", bytes: [0x82, 0x01], code: .truncated),
        Case(rule: "truncated map value", bytes: [0xa1, 0x61, 0x61], code: .truncated),
        Case(rule: "huge declared length", bytes: [0x5a, 0x00, 0x10, 0x00, 0x00], code: .truncated),
        Case(rule: "byte string over the 5 MB cap", bytes: [0x5a, 0x00, 0x4c, 0x4b, 0x41], code: .lengthTooLarge),
        Case(rule: "huge declared array", bytes: [0x9a, 0x00, 0x01, 0xff, 0xff], code: .truncated),
    ]

    @Test(arguments: cases)
    func readerRefusesWithItsCode(_ item: Case) {
        expectRefusal(item.bytes, item.code, "\(item.rule)")
    }

    @Test func limitsAreInclusive() throws {
        _ = try DAGCBOR.decode(Self.nested(32))
        _ = try DAGCBOR.decode([0x9a, 0x00, 0x02, 0x00, 0x00] + [UInt8](repeating: 0x00, count: 131_072))
        _ = try DAGCBOR.decode([0xa1, 0x79, 0x20, 0x00] + [UInt8](repeating: 0x61, count: 8192) + [0x00])
        #expect(try DAGCBOR.decode([0x1b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]) == .int(.max))
        #expect(try DAGCBOR.decode([0x3b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]) == .int(.min))
    }

    @Test func errorsPointAtTheOffendingByte() {
        do {
            _ = try DAGCBOR.decode([0x83, 0x01, 0x02, 0x18, 0x03])
            Issue.record("expected a refusal")
        } catch {
            #expect(error.code == .nonMinimalInteger)
            #expect(error.offset == 3)
        }
    }
}
