/// An HTTP request target (`/path?query`) as the service's own servers read it (the status API and the test
/// relay): the percent-decoded path and the query parameters, the first of repeated names kept, `+` in values a
/// space. A part whose percent-encoding is invalid, or does not decode to UTF-8, is kept as written.
public struct RequestTarget: Sendable, Hashable {
    /// The percent-decoded path.
    public var path: String
    /// The query parameters, percent-decoded.
    public var query: [String: String] = [:]

    /// Parses `uri`.
    public init(_ uri: String) {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let rawPath = parts.first.map(String.init) ?? "/"
        path = RequestTarget.percentDecoded(rawPath) ?? rawPath
        if parts.count > 1 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = RequestTarget.percentDecoded(String(kv[0])) ?? String(kv[0])
                let value = kv.count > 1
                    ? (RequestTarget.percentDecoded(String(kv[1].map { $0 == "+" ? " " : $0 })) ?? String(kv[1])) : ""
                if query[key] == nil { query[key] = value }
            }
        }
    }

    /// `text` with every `%XX` decoded; nil when a `%` is not followed by two hex digits or the bytes are not UTF-8.
    public static func percentDecoded(_ text: String) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
