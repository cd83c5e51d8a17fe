/// A streaming CAR v1 reader: parses the header on creation, then yields one block per ``nextBlock()``.
///
/// Deliberately not an `IteratorProtocol`: a `for` loop could not report a bad block, only stop early.
///
/// Nothing is copied: each ``CARBlock`` holds a slice of the input. Memory use beyond the input is
/// constant, so it suits large files (e.g. a memory-mapped full-repo export). By default every
/// block's SHA-256 is checked against its CID. Each section is `varint(len) ‖ CID ‖ data`; the CID is
/// parsed varint by varint, not assumed to be 36 bytes.
///
/// See https://ipld.io/specs/transport/car/carv1/ and https://dasl.ing/car.html.
public struct CARReader: Sendable {
    /// The whole CAR.
    public let bytes: [UInt8]
    /// The parsed header.
    public let header: CARHeader
    /// Whether each block's hash is checked against its CID.
    public let verifyingHashes: Bool
    /// Byte offset of the next section.
    public private(set) var offset: Int
    /// Set after the first error; iteration then stops.
    private var failed = false

    /// Parses the header of `bytes`. Throws ``IPLDError/Code/unsupportedCARVersion`` for a version other
    /// than 1, ``IPLDError/Code/carMissingRoots`` for empty roots, and other codes for malformed input.
    public init(bytes: [UInt8], verifyingHashes: Bool = true) throws(IPLDError) {
        self.bytes = bytes
        self.verifyingHashes = verifyingHashes
        var offset = 0
        let header = try bytes.withUnsafeBytesTyped { buffer throws(IPLDError) -> CARHeader in
            let length = try Varint.decode(buffer, offset: &offset)
            guard length > 0 else { throw IPLDError(.malformedCAR, "CAR header length is zero", offset: 0) }
            guard length <= UInt64(buffer.count - offset) else {
                throw IPLDError(.truncated, "CAR header of \(length) bytes runs past the end of the input", offset: 0)
            }
            let start = offset
            let end = offset + Int(length)
            let value: IPLDValue
            do throws(IPLDError) {
                value = try DAGCBOR.decode(UnsafeRawBufferPointer(rebasing: buffer[start..<end]))
            } catch {
                throw IPLDError(.malformedCAR, "CAR header is not strict DAG-CBOR: \(error)", offset: start + (error.offset ?? 0))
            }
            offset = end
            return try CARHeader(value: value, offset: start)
        }
        self.header = header
        self.offset = offset
    }

    /// The root CIDs from the header.
    public var roots: [CID] { header.roots }

    /// True when every section has been read.
    public var isAtEnd: Bool { offset >= bytes.count }

    /// Reads the next block, or returns nil at the end of the input.
    public mutating func nextBlock() throws(IPLDError) -> CARBlock? {
        guard !failed, offset < bytes.count else { return nil }
        do {
            return try readSection()
        } catch {
            failed = true
            throw error
        }
    }

    private mutating func readSection() throws(IPLDError) -> CARBlock {
        let sectionStart = offset
        var cursor = offset
        let (cid, dataStart, sectionEnd) = try bytes.withUnsafeBytesTyped { buffer throws(IPLDError) -> (CID, Int, Int) in
            let length = try Varint.decode(buffer, offset: &cursor)
            guard length > 0 else { throw IPLDError(.malformedCAR, "CAR section length is zero", offset: sectionStart) }
            guard length <= UInt64(buffer.count - cursor) else {
                throw IPLDError(.truncated, "CAR section of \(length) bytes runs past the end of the input", offset: sectionStart)
            }
            let end = cursor + Int(length)
            // Parse the CID inside the section only, so it cannot read into the next one.
            let section = UnsafeRawBufferPointer(rebasing: buffer[cursor..<end])
            var cidOffset = 0
            let cid: CID
            do throws(IPLDError) {
                cid = try CID.parse(section, offset: &cidOffset)
            } catch {
                throw IPLDError(error.code, "block CID: \(error.reason)", offset: cursor + (error.offset ?? 0))
            }
            return (cid, cursor + cidOffset, end)
        }
        let block = CARBlock(cid: cid, offset: sectionStart, data: bytes[dataStart..<sectionEnd])
        if verifyingHashes, !block.hashMatches {
            throw IPLDError(.blockHashMismatch, "block data does not hash to \(cid)", offset: sectionStart)
        }
        offset = sectionEnd
        return block
    }
}
