import IPLD
import Synchronization

/// The maximum number of entries accepted in one MST node. Expected node sizes are a handful of
/// entries (fanout 4); 8,192 matches indigo's cbor-gen array cap and is far beyond anything a
/// random key set produces, while bounding the work an adversarial (key-mined) node can cause.
let mstMaxEntriesPerNode = 8192

/// A node as decoded from its block, before layers and key ranges are checked against the tree.
struct MSTDecodedNode {
    var left: CID?
    var keys: [[UInt8]] = []
    var values: [CID] = []
    var rights: [CID?] = []
}

extension MSTNode {
    /// Encodes the node canonically: `{"e": [{"k", "p", "t", "v"}…], "l"}` with `t` and `l` always
    /// present (null when absent) and maximal prefix compression (Docs/SPEC.md §5.3).
    func encoded() -> [UInt8] {
        if let known = cachedEncoding.withLock({ $0 }) { return known }
        return encode()
    }

    /// Encodes the node without looking at the cache.
    func encode() -> [UInt8] {
        var writer = DAGCBORWriter(capacity: 16 + keys.count * 96)
        writer.writeMapHead(count: 2)
        writer.writeString("e")
        writer.writeArrayHead(count: keys.count)
        var previous: [UInt8] = []
        for index in keys.indices {
            let key = keys[index]
            let shared = MSTKey.commonPrefixLength(previous, key)
            writer.writeMapHead(count: 4)
            writer.writeString("k")
            writer.writeBytes(key[shared...])
            writer.writeString("p")
            writer.writeInt(Int64(shared))
            writer.writeString("t")
            if let right = children[index + 1] { writer.writeLink(right.cid) } else { writer.writeNull() }
            writer.writeString("v")
            writer.writeLink(values[index])
            previous = key
        }
        writer.writeString("l")
        if let left = children[0] { writer.writeLink(left.cid) } else { writer.writeNull() }
        return writer.bytes
    }

    /// Decodes one node block, accepting only the exact canonical shape: a specialised strict
    /// parser (minimal heads, exact key sets in canonical order, blessed dag-cbor links for `l`/`t`,
    /// honest maximal `p`, strictly increasing keys, no trailing bytes). Anything else throws
    /// `malformed-mst`; the parser never traps on hostile input.
    static func decode(_ bytes: [UInt8]) throws(ATRepoError) -> MSTDecodedNode {
        let result: Result<MSTDecodedNode, ATRepoError> = bytes.withUnsafeBytes { buffer in
            Result { () throws(ATRepoError) -> MSTDecodedNode in try decode(buffer) }
        }
        return try result.get()
    }

    /// Decodes one node block held in `buffer`, with the same rules as the array form.
    static func decode(_ buffer: UnsafeRawBufferPointer) throws(ATRepoError) -> MSTDecodedNode {
        var parser = MSTNodeParser(buffer: buffer)
        return try parser.parseNode()
    }
}

/// A byte-level parser for the one shape an MST node may take. It allocates nothing but the keys
/// it returns: literals are compared in place and error texts are built only on failure.
private struct MSTNodeParser {
    let buffer: UnsafeRawBufferPointer
    var offset = 0

    init(buffer: UnsafeRawBufferPointer) { self.buffer = buffer }

    func fail(_ reason: String) -> ATRepoError {
        ATRepoError(.malformedMST, "\(reason) at byte \(offset)")
    }

    /// Consumes `count` (1…3) literal bytes packed big-endian in `literal`.
    mutating func expect(_ literal: UInt32, count: Int, _ what: StaticString) throws(ATRepoError) {
        guard buffer.count - offset >= count else { throw fail("node ends before \(what)") }
        var index = 0
        while index < count {
            let byte = UInt8(truncatingIfNeeded: literal >> UInt32(8 * (count - 1 - index)))
            guard buffer[offset + index] == byte else { throw fail("expected \(what)") }
            index += 1
        }
        offset += count
    }

    /// Reads a head of `major` type with a minimally encoded argument.
    mutating func readHead(major: UInt8, _ what: StaticString) throws(ATRepoError) -> UInt64 {
        guard offset < buffer.count else { throw fail("node ends before \(what)") }
        let initial = buffer[offset]
        guard initial >> 5 == major else { throw fail("\(what) has the wrong type") }
        offset += 1
        let info = initial & 0x1f
        let width: Int
        switch info {
        case 0..<24: return UInt64(info)
        case 24: width = 1
        case 25: width = 2
        case 26: width = 4
        case 27: width = 8
        default: throw fail("\(what) has an indefinite or reserved length")
        }
        guard buffer.count - offset >= width else { throw fail("node ends inside \(what)") }
        var value: UInt64 = 0
        for index in 0..<width { value = value << 8 | UInt64(buffer[offset + index]) }
        offset += width
        let minimum: UInt64 = width == 1 ? 24 : (width == 2 ? 0x100 : (width == 4 ? 0x1_0000 : 0x1_0000_0000))
        guard value >= minimum else { throw fail("\(what) is not minimally encoded") }
        return value
    }

