/// A content identifier in one of the forms atproto blesses: CIDv1, codec `dag-cbor` (0x71) or `raw`
/// (0x55), multihash sha2-256 with a 32-byte digest.
///
/// See https://atproto.com/specs/data-model#link-and-cid-formats and https://dasl.ing/cid.html.
/// The digest is held inline as four words, so a `CID` needs no heap allocation and hashes fast.
public struct CID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The content codec of a CID.
    public enum Codec: UInt8, Sendable, Hashable {
        /// DAG-CBOR (0x71): commits, MST nodes, records.
        case dagCBOR = 0x71
        /// Raw bytes (0x55): blobs.
        case raw = 0x55
    }

    /// The codec.
    public let codec: Codec
    let w0: UInt64
    let w1: UInt64
    let w2: UInt64
    let w3: UInt64

    /// The length of the binary form: `01 <codec> 12 20 <32-byte digest>`.
    public static let binaryLength = 36

    /// Creates a CID from a codec and a 32-byte SHA-256 digest. Returns nil for another length.
    public init?(codec: Codec, digest: some Collection<UInt8>) {
        guard digest.count == 32 else { return nil }
        if let cid = digest.withContiguousStorageIfAvailable({ CID(codec: codec, digestAt: UnsafeRawBufferPointer($0), offset: 0) }) {
            self = cid
            return
        }
        self = Array(digest).withUnsafeBytes { CID(codec: codec, digestAt: $0, offset: 0) }
    }

    /// Reads a 32-byte digest at `offset` of `buffer` as four big-endian words (the caller checked the length).
    init(codec: Codec, digestAt buffer: UnsafeRawBufferPointer, offset: Int) {
        self.codec = codec
        w0 = UInt64(bigEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        w1 = UInt64(bigEndian: buffer.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
        w2 = UInt64(bigEndian: buffer.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self))
        w3 = UInt64(bigEndian: buffer.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self))
    }

    /// Computes the CID of `block` under `codec` by hashing its exact bytes with SHA-256.
    public static func compute(for block: [UInt8], codec: Codec = .dagCBOR) -> CID {
        block.withUnsafeBytes { compute(for: $0, codec: codec) }
    }

    /// Computes the CID of bytes in a raw buffer.
    public static func compute(for buffer: UnsafeRawBufferPointer, codec: Codec = .dagCBOR) -> CID {
        SHA256Hasher.hash(buffer).withUnsafeBytes { CID(codec: codec, digestAt: $0, offset: 0) }
    }

    /// The 32-byte SHA-256 digest.
    public var digest: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(32)
        appendDigest(to: &out)
        return out
    }

    /// The 36-byte binary form.
    public var bytes: [UInt8] {
        var out: [UInt8] = [0x01, codec.rawValue, 0x12, 0x20]
        out.reserveCapacity(36)
        appendDigest(to: &out)
        return out
    }

    /// Appends the binary form to `output`.
    public func append(to output: inout [UInt8]) {
        output.append(0x01)
        output.append(codec.rawValue)
        output.append(0x12)
        output.append(0x20)
        appendDigest(to: &output)
    }

    private func appendDigest(to output: inout [UInt8]) {
        // Four words, written without building an intermediate array (this is on the hot path of every encode).
        CID.append(word: w0, to: &output)
        CID.append(word: w1, to: &output)
        CID.append(word: w2, to: &output)
        CID.append(word: w3, to: &output)
    }

    private static func append(word: UInt64, to output: inout [UInt8]) {
        var shift: UInt64 = 56
        while true {
            output.append(UInt8(truncatingIfNeeded: word >> shift))
            if shift == 0 { return }
            shift -= 8
        }
    }

    /// Parses the binary form of a CID that fills `bytes` exactly.
    public init(bytes: some Collection<UInt8>) throws(IPLDError) {
        let array = Array(bytes)
        var offset = 0
        let cid: CID
        do {
            cid = try array.withUnsafeBytes { buffer in try CID.parse(buffer, offset: &offset) }
        } catch let error as IPLDError {
            throw error
        } catch {
            throw IPLDError(.invalidCID, "\(error)")
        }
        guard offset == array.count else {
            throw IPLDError(.invalidCID, "\(array.count - offset) bytes follow the CID")
        }
        self = cid
    }

    /// Parses a binary CID at `offset` in `buffer`, advancing `offset` past it. The varints are read
    /// one by one, so a CID of an unsupported form is reported as such rather than misread.
    public static func parse(_ buffer: UnsafeRawBufferPointer, offset: inout Int) throws(IPLDError) -> CID {
        let start = offset
        if buffer.count - offset >= 2, buffer[offset] == 0x12, buffer[offset + 1] == 0x20 {
            throw IPLDError(.unsupportedCID, "CIDv0 is not allowed", offset: start)
        }
        let version = try Varint.decode(buffer, offset: &offset)
        guard version == 1 else { throw IPLDError(.unsupportedCID, "CID version \(version) is not 1", offset: start) }
        let codecValue = try Varint.decode(buffer, offset: &offset)
        let hashCode = try Varint.decode(buffer, offset: &offset)
        let hashLength = try Varint.decode(buffer, offset: &offset)
        guard let codec = Codec(rawValue: UInt8(truncatingIfNeeded: codecValue)), codecValue <= 0xff else {
            throw IPLDError(.unsupportedCID, "CID codec 0x\(String(codecValue, radix: 16)) is neither dag-cbor nor raw", offset: start)
        }
        guard hashCode == 0x12 else {
            throw IPLDError(.unsupportedCID, "CID hash 0x\(String(hashCode, radix: 16)) is not sha2-256", offset: start)
        }
        guard hashLength == 32 else {
            throw IPLDError(.unsupportedCID, "CID digest length \(hashLength) is not 32", offset: start)
        }
        guard buffer.count - offset >= 32 else { throw IPLDError(.truncated, "CID digest is truncated", offset: start) }
        let cid = CID(codec: codec, digestAt: buffer, offset: offset)
        offset += 32
        return cid
    }

    /// Reads a binary CID of exactly ``binaryLength`` bytes at `offset` of `buffer`: `01 <71 or 55> 12 20` and the
    /// digest, the only form of that length ``parse(_:offset:)`` accepts. Nil for any other bytes (which `parse`
    /// then explains) and when fewer than ``binaryLength`` bytes follow `offset`.
    public static func readBinary(_ buffer: UnsafeRawBufferPointer, at offset: Int) -> CID? {
        guard offset >= 0, buffer.count - offset >= binaryLength, buffer[offset] == 0x01, buffer[offset + 2] == 0x12, buffer[offset + 3] == 0x20,
              let codec = Codec(rawValue: buffer[offset + 1]) else { return nil }
        return CID(codec: codec, digestAt: buffer, offset: offset + 4)
    }

    /// Writes the ``binaryLength``-byte binary form at `pointer`.
    public func write(to pointer: UnsafeMutableRawPointer) {
        pointer.storeBytes(of: 0x01, as: UInt8.self)
        pointer.storeBytes(of: codec.rawValue, toByteOffset: 1, as: UInt8.self)
        pointer.storeBytes(of: 0x12, toByteOffset: 2, as: UInt8.self)
        pointer.storeBytes(of: 0x20, toByteOffset: 3, as: UInt8.self)
        pointer.storeBytes(of: w0.bigEndian, toByteOffset: 4, as: UInt64.self)
        pointer.storeBytes(of: w1.bigEndian, toByteOffset: 12, as: UInt64.self)
        pointer.storeBytes(of: w2.bigEndian, toByteOffset: 20, as: UInt64.self)
        pointer.storeBytes(of: w3.bigEndian, toByteOffset: 28, as: UInt64.self)
    }

    /// Parses the string form: multibase `b` + lowercase base32 without padding.
    public init(string: some StringProtocol) throws(IPLDError) {
        guard string.utf8.first == UInt8(ascii: "b") else {
            throw IPLDError(.invalidCID, "CID string must use multibase 'b' (base32 lower)")
        }
        guard let bytes = Base32.decode(string.dropFirst()) else {
            throw IPLDError(.invalidMultibase, "CID string is not valid base32")
        }
        try self.init(bytes: bytes)
    }

    /// The string form, e.g. `bafyrei…`.
    public var string: String { "b" + Base32.encode(bytes) }

    public var description: String { string }

    /// Equal codec and digest; the digest's first word, the one most likely to differ, is compared first.
    @inline(__always)
    public static func == (lhs: CID, rhs: CID) -> Bool {
        lhs.w0 == rhs.w0 && lhs.w1 == rhs.w1 && lhs.w2 == rhs.w2 && lhs.w3 == rhs.w3 && lhs.codec == rhs.codec
    }

    /// Orders CIDs by their binary form.
    public static func < (lhs: CID, rhs: CID) -> Bool {
        if lhs.codec != rhs.codec { return lhs.codec.rawValue < rhs.codec.rawValue }
        return (lhs.w0, lhs.w1, lhs.w2, lhs.w3) < (rhs.w0, rhs.w1, rhs.w2, rhs.w3)
    }
}
