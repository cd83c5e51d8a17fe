import IPLD

extension SliceProofTree {
    /// A node block decoded into the arena: its entries (keys stored, links in ``entryLinks``) and its `l` link.
    struct DecodedNode {
        var firstEntry: Int
        var entryCount: Int
        var left: CID?
    }

    /// Loads the partial tree rooted at `root` from `blocks` with the rules and failures of
    /// ``MST/init(root:blocks:requireComplete:)``: nodes absent from `blocks` become stubs, an absent root is
    /// `missing-proof-block`, a rule broken by any node present is `malformed-mst`. Returns the root node, or
    /// ``none`` for the empty tree.
    mutating func loadRoot(_ root: CID, blocks: some BlockSource) throws(ATRepoError) -> Int {
        if root == MST.emptyRootCID { return SliceProofTree.none }
        guard root.codec == .dagCBOR else {
            throw ATRepoError(.malformedMST, "the tree root must be a dag-cbor block", cid: root)
        }
        guard let decoded = try blocks.withBlock(for: root, { buffer throws(ATRepoError) in try decodeNode(buffer) }) else {
            throw ATRepoError(.missingProofBlock, "the tree's root node is not in the block set", cid: root)
        }
        guard decoded.entryCount > 0 else {
            if decoded.left == nil { return SliceProofTree.none }
            throw ATRepoError(.malformedMST, "the root node has no keys and only points down (untrimmed root)", cid: root)
        }
        // The root's layer is its first key's.
        return try build(decoded, cid: root, layer: nil, lower: nil, upper: nil, blocks: blocks)
    }

    /// Loads the subtree `cid` one layer below its parent, or a stub when its block is absent.
    mutating func load(_ cid: CID, layer: Int, lower: SliceProofKey?, upper: SliceProofKey?, blocks: some BlockSource) throws(ATRepoError) -> Int {
        let found: DecodedNode?
        do {
            found = try blocks.withBlock(for: cid) { buffer throws(ATRepoError) in try decodeNode(buffer) }
        } catch {
            throw ATRepoError(.malformedMST, error.reason, cid: cid)
        }
        guard let decoded = found else {
            nodes.append(Node(layer: layer, firstEntry: entries.count, entryCount: 0, left: SliceProofTree.none, cid: cid, isStub: true))
            return nodes.count - 1
        }
        if decoded.entryCount == 0 && decoded.left == nil {
            throw ATRepoError(.malformedMST, "empty node below the root", cid: cid)
        }
        return try build(decoded, cid: cid, layer: layer, lower: lower, upper: upper, blocks: blocks)
    }

    /// Checks a decoded node against its place in the tree (key layers, the parent's key range, no links below
    /// layer 0), then loads its subtrees left to right. A nil `layer` (the root's) is the first key's; each key is
    /// hashed once.
    mutating func build(_ decoded: DecodedNode, cid: CID, layer given: Int?, lower: SliceProofKey?, upper: SliceProofKey?,
                        blocks: some BlockSource) throws(ATRepoError) -> Int {
        let first = decoded.firstEntry
        let count = decoded.entryCount
        var layer = given ?? -1
        let misplaced = entries.withUnsafeBufferPointer { entries -> Int? in
            keyBytes.withUnsafeBytes { keys -> Int? in
                for index in first..<(first + count) {
                    let keyLayer = SliceProofTree.layer(of: entries[index].key, in: keys)
                    if layer < 0 { layer = keyLayer }
                    if keyLayer != layer { return keyLayer }
                }
                return nil
            }
        }
        if let keyLayer = misplaced {
            throw ATRepoError(.malformedMST, "key of layer \(keyLayer) in a node of layer \(layer)", cid: cid)
        }
        if count > 0, let lower, compare(lower, entries[first].key) >= 0 {
            throw ATRepoError(.malformedMST, "key out of order with respect to the parent's keys", cid: cid)
        }
        if count > 0, let upper, compare(entries[first + count - 1].key, upper) >= 0 {
            throw ATRepoError(.malformedMST, "key out of order with respect to the parent's keys", cid: cid)
        }
        if layer == 0 {
            var hasLink = decoded.left != nil
            for index in first..<(first + count) where entryLinks[index] != nil { hasLink = true }
            if hasLink { throw ATRepoError(.malformedMST, "a layer-0 node has a subtree link", cid: cid) }
        }
        nodes.append(Node(layer: layer, firstEntry: first, entryCount: count, left: SliceProofTree.none, cid: cid, isStub: false))
        let node = nodes.count - 1
        if let left = decoded.left {
            let upperOfLeft = count == 0 ? upper : entries[first].key
            let child = try load(left, layer: layer - 1, lower: lower, upper: upperOfLeft, blocks: blocks)
            nodes[node].left = child
        }
        for index in 0..<count {
            guard let link = entryLinks[first + index] else { continue }
            let upperOfRight = index + 1 == count ? upper : entries[first + index + 1].key
            let child = try load(link, layer: layer - 1, lower: entries[first + index].key, upper: upperOfRight, blocks: blocks)
            entries[first + index].right = child
        }
        return node
    }

