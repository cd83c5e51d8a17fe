/// A small strict JSON parser (RFC 8259) producing ``JSONValue``.
///
/// Bounded for hostile input: nesting depth is capped, duplicate object keys and invalid UTF-8 are
/// refused, and nothing is allocated beyond what the input describes.
public struct JSONParser: ~Copyable {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0
    private let maxDepth: Int

    private init(_ bytes: UnsafeRawBufferPointer, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// Parses one JSON text (surrounding whitespace allowed). Errors have code ``IPLDError/Code/invalidJSON``.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = 64) throws(IPLDError) -> JSONValue {
        try bytes.withUnsafeBytesTyped { buffer throws(IPLDError) in try parse(buffer, maxDepth: maxDepth) }
    }

    /// Parses one JSON text from a string.
    public static func parse(_ text: String, maxDepth: Int = 64) throws(IPLDError) -> JSONValue {
        try parse(Array(text.utf8), maxDepth: maxDepth)
    }

    /// Parses one JSON text from a raw buffer.
    public static func parse(_ buffer: UnsafeRawBufferPointer, maxDepth: Int = 64) throws(IPLDError) -> JSONValue {
        var parser = JSONParser(buffer, maxDepth: maxDepth)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.offset == buffer.count else { throw parser.fail("unexpected text after the JSON value") }
        return value
    }

    private func fail(_ reason: String) -> IPLDError {
        IPLDError(.invalidJSON, reason, offset: offset)
    }

    private var current: UInt8? { offset < bytes.count ? bytes[offset] : nil }

    private mutating func skipWhitespace() {
        while let c = current, c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d { offset += 1 }
    }

    private mutating func expect(_ literal: StaticString) throws(IPLDError) {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - offset >= count else { throw fail("unexpected end of input") }
        let expected = UnsafeRawBufferPointer(start: literal.utf8Start, count: count)
        for index in 0..<count where bytes[offset + index] != expected[index] {
            throw fail("invalid literal")
        }
        offset += count
    }

    private mutating func parseValue(depth: Int) throws(IPLDError) -> JSONValue {
        guard let c = current else { throw fail("unexpected end of input") }
        switch c {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw fail("unexpected character")
        }
    }

    private mutating func parseObject(depth: Int) throws(IPLDError) -> JSONValue {
        guard depth <= maxDepth else { throw fail("nesting exceeds \(maxDepth) levels") }
        offset += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if current == UInt8(ascii: "}") { offset += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw fail("expected an object key") }
            let keyOffset = offset
            let key = try parseString()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw fail("expected ':'") }
            offset += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            guard members.updateValue(value, forKey: key) == nil else {
                throw IPLDError(.invalidJSON, "duplicate object key \"\(key)\"", offset: keyOffset)
            }
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "}"): offset += 1; return .object(members)
            default: throw fail("expected ',' or '}'")
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(IPLDError) -> JSONValue {
        guard depth <= maxDepth else { throw fail("nesting exceeds \(maxDepth) levels") }
        offset += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") { offset += 1; return .array(items) }
        while true {
            skipWhitespace()
            items.append(try parseValue(depth: depth))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "]"): offset += 1; return .array(items)
            default: throw fail("expected ',' or ']'")
            }
        }
    }

    private mutating func parseNumber() throws(IPLDError) -> String {
        let start = offset
        if current == UInt8(ascii: "-") { offset += 1 }
        guard let first = current, isDigit(first) else { throw fail("invalid number") }
        offset += 1
        if first != UInt8(ascii: "0") { while let c = current, isDigit(c) { offset += 1 } }
        if current == UInt8(ascii: ".") {
            offset += 1
            guard let c = current, isDigit(c) else { throw fail("invalid number fraction") }
            while let c = current, isDigit(c) { offset += 1 }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            offset += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { offset += 1 }
            guard let c = current, isDigit(c) else { throw fail("invalid number exponent") }
            while let c = current, isDigit(c) { offset += 1 }
        }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
    }

    private func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    private mutating func parseString() throws(IPLDError) -> String {
        let start = offset
        offset += 1  // opening quote
        var out: [UInt8] = []
        while true {
            guard let c = current else { throw IPLDError(.invalidJSON, "unterminated string", offset: start) }
            switch c {
            case UInt8(ascii: "\""):
                offset += 1
                guard let text = String(validating: out, as: UTF8.self) else {
                    throw IPLDError(.invalidJSON, "string is not valid UTF-8", offset: start)
                }
                return text
            case UInt8(ascii: "\\"):
                offset += 1
                guard let escape = current else { throw fail("unterminated escape") }
                offset += 1
                switch escape {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5c)
                case UInt8(ascii: "/"): out.append(0x2f)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0c)
                case UInt8(ascii: "n"): out.append(0x0a)
                case UInt8(ascii: "r"): out.append(0x0d)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"): try appendUnicodeEscape(to: &out)
                default: throw fail("invalid escape")
                }
            case 0..<0x20:
                throw fail("control character in string")
            default:
                out.append(c)
                offset += 1
            }
        }
    }

    private mutating func readHex4() throws(IPLDError) -> UInt32 {
        guard bytes.count - offset >= 4 else { throw fail("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[offset]
            let nibble: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw fail("invalid \\u escape")
            }
            value = value << 4 | nibble
            offset += 1
        }
        return value
    }

    private mutating func appendUnicodeEscape(to out: inout [UInt8]) throws(IPLDError) {
        var scalarValue = try readHex4()
        if (0xD800...0xDBFF).contains(scalarValue) {
            guard bytes.count - offset >= 6, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") else {
                throw fail("unpaired surrogate in \\u escape")
            }
            offset += 2
            let low = try readHex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw fail("unpaired surrogate in \\u escape") }
            scalarValue = 0x10000 + ((scalarValue - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(scalarValue) else { throw fail("unpaired surrogate in \\u escape") }
        out.append(contentsOf: String(Character(scalar)).utf8)
    }
}
