/// Base58btc (Bitcoin alphabet), the multibase `z` encoding used by did:key and Multikey.
public enum Base58 {
    static let alphabet: [UInt8] = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)
    static let reverse: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (index, char) in alphabet.enumerated() { table[Int(char)] = Int8(index) }
        return table
    }()

    /// Encodes bytes as base58btc (no multibase prefix).
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        var zeros = 0
        while zeros < input.count && input[zeros] == 0 { zeros += 1 }
        var digits: [UInt8] = []  // base-58 digits, little-endian
        digits.reserveCapacity(input.count * 138 / 100 + 1)
        for byte in input[zeros...] {
            var carry = Int(byte)
            for index in digits.indices {
                carry += Int(digits[index]) << 8
                digits[index] = UInt8(carry % 58)
                carry /= 58
            }
            while carry > 0 {
                digits.append(UInt8(carry % 58))
                carry /= 58
            }
        }
        var out = [UInt8](repeating: alphabet[0], count: zeros)
        out.reserveCapacity(zeros + digits.count)
        for digit in digits.reversed() { out.append(alphabet[Int(digit)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes base58btc (no multibase prefix). Returns nil on characters outside the alphabet
    /// or input longer than 1024 characters.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let utf8 = text.utf8
        guard utf8.count <= 1024 else { return nil }
        var zeros = 0
        for char in utf8 {
            guard char == alphabet[0] else { break }
            zeros += 1
        }
        // Little-endian base-256, sized once: each base-58 digit adds log(58)/log(256) < 0.733 bytes.
        var bytes: [UInt8] = []
        bytes.reserveCapacity((utf8.count - zeros) * 733 / 1000 + 1)
        for char in utf8.dropFirst(zeros) {
            let value = reverse[Int(char)]
            guard value >= 0 else { return nil }
            var carry = Int(value)
            for index in bytes.indices {
                carry += Int(bytes[index]) * 58
                bytes[index] = UInt8(carry & 0xff)
                carry >>= 8
            }
            while carry > 0 {
                bytes.append(UInt8(carry & 0xff))
                carry >>= 8
            }
        }
        var out = [UInt8](repeating: 0, count: zeros + bytes.count)
        for (offset, byte) in bytes.reversed().enumerated() { out[zeros + offset] = byte }
        return out
    }
}
