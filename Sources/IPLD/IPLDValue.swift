/// A value of the atproto data model (the DAG-CBOR subset used by atproto).
///
/// See https://atproto.com/specs/data-model. Integers are signed 64-bit; there are no floats.
public enum IPLDValue: Sendable, Hashable {
    /// CBOR null.
    case null
    /// CBOR true/false.
    case bool(Bool)
    /// A signed 64-bit integer.
    case int(Int64)
    /// A UTF-8 text string.
    case string(String)
    /// A byte string.
    case bytes([UInt8])
    /// A CID link (CBOR tag 42).
    case link(CID)
    /// An array.
    case list([IPLDValue])
    /// A map with text keys. Encoding sorts keys canonically.
    case map([String: IPLDValue])
}

extension IPLDValue {
    /// The value under `key` when this is a map, else nil.
    public subscript(key: String) -> IPLDValue? {
        if case .map(let entries) = self { return entries[key] }
        return nil
    }

    /// The string payload, if this is a string.
    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    /// The integer payload, if this is an integer.
    public var intValue: Int64? { if case .int(let i) = self { return i }; return nil }
    /// The boolean payload, if this is a boolean.
    public var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
    /// The bytes payload, if this is a byte string.
    public var bytesValue: [UInt8]? { if case .bytes(let b) = self { return b }; return nil }
    /// The CID payload, if this is a link.
    public var linkValue: CID? { if case .link(let c) = self { return c }; return nil }
    /// The elements, if this is a list.
    public var listValue: [IPLDValue]? { if case .list(let l) = self { return l }; return nil }
    /// The entries, if this is a map.
    public var mapValue: [String: IPLDValue]? { if case .map(let m) = self { return m }; return nil }
    /// True when this is null.
    public var isNull: Bool { if case .null = self { return true }; return false }
}
