public import Foundation

/// A JSON value, kept so that DID documents can be stored and written back faithfully
/// (identities files, serving a recording's PLC directory).
///
/// Decoding distinguishes booleans from numbers; numbers are integers when they are exact integers.
public enum IdentityJSON: Hashable, Sendable, Codable {
    /// `null`.
    case null
    /// `true` / `false`.
    case bool(Bool)
    /// An integer number.
    case int(Int64)
    /// A non-integer number.
    case double(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([IdentityJSON])
    /// An object.
    case object([String: IdentityJSON])

    /// Parses JSON bytes.
    public init(data: Data) throws(ATIdentityError) {
        do {
            self = try JSONDecoder().decode(IdentityJSON.self, from: data)
        } catch {
            throw ATIdentityError(.badDocument, "not valid JSON: \(error)")
        }
    }

    /// Canonical bytes: sorted keys, no escaped slashes; pretty-printed when asked.
    public func encoded(pretty: Bool = false) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a tree of strings, numbers and containers cannot fail except for non-finite doubles,
        // which decoding never produces.
        return (try? encoder.encode(self)) ?? Data("null".utf8)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([IdentityJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: IdentityJSON].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The member `key` of an object, or nil.
    public subscript(key: String) -> IdentityJSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The string, when this is one.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The elements, when this is an array.
    public var arrayValue: [IdentityJSON]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The members, when this is an object.
    public var objectValue: [String: IdentityJSON]? {
        if case .object(let value) = self { return value }
        return nil
    }
}
