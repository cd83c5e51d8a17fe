/// A strict DER decoder for ECDSA signatures (`SEQUENCE { INTEGER r, INTEGER s }`), test use only:
/// it turns Wycheproof's bitcoin-style DER cases into atproto's 64-byte `r ‖ s`.
///
/// Refuses: wrong tags, long-form or non-minimal lengths, lengths past the end, trailing bytes,
/// negative or non-minimally encoded integers, integers longer than 32 bytes.
enum DER {
    static func compactSignature(_ der: [UInt8]) -> [UInt8]? {
        var offset = 0
        guard let sequence = element(der, &offset, tag: 0x30), offset == der.count else { return nil }
        var inner = 0
        guard let r = element(sequence, &inner, tag: 0x02), let s = element(sequence, &inner, tag: 0x02),
              inner == sequence.count,
              let r32 = unsigned32(r), let s32 = unsigned32(s)
        else { return nil }
        return r32 + s32
    }

    /// Reads one tag-length-value; returns its contents.
    private static func element(_ bytes: [UInt8], _ offset: inout Int, tag: UInt8) -> [UInt8]? {
        guard offset + 2 <= bytes.count, bytes[offset] == tag else { return nil }
        var length = Int(bytes[offset + 1])
        offset += 2
        if length & 0x80 != 0 {
            // Long form: only 0x81 with a value ≥ 128 is minimal for the sizes we handle.
            guard length == 0x81, offset < bytes.count, bytes[offset] >= 0x80 else { return nil }
            length = Int(bytes[offset])
            offset += 1
        }
        guard length <= bytes.count - offset else { return nil }
        defer { offset += length }
        return Array(bytes[offset..<offset + length])
    }

    /// A DER INTEGER's contents as a 32-byte unsigned big-endian value.
    private static func unsigned32(_ contents: [UInt8]) -> [UInt8]? {
        guard let first = contents.first else { return nil }
        if first & 0x80 != 0 { return nil }  // negative
        var value = contents[...]
        if first == 0 {
            guard contents.count > 1, contents[1] & 0x80 != 0 else {
                return contents.count == 1 ? [UInt8](repeating: 0, count: 32) : nil  // non-minimal
            }
            value = contents.dropFirst()
        }
        guard value.count <= 32 else { return nil }
        return [UInt8](repeating: 0, count: 32 - value.count) + value
    }
}
