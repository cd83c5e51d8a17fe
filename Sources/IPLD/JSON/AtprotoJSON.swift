/// Conversion between atproto JSON and the data model (``IPLDValue``).
///
/// JSON → data model: `{"$link": cid}` becomes a link, `{"$bytes": base64}` becomes bytes (padding
/// optional), and both must have no other keys. Numbers must be integers; a literal such as `123.0`
/// whose value is an integer within ±2^53 is accepted, as JavaScript parsers would. A `$type`, where
/// present, must be a non-empty string; a `$type: "blob"` object must have a `ref` link, a string
/// `mimeType` and an integer `size`. Records must be objects at the top level.
///
/// Data model → JSON: the inverse, with object keys sorted bytewise (UTF-8) so output is deterministic.
///
/// See https://atproto.com/specs/data-model#json-representation and https://atproto.com/specs/blob.
public enum AtprotoJSON {
    /// Largest integer magnitude accepted from a non-integer JSON literal (2^53).
    static let maxSafeInteger: Double = 9_007_199_254_740_992

    // MARK: - JSON → data model

    /// Converts a JSON value to the data model. Errors have code ``IPLDError/Code/invalidDataModel``.
    public static func value(from json: JSONValue) throws(IPLDError) -> IPLDValue {
        try convert(json, depth: 0)
    }

    /// Converts a record: like ``value(from:)`` but the top level must be an object.
    public static func record(from json: JSONValue) throws(IPLDError) -> IPLDValue {
        guard case .object = json else {
            throw IPLDError(.invalidDataModel, "a record must be a JSON object at the top level")
        }
        return try convert(json, depth: 0)
    }

    /// Parses JSON text and converts it to the data model.
    public static func value(fromJSON bytes: [UInt8]) throws(IPLDError) -> IPLDValue {
        try value(from: try JSONParser.parse(bytes))
    }

    /// Parses JSON text and converts it as a record (top level must be an object).
    public static func record(fromJSON bytes: [UInt8]) throws(IPLDError) -> IPLDValue {
        try record(from: try JSONParser.parse(bytes))
    }

    private static func invalid(_ reason: String) -> IPLDError {
        IPLDError(.invalidDataModel, reason)
    }

