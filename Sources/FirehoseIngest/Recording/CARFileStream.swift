public import FirehoseSync
import Foundation
public import IPLD

/// The blocks of a CAR file read in 1 MiB chunks, so a full repository is imported with memory bounded by the
/// largest block (https://ipld.io/specs/transport/car/carv1/). Each section is `varint(len) ‖ CID ‖ data`; the
/// CID is parsed varint by varint and every block's SHA-256 is checked against it.
public final class CARFileStream: RepoBlockStream {
    /// The largest section accepted (a record is at most 1 MB on the network; this leaves room).
    public static let maximumSectionLength = 8 << 20
    /// The largest header accepted.
    public static let maximumHeaderLength = 1 << 20
    static let chunkSize = 1 << 20

    let handle: FileHandle
    let path: String
    var buffer: [UInt8] = []
    var start = 0
    var atEOF = false
    /// File offset of `buffer[start]`.
    var fileOffset = 0
    var rootsStorage: [CID] = []

    /// Opens `path` and parses the CAR header. Throws ``IPLDError`` for an unopenable file or a malformed header.
    public init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw IPLDError(.malformedCAR, "cannot open \(path)")
        }
        self.handle = handle
        self.path = path
        let (length, varintLength) = try readVarint(context: "CAR header length")
        guard length > 0, length <= UInt64(Self.maximumHeaderLength) else {
            throw IPLDError(.malformedCAR, "CAR header length \(length) is out of range", offset: 0)
        }
        let total = varintLength + Int(length)
        guard try ensure(total) else { throw IPLDError(.truncated, "the CAR ends inside its header", offset: 0) }
        let header = try CARReader(bytes: Array(buffer[start..<(start + total)]), verifyingHashes: true)
        consume(total)
        self.rootsStorage = header.roots
    }

    deinit { try? handle.close() }

    /// The CAR header's roots.
    public var roots: [CID] { rootsStorage }

    /// The next block, nil after the last.
    public func nextBlock() throws -> (cid: CID, bytes: [UInt8])? {
        guard try ensure(1) else { return nil }
        let sectionOffset = fileOffset
        let (length, varintLength) = try readVarint(context: "CAR section length")
        guard length > 0, length <= UInt64(Self.maximumSectionLength) else {
            throw IPLDError(.malformedCAR, "CAR section length \(length) is out of range", offset: sectionOffset)
        }
        let total = varintLength + Int(length)
        guard try ensure(total) else {
            throw IPLDError(.truncated, "the CAR ends inside a section of \(length) bytes", offset: sectionOffset)
        }
        let sectionStart = start + varintLength
        let sectionEnd = start + total
        var cursor = sectionStart
        let cid = try buffer.withUnsafeBytes { raw throws(IPLDError) -> CID in
            try CID.parse(UnsafeRawBufferPointer(rebasing: raw[..<sectionEnd]), offset: &cursor)
        }
        let data = Array(buffer[cursor..<sectionEnd])
        guard CID.compute(for: data, codec: cid.codec) == cid else {
            throw IPLDError(.blockHashMismatch, "block \(cid) does not hash to its CID", offset: sectionOffset)
        }
        consume(total)
        return (cid, data)
    }

    // MARK: - Buffering

    /// Decodes the varint at the read position without consuming it; returns the value and its length.
    func readVarint(context: String) throws -> (UInt64, Int) {
        _ = try ensure(10)
        let available = buffer.count - start
        guard available > 0 else { throw IPLDError(.truncated, "the CAR ends before the \(context)", offset: fileOffset) }
        var offset = 0
        let value = try buffer.withUnsafeBytes { raw throws(IPLDError) -> UInt64 in
            try Varint.decode(UnsafeRawBufferPointer(rebasing: raw[start..<(start + min(10, available))]), offset: &offset)
        }
        return (value, offset)
    }

    /// Makes at least `count` unread bytes available; false when the file ends first.
    func ensure(_ count: Int) throws -> Bool {
        while buffer.count - start < count {
            if atEOF { return false }
            if start > 0 {
                buffer.removeFirst(start)
                start = 0
            }
            let chunk = try handle.read(upToCount: max(Self.chunkSize, count - buffer.count)) ?? Data()
            if chunk.isEmpty {
                atEOF = true
            } else {
                buffer.append(contentsOf: chunk)
            }
        }
        return true
    }

    func consume(_ count: Int) {
        start += count
        fileOffset += count
    }
}