    /// Reads `null` or a tag-42 link; `requireDAGCBOR` for links to tree nodes.
    mutating func readOptionalLink(_ what: StaticString, requireDAGCBOR: Bool) throws(ATRepoError) -> CID? {
        guard offset < buffer.count else { throw fail("node ends before \(what)") }
        if buffer[offset] == 0xf6 {
            offset += 1
            return nil
        }
        return try readLink(what, requireDAGCBOR: requireDAGCBOR)
    }

    /// Reads a link: `d8 2a`, a byte-string head of 37, `00`, then a blessed binary CID.
    mutating func readLink(_ what: StaticString, requireDAGCBOR: Bool) throws(ATRepoError) -> CID {
        let total = 2 + 2 + 1 + CID.binaryLength
        guard buffer.count - offset >= total,
              buffer[offset] == 0xd8, buffer[offset + 1] == 0x2a, buffer[offset + 2] == 0x58,
              buffer[offset + 3] == UInt8(CID.binaryLength + 1), buffer[offset + 4] == 0x00
        else { throw fail("\(what) is not a link to a blessed CID") }
        var cidOffset = offset + 5
        let cid: CID
        do {
            cid = try CID.parse(buffer, offset: &cidOffset)
        } catch {
            throw fail("\(what) is not a blessed CID: \(error.reason)")
        }
        guard cidOffset == offset + total else { throw fail("\(what) link has extra bytes") }
        if requireDAGCBOR && cid.codec != .dagCBOR { throw fail("\(what) must link a dag-cbor block") }
        offset = cidOffset
        return cid
    }

    mutating func parseNode() throws(ATRepoError) -> MSTDecodedNode {
        // {"e": [...], "l": ...}: a map of exactly two entries in canonical order.
        try expect(0xa2_61_65, count: 3, "a map of {e, l}")
        let count = try readHead(major: 4, "the entry array")
        guard count <= UInt64(mstMaxEntriesPerNode) else {
            throw fail("node has \(count) entries, above the limit of \(mstMaxEntriesPerNode)")
        }
        // Each entry needs at least 53 bytes; refuse counts the input cannot hold before reserving.
        guard count <= UInt64((buffer.count - offset) / 50) else { throw fail("entry count runs past the node") }
        var node = MSTDecodedNode()
        node.keys.reserveCapacity(Int(count))
        node.values.reserveCapacity(Int(count))
        node.rights.reserveCapacity(Int(count))
        var previous: [UInt8] = []
        for index in 0..<Int(count) {
            try expect(0xa4_61_6b, count: 3, "an entry map {k, p, t, v}")
            let suffixLength = try readHead(major: 2, "k")
            guard suffixLength <= UInt64(MSTKey.maxLength), buffer.count - offset >= Int(suffixLength) else {
                throw fail("key suffix of \(suffixLength) bytes is too long")
            }
            let suffixStart = offset
            offset += Int(suffixLength)
            try expect(0x61_70, count: 2, "p")
            let prefix = try readHead(major: 0, "p")
            guard prefix <= UInt64(previous.count) else {
                throw fail("p = \(prefix) exceeds the previous key's length \(previous.count)")
            }
            if index == 0 && prefix != 0 { throw fail("p must be 0 on a node's first entry") }
            var key: [UInt8] = []
            key.reserveCapacity(Int(prefix) + Int(suffixLength))
            key.append(contentsOf: previous[0..<Int(prefix)])
            key.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[suffixStart..<(suffixStart + Int(suffixLength))]))
            guard !key.isEmpty, key.count <= MSTKey.maxLength else { throw fail("key length \(key.count) is outside 1…\(MSTKey.maxLength)") }
            if index > 0 {
                guard MSTKey.compare(previous, key) < 0 else { throw fail("keys are not strictly increasing") }
                guard MSTKey.commonPrefixLength(previous, key) == Int(prefix) else {
                    throw fail("p = \(prefix) is not the maximal shared prefix")
                }
            }
            try expect(0x61_74, count: 2, "t")
            let right = try readOptionalLink("t", requireDAGCBOR: true)
            try expect(0x61_76, count: 2, "v")
            let value = try readLink("v", requireDAGCBOR: false)
            node.keys.append(key)
            node.values.append(value)
            node.rights.append(right)
            previous = key
        }
        try expect(0x61_6c, count: 2, "l")
        node.left = try readOptionalLink("l", requireDAGCBOR: true)
        guard offset == buffer.count else { throw fail("\(buffer.count - offset) bytes follow the node") }
        return node
    }
}
