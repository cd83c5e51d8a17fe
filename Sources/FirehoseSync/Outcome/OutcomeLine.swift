/// One line of `--events` output and `expected.jsonl` (Docs/CONTRACT.md §4).
public struct OutcomeLine: Sendable, Hashable {
    /// 0-based index of the frame in the recording or connection.
    public var index: Int
    public var seq: Int64?
    public var type: EventType
    public var did: String?
    public var rev: String?
    public var outcome: Outcome
    /// Null for verified/applied.
    public var reason: Reason?
    public var detail: String?
    /// Conformance warnings of an event verified or applied despite a deviation (sorted, no repeats; empty when
    /// none). A warning never changes ``outcome`` or ``reason``.
    public var warnings: [ConformanceWarning]

    /// Creates a line.
    public init(index: Int, seq: Int64?, type: EventType, did: String?, rev: String?, outcome: Outcome, reason: Reason?, detail: String?,
                warnings: [ConformanceWarning] = []) {
        self.index = index
        self.seq = seq
        self.type = type
        self.did = did
        self.rev = rev
        self.outcome = outcome
        self.reason = reason
        self.detail = detail
        self.warnings = Array(Set(warnings)).sorted()
    }

    /// The JSON object on one line, keys in the documented order; `warnings` only when there are some.
    public var json: String {
        var out = "{\"i\": \(index), \"seq\": "
        out += seq.map(String.init) ?? "null"
        out += ", \"type\": \"\(type.rawValue)\", \"did\": "
        out += did.map(JSONText.quote) ?? "null"
        out += ", \"rev\": "
        out += rev.map(JSONText.quote) ?? "null"
        out += ", \"outcome\": \"\(outcome.rawValue)\", \"reason\": "
        out += reason.map { "\"\($0.rawValue)\"" } ?? "null"
        out += ", \"detail\": "
        out += detail.map(JSONText.quote) ?? "null"
        if !warnings.isEmpty {
            out += ", \"warnings\": [" + warnings.map { "\"\($0.rawValue)\"" }.joined(separator: ", ") + "]"
        }
        out += "}"
        return out
    }
}

/// Minimal JSON string quoting (RFC 8259), without Foundation.
public enum JSONText {
    /// Quotes and escapes a string as a JSON string literal.
    public static func quote(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
        return out
    }
}
