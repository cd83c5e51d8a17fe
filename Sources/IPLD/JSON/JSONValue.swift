/// A parsed JSON value, kept close to the text: numbers keep their literal so that integers and
/// non-integers can be told apart exactly. Object keys are unique (the parser refuses duplicates).
///
/// This is the input side of ``AtprotoJSON``; see https://atproto.com/specs/data-model#json-representation.
public indirect enum JSONValue: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` / `false`.
    case bool(Bool)
    /// A number, as its literal text (e.g. `"123"`, `"123.0"`, `"-1e3"`).
    case number(String)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object.
    case object([String: JSONValue])
}

extension JSONValue {
    /// The value under `key` when this is an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The string payload, if this is a string.
    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    /// The elements, if this is an array.
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    /// The members, if this is an object.
    public var objectValue: [String: JSONValue]? { if case .object(let o) = self { return o }; return nil }
    /// The number as an integer when its literal is an integer within Int64.
    public var intValue: Int64? { if case .number(let n) = self { return Int64(n) }; return nil }
    /// The boolean payload, if this is a boolean.
    public var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
}