    /// Decodes one node block into the arena with the rules and failures of ``MSTNode/decode(_:)-swift.type.method``.
    /// The in-place parser below accepts only what that decoder accepts; whatever it refuses is decoded again by
    /// the decoder itself, which gives the failure its exact text (or, should it accept, the entries).
    mutating func decodeNode(_ buffer: UnsafeRawBufferPointer) throws(ATRepoError) -> DecodedNode {
        let entryMark = entries.count
        let keyMark = keyEnd
        if let decoded = parseNode(buffer) { return decoded }
        entries.removeSubrange(entryMark...)
        entryLinks.removeSubrange(entryMark...)
        keyEnd = keyMark
        let decoded = try MSTNode.decode(buffer)
        for index in decoded.keys.indices {
            entries.append(Entry(key: appendKey(decoded.keys[index]), value: decoded.values[index], right: SliceProofTree.none))
            entryLinks.append(decoded.rights[index])
        }
        return DecodedNode(firstEntry: entryMark, entryCount: decoded.keys.count, left: decoded.left)
    }

    /// The strict node parser over the block in place: `{"e": [{"k", "p", "t", "v"}…], "l"}` with minimal heads,
    /// honest maximal `p`, strictly increasing keys of 1…1,024 bytes, blessed links (dag-cbor for `t` and `l`), at
    /// most 8,192 entries and no trailing bytes. Each key is copied once into the byte store (its prefix from the
    /// key before it, its suffix from the block) and checked in place; links are read straight into the entries.
    /// Nil for anything else; the entries it appended are then dropped by the caller.
    mutating func parseNode(_ buffer: UnsafeRawBufferPointer) -> DecodedNode? {
        var offset = 0
        guard literal(buffer, &offset, 0xa2, 0x61, 0x65) else { return nil }
        guard let count = head(buffer, &offset, major: 4), count <= UInt64(mstMaxEntriesPerNode),
              count <= UInt64((buffer.count - offset) / 50) else { return nil }
        let first = entries.count
        var previous = SliceProofKey(start: keyEnd, count: 0)
        for index in 0..<Int(count) {
            guard literal(buffer, &offset, 0xa4, 0x61, 0x6b) else { return nil }
            guard let suffixLength = head(buffer, &offset, major: 2), suffixLength <= UInt64(MSTKey.maxLength),
                  buffer.count - offset >= Int(suffixLength) else { return nil }
            let suffix = UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + Int(suffixLength))])
            offset += suffix.count
            guard literal(buffer, &offset, 0x61, 0x70), let prefixLength = head(buffer, &offset, major: 0),
                  prefixLength <= UInt64(previous.count), index > 0 || prefixLength == 0 else { return nil }
            let prefix = Int(prefixLength)
            // The key is the previous key's first `prefix` bytes and the suffix. It follows the previous key, and
            // shares exactly `prefix` bytes with it, when the suffix is not empty and either the previous key ends
            // there or the suffix's first byte is the greater one at that position.
            guard !suffix.isEmpty, prefix + suffix.count <= MSTKey.maxLength else { return nil }
            if prefix < previous.count, suffix[0] <= keyBytes[previous.start + prefix] { return nil }
            let key = appendKey(prefixOf: previous, prefix, suffix: suffix)
            guard literal(buffer, &offset, 0x61, 0x74), let right = optionalTreeLink(buffer, &offset),
                  literal(buffer, &offset, 0x61, 0x76), let value = link(buffer, &offset) else { return nil }
            entries.append(Entry(key: key, value: value, right: SliceProofTree.none))
            entryLinks.append(right.cid)
            previous = key
        }
        guard literal(buffer, &offset, 0x61, 0x6c), let left = optionalTreeLink(buffer, &offset),
              offset == buffer.count else { return nil }
        return DecodedNode(firstEntry: first, entryCount: Int(count), left: left.cid)
    }

    /// Consumes two literal bytes, or returns false.
    @inline(__always)
    private func literal(_ buffer: UnsafeRawBufferPointer, _ offset: inout Int, _ a: UInt8, _ b: UInt8) -> Bool {
        guard buffer.count - offset >= 2, buffer[offset] == a, buffer[offset + 1] == b else { return false }
        offset += 2
        return true
    }

    /// Consumes three literal bytes, or returns false.
    @inline(__always)
    private func literal(_ buffer: UnsafeRawBufferPointer, _ offset: inout Int, _ a: UInt8, _ b: UInt8, _ c: UInt8) -> Bool {
        guard buffer.count - offset >= 3, buffer[offset] == a, buffer[offset + 1] == b, buffer[offset + 2] == c else { return false }
        offset += 3
        return true
    }

    /// Reads a minimally encoded head of `major` type and returns its argument.
    @inline(__always)
    private func head(_ buffer: UnsafeRawBufferPointer, _ offset: inout Int, major: UInt8) -> UInt64? {
        guard offset < buffer.count else { return nil }
        let initial = buffer[offset]
        guard initial >> 5 == major else { return nil }
        let info = initial & 0x1f
        if info < 24 {
            offset += 1
            return UInt64(info)
        }
        let width: Int
        let minimum: UInt64
        switch info {
        case 24: width = 1; minimum = 24
        case 25: width = 2; minimum = 0x100
        case 26: width = 4; minimum = 0x1_0000
        case 27: width = 8; minimum = 0x1_0000_0000
        default: return nil
        }
        guard buffer.count - offset - 1 >= width else { return nil }
        var value: UInt64 = 0
        for index in 1...width { value = value << 8 | UInt64(buffer[offset + index]) }
        guard value >= minimum else { return nil }
        offset += 1 + width
        return value
    }

    /// A link that may be `null`, wrapped so that `null` is a value: nil when neither a null nor a link to a
    /// dag-cbor block.
    @inline(__always)
    private func optionalTreeLink(_ buffer: UnsafeRawBufferPointer, _ offset: inout Int) -> OptionalLink? {
        guard offset < buffer.count else { return nil }
        if buffer[offset] == 0xf6 {
            offset += 1
            return OptionalLink(cid: nil)
        }
        guard let cid = link(buffer, &offset), cid.codec == .dagCBOR else { return nil }
        return OptionalLink(cid: cid)
    }

    /// Reads a link: `d8 2a`, a byte-string head of 37, `00`, then a blessed binary CID of exactly 36 bytes.
    @inline(__always)
    private func link(_ buffer: UnsafeRawBufferPointer, _ offset: inout Int) -> CID? {
        let total = 5 + CID.binaryLength
        guard buffer.count - offset >= total, buffer[offset] == 0xd8, buffer[offset + 1] == 0x2a, buffer[offset + 2] == 0x58,
              buffer[offset + 3] == UInt8(CID.binaryLength + 1), buffer[offset + 4] == 0x00,
              let cid = CID.readBinary(buffer, at: offset + 5) else { return nil }
        offset += total
        return cid
    }

    /// A decoded `t` or `l`: the link, or nil for `null`.
    private struct OptionalLink {
        var cid: CID?
    }
}
