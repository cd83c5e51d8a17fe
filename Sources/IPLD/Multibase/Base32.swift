/// RFC 4648 base32, lowercase alphabet, no padding: the multibase `b` encoding used for CIDs.
public enum Base32 {
    static let alphabet: [UInt8] = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)
    static let reverse: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (index, char) in alphabet.enumerated() { table[Int(char)] = Int8(index) }
        return table
    }()

    /// Encodes bytes as lowercase base32 without padding.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        if let text = bytes.withContiguousStorageIfAvailable({ encode(buffer: $0) }) { return text }
        return Array(bytes).withUnsafeBufferPointer { encode(buffer: $0) }
    }

    /// Encodes contiguous bytes, writing the string's storage directly (CIDs are encoded on hot paths).
    static func encode(buffer bytes: UnsafeBufferPointer<UInt8>) -> String {
        let length = (bytes.count * 8 + 4) / 5
        return String(unsafeUninitializedCapacity: length) { out in
            alphabet.withUnsafeBufferPointer { alphabet in
                var buffer: UInt32 = 0
                var bits = 0
                var written = 0
                for byte in bytes {
                    buffer = (buffer << 8) | UInt32(byte)
                    bits += 8
                    while bits >= 5 {
                        bits -= 5
                        out[written] = alphabet[Int((buffer >> UInt32(bits)) & 0x1f)]
                        written += 1
                    }
                }
                if bits > 0 {
                    out[written] = alphabet[Int((buffer << UInt32(5 - bits)) & 0x1f)]
                    written += 1
                }
                return written
            }
        }
    }

    /// Decodes lowercase unpadded base32. Returns nil on any character outside the alphabet
    /// or on non-zero trailing bits.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 5 / 8)
        var buffer: UInt32 = 0
        var bits = 0
        for char in text.utf8 {
            let value = reverse[Int(char)]
            guard value >= 0 else { return nil }
            buffer = (buffer << 5) | UInt32(value)
            bits += 5
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
            buffer &= (1 << UInt32(bits)) - 1
        }
        guard bits < 5, buffer == 0 else { return nil }
        return out
    }
}
