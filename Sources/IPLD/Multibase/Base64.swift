/// Standard base64 (RFC 4648 §4) as atproto JSON uses it for `$bytes`: written without padding,
/// read with padding optional. See https://atproto.com/specs/data-model#bytes.
public enum Base64 {
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    static let reverse: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (index, char) in alphabet.enumerated() { table[Int(char)] = Int8(index) }
        return table
    }()

    /// Encodes bytes as standard base64 without padding.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 6 {
                bits -= 6
                out.append(alphabet[Int((buffer >> UInt32(bits)) & 0x3f)])
            }
            buffer &= (1 << UInt32(bits)) - 1
        }
        if bits > 0 { out.append(alphabet[Int((buffer << UInt32(6 - bits)) & 0x3f)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes standard base64, with or without `=` padding. Returns nil for characters outside the
    /// alphabet, misplaced or excess padding, or an impossible length (one leftover character).
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var chars = Array(text.utf8)
        var padding = 0
        while let last = chars.last, last == UInt8(ascii: "=") {
            chars.removeLast()
            padding += 1
        }
        if padding > 0 {
            guard padding <= 2, (chars.count + padding) % 4 == 0 else { return nil }
        }
        guard chars.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for char in chars {
            let value = reverse[Int(char)]
            guard value >= 0 else { return nil }
            buffer = (buffer << 6) | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
            buffer &= (1 << UInt32(bits)) - 1
        }
        return out
    }
}
