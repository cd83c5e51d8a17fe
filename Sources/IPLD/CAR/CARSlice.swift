/// A CAR v1 slice (the `blocks` of a firehose commit) indexed in place: each section is its CID and the range of its
/// data in ``bytes``, found by the first word of the CID's digest (uniform, being SHA-256 output) without a
/// dictionary and without copying a block.
///
/// A slice of the usual shape (one dag-cbor root, CIDs in their 36-byte form) is read in place; any other input is
/// read by ``CARReader`` exactly as ``CARFile`` reads it. Either way it accepts, refuses and reports errors as
/// ``CARFile/init(bytes:verifyingHashes:)`` does with hash checks on, and every block is hashed once against its
/// CID. Duplicate blocks are tolerated; lookups return the first.
public struct CARSlice: Sendable {
    /// One section: the block's CID and where its data lies in ``CARSlice/bytes`` (indices of that slice).
    public struct Section: Sendable, Equatable {
        /// The block's CID as written in its section.
        public let cid: CID
        /// The byte range of the block data in the CAR.
        public let data: Range<Int>
    }

    /// The whole CAR, where it was read (a slice of a frame keeps the frame's indices).
    public let bytes: ArraySlice<UInt8>
    /// The first root (for atproto, the commit CID).
    public let root: CID
    /// The roots after the first (none in the usual shape, so no array is built for them).
    private let otherRoots: [CID]
    /// The root CIDs (never empty). For atproto, `roots[0]` is the commit.
    public var roots: [CID] { [root] + otherRoots }
    /// Every section in file order, duplicates included.
    public let sections: [Section]
    /// Open-addressing table of section positions plus one (0 is empty), probed from the digest's first word; empty
    /// when there are few enough sections to scan.
    private let table: [Int32]

    /// Slices with at most this many sections are searched by a scan of ``sections``.
    package static let scanLimit = 12

    /// Parses `bytes` and checks every block's hash against its CID.
    public init(bytes: [UInt8]) throws(IPLDError) {
        try self.init(bytes: bytes[...])
    }

    /// Parses `bytes` in place (the `blocks` of a frame, read where they lie) and checks every block's hash against
    /// its CID, as the array initialiser does.
    public init(bytes: ArraySlice<UInt8>) throws(IPLDError) {
        let sections: [Section]
        if let read = CARSlice.readUsualShape(bytes) {
            self.root = read.root
            self.otherRoots = []
            sections = read.sections
            self.bytes = bytes
        } else {
            let copy = Array(bytes)
            var reader = try CARReader(bytes: copy, verifyingHashes: true)
            var found: [Section] = []
            while let block = try reader.nextBlock() {
                found.append(Section(cid: block.cid, data: block.data.indices))
            }
            self.root = reader.roots[0]
            self.otherRoots = Array(reader.roots.dropFirst())
            sections = found
            self.bytes = copy[...]
        }
        self.sections = sections
        self.table = sections.count > CARSlice.scanLimit ? CARSlice.table(of: sections) : []
    }

    /// The header of a CAR with one dag-cbor root, up to the root's digest: the length 58, then
    /// `{"roots": [tag 42 (0x00 ‖ 01 71 12 20 …`; after the digest come ``headerTail``.
    static let headerHead: [UInt8] = [0x3a, 0xa2, 0x65, 0x72, 0x6f, 0x6f, 0x74, 0x73, 0x81, 0xd8, 0x2a, 0x58, 0x25, 0x00,
                                      0x01, 0x71, 0x12, 0x20]
    /// The rest of that header after the root's digest: `"version": 1}`.
    static let headerTail: [UInt8] = [0x67, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x01]

    /// Reads a CAR of the usual shape in place: that one-root header, then sections whose CIDs are in the 36-byte form
    /// and whose data hash to them. Nil for anything else (``CARReader`` then reads it, and names what is wrong).
    static func readUsualShape(_ bytes: ArraySlice<UInt8>) -> (root: CID, sections: [Section])? {
        let base = bytes.startIndex
        return bytes.withUnsafeBytes { buffer -> (root: CID, sections: [Section])? in
            let headerEnd = headerHead.count + 32 + headerTail.count
            guard buffer.count >= headerEnd else { return nil }
            for index in 0..<headerHead.count where buffer[index] != headerHead[index] { return nil }
            for index in 0..<headerTail.count where buffer[headerHead.count + 32 + index] != headerTail[index] { return nil }
            let root = CID(codec: .dagCBOR, digestAt: buffer, offset: headerHead.count)
            var sections: [Section] = []
            sections.reserveCapacity(16)
            var offset = headerEnd
            while offset < buffer.count {
                guard let length = try? Varint.decode(buffer, offset: &offset), length >= UInt64(CID.binaryLength),
                      length <= UInt64(buffer.count - offset) else { return nil }
                let end = offset + Int(length)
                guard buffer[offset] == 0x01, let codec = CID.Codec(rawValue: buffer[offset + 1]),
                      buffer[offset + 2] == 0x12, buffer[offset + 3] == 0x20 else { return nil }
                let cid = CID(codec: codec, digestAt: buffer, offset: offset + 4)
                let data = (offset + CID.binaryLength)..<end
                guard CID.compute(for: UnsafeRawBufferPointer(rebasing: buffer[data]), codec: codec) == cid else { return nil }
                sections.append(Section(cid: cid, data: (base + data.lowerBound)..<(base + data.upperBound)))
                offset = end
            }
            return (root, sections)
        }
    }

    /// The table of `sections` (first occurrence of each CID), sized to a power of two at least twice their number.
    private static func table(of sections: [Section]) -> [Int32] {
        var capacity = 16
        while capacity < sections.count * 2 { capacity *= 2 }
        var table = [Int32](repeating: 0, count: capacity)
        let mask = capacity - 1
        for (position, section) in sections.enumerated() {
            var slot = Int(truncatingIfNeeded: section.cid.w0) & mask
            while true {
                let entry = Int(table[slot])
                if entry == 0 {
                    table[slot] = Int32(position + 1)
                    break
                }
                if sections[entry - 1].cid == section.cid { break }
                slot = (slot + 1) & mask
            }
        }
        return table
    }

    /// The position in ``sections`` of the first block with `cid`.
    public func position(of cid: CID) -> Int? {
        if table.isEmpty {
            for position in sections.indices where sections[position].cid == cid { return position }
            return nil
        }
        let mask = table.count - 1
        var slot = Int(truncatingIfNeeded: cid.w0) & mask
        while true {
            let entry = Int(table[slot])
            if entry == 0 { return nil }
            if sections[entry - 1].cid == cid { return entry - 1 }
            slot = (slot + 1) & mask
        }
    }

    /// The data of the block with `cid`, if present (a zero-copy slice whose indices are offsets in the CAR).
    public func data(for cid: CID) -> ArraySlice<UInt8>? {
        position(of: cid).map { bytes[sections[$0].data] }
    }

    /// True when a block with `cid` is present.
    public func contains(_ cid: CID) -> Bool {
        position(of: cid) != nil
    }
}
