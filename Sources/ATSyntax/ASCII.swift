/// Byte classes and helpers shared by the hand-written validators (ASCII only).
enum ASCII {
    static let dot = UInt8(ascii: ".")
    static let hyphen = UInt8(ascii: "-")
    static let colon = UInt8(ascii: ":")
    static let slash = UInt8(ascii: "/")

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }
    @inline(__always) static func isLower(_ c: UInt8) -> Bool { c &- 0x61 < 26 }
    @inline(__always) static func isUpper(_ c: UInt8) -> Bool { c &- 0x41 < 26 }
    @inline(__always) static func isLetter(_ c: UInt8) -> Bool { isLower(c) || isUpper(c) }
    @inline(__always) static func isAlphanumeric(_ c: UInt8) -> Bool { isLetter(c) || isDigit(c) }
    @inline(__always) static func lowercased(_ c: UInt8) -> UInt8 { isUpper(c) ? c | 0x20 : c }

    /// Runs `body` over the UTF-8 bytes of `string`, contiguous when possible (native strings).
    @inline(__always)
    static func withBytes<R>(of string: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = string.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(string.utf8).withUnsafeBufferPointer(body)
    }

    /// A printable rendering of a byte for error reasons.
    static func show(_ c: UInt8) -> String {
        if c >= 0x21 && c < 0x7F { return "'\(Character(Unicode.Scalar(c)))'" }
        let hex = String(c, radix: 16)
        return "0x" + (hex.count == 1 ? "0" + hex : hex)
    }

    /// The lowercase form of an ASCII string (other bytes are untouched).
    static func lowercased(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count) { out in
            for index in bytes.indices { out[index] = lowercased(bytes[index]) }
            return bytes.count
        }
    }

    /// Checks one domain label `[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?`; returns why it fails, or nil.
    static func domainLabelProblem(_ label: UnsafeBufferPointer<UInt8>.SubSequence) -> String? {
        guard let first = label.first, let last = label.last else { return "empty label" }
        if label.count > 63 { return "label longer than 63 characters" }
        if first == hyphen || last == hyphen { return "label starts or ends with a hyphen" }
        for c in label where !(isAlphanumeric(c) || c == hyphen) {
            return "character \(show(c)) not allowed"
        }
        return nil
    }
}