    private static func convert(_ json: JSONValue, depth: Int) throws(IPLDError) -> IPLDValue {
        switch json {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .string(let s): return .string(s)
        case .number(let literal): return .int(try integer(literal))
        case .array(let items):
            guard depth < DAGCBORLimits.atproto.maxDepth else { throw invalid("nesting exceeds \(DAGCBORLimits.atproto.maxDepth) levels") }
            var out: [IPLDValue] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try convert(item, depth: depth + 1)) }
            return .list(out)
        case .object(let members):
            if let link = members["$link"] {
                guard members.count == 1 else { throw invalid("a $link object must have no other keys") }
                guard case .string(let text) = link else { throw invalid("$link must be a string") }
                do {
                    return .link(try CID(string: text))
                } catch {
                    throw invalid("$link is not a valid CID: \(error.reason)")
                }
            }
            if let encoded = members["$bytes"] {
                guard members.count == 1 else { throw invalid("a $bytes object must have no other keys") }
                guard case .string(let text) = encoded else { throw invalid("$bytes must be a string") }
                guard let bytes = Base64.decode(text) else { throw invalid("$bytes is not valid base64") }
                return .bytes(bytes)
            }
            guard depth < DAGCBORLimits.atproto.maxDepth else { throw invalid("nesting exceeds \(DAGCBORLimits.atproto.maxDepth) levels") }
            var out: [String: IPLDValue] = Dictionary(minimumCapacity: members.count)
            for (key, member) in members {
                out[key] = try convert(member, depth: depth + 1)
            }
            try checkTyped(out)
            return .map(out)
        }
    }

    /// An integer from a JSON number literal: exact for integer literals, else only when the value
    /// is integral and within ±2^53 (so `123.0` and `1e3` pass, `123.456` does not).
    static func integer(_ literal: String) throws(IPLDError) -> Int64 {
        if !literal.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            guard let value = Int64(literal) else { throw invalid("integer \(literal) is outside the signed 64-bit range") }
            return value
        }
        guard let double = Double(literal), double.isFinite, double.rounded(.towardZero) == double,
              abs(double) <= maxSafeInteger
        else { throw invalid("floating-point number \(literal) is not allowed") }
        return Int64(double)
    }

    /// Checks `$type` and blob shape on a converted map.
    static func checkTyped(_ map: [String: IPLDValue]) throws(IPLDError) {
        guard let type = map["$type"] else { return }
        guard case .string(let name) = type, !name.isEmpty else { throw invalid("$type must be a non-empty string") }
        guard name == "blob" else { return }
        guard case .link = map["ref"] else { throw invalid("blob ref must be a $link") }
        guard case .string = map["mimeType"] else { throw invalid("blob mimeType must be a string") }
        guard case .int(let size) = map["size"], size >= 0 else { throw invalid("blob size must be a non-negative integer") }
    }

    // MARK: - Data model → JSON

    /// Serializes a data-model value as atproto JSON (keys sorted bytewise; compact or indented).
    public static func serialize(_ value: IPLDValue, pretty: Bool = false) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, into: &out, pretty: pretty, indent: 0)
        return String(decoding: out, as: UTF8.self)
    }

    static func write(_ value: IPLDValue, into out: inout [UInt8], pretty: Bool, indent: Int) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .string(let s): writeString(s, into: &out)
        case .bytes(let b):
            writeObject([("$bytes", .string(Base64.encode(b)))], into: &out, pretty: pretty, indent: indent)
        case .link(let cid):
            writeObject([("$link", .string(cid.string))], into: &out, pretty: pretty, indent: indent)
        case .list(let items):
            if items.isEmpty { out.append(contentsOf: "[]".utf8); return }
            out.append(UInt8(ascii: "["))
            for (position, item) in items.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                newline(into: &out, pretty: pretty, indent: indent + 1)
                write(item, into: &out, pretty: pretty, indent: indent + 1)
            }
            newline(into: &out, pretty: pretty, indent: indent)
            out.append(UInt8(ascii: "]"))
        case .map(let entries):
            let sorted = entries.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            writeObject(sorted.map { ($0.key, $0.value) }, into: &out, pretty: pretty, indent: indent)
        }
    }

    static func writeObject(_ members: [(String, IPLDValue)], into out: inout [UInt8], pretty: Bool, indent: Int) {
        if members.isEmpty { out.append(contentsOf: "{}".utf8); return }
        out.append(UInt8(ascii: "{"))
        for (position, member) in members.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            newline(into: &out, pretty: pretty, indent: indent + 1)
            writeString(member.0, into: &out)
            out.append(UInt8(ascii: ":"))
            if pretty { out.append(UInt8(ascii: " ")) }
            write(member.1, into: &out, pretty: pretty, indent: indent + 1)
        }
        newline(into: &out, pretty: pretty, indent: indent)
        out.append(UInt8(ascii: "}"))
    }

    static func newline(into out: inout [UInt8], pretty: Bool, indent: Int) {
        guard pretty else { return }
        out.append(0x0a)
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * 2))
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Writes a JSON string literal, escaping quotes, backslashes and control characters.
    static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case 0x22: out.append(contentsOf: [0x5c, 0x22])
            case 0x5c: out.append(contentsOf: [0x5c, 0x5c])
            case 0x0a: out.append(contentsOf: [0x5c, UInt8(ascii: "n")])
            case 0x0d: out.append(contentsOf: [0x5c, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5c, UInt8(ascii: "t")])
            case 0..<0x20, 0x7f:
                out.append(contentsOf: [0x5c, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0xf)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
