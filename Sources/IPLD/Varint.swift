/// Unsigned LEB128 varints as used by multiformats and CAR (https://github.com/multiformats/unsigned-varint).
public enum Varint {
    /// Appends the varint encoding of `value` to `output`.
    public static func encode(_ value: UInt64, into output: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            output.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        output.append(UInt8(v))
    }

    /// The varint encoding of `value`.
    public static func encode(_ value: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        encode(value, into: &out)
        return out
    }

    /// Decodes a minimal varint of at most 9 bytes (63 bits) starting at `offset` in `bytes`,
    /// advancing `offset` past it.
    public static func decode(_ bytes: UnsafeRawBufferPointer, offset: inout Int) throws(IPLDError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        let start = offset
        while true {
            guard offset < bytes.count else {
                throw IPLDError(.truncated, "varint runs past the end of the input", offset: start)
            }
            let byte = bytes[offset]
            offset += 1
            if shift == 63 { throw IPLDError(.invalidVarint, "varint longer than 9 bytes", offset: start) }
            result |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 {
                if byte == 0 && offset - start > 1 {
                    throw IPLDError(.invalidVarint, "varint is not minimally encoded", offset: start)
                }
                return result
            }
            shift += 7
        }
    }

    /// Decodes a varint from a byte array, advancing `offset`.
    public static func decode(_ bytes: [UInt8], offset: inout Int) throws(IPLDError) -> UInt64 {
        do {
            return try bytes.withUnsafeBytes { buffer in try decode(buffer, offset: &offset) }
        } catch let error as IPLDError {
            throw error
        } catch {
            throw IPLDError(.invalidVarint, "\(error)")
        }
    }
}
