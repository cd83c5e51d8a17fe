import IPLD

/// A key held in a ``SliceProofTree``'s byte store: `count` bytes from `start`.
struct SliceProofKey {
    /// The first byte's offset in ``SliceProofTree/keyBytes``.
    var start: Int
    /// The key's length.
    var count: Int
}

/// A partial MST in contiguous arrays (Docs/SPEC.md §5): nodes and entries indexed by position, child links as
/// node indices (``none`` for an empty slot), every key's bytes in one byte store. Nodes are never changed once
/// built (a change copies the path it touches, as ``MST`` does), so the nodes loaded from the slice stay valid
/// while an inversion runs, and ``rewind(to:)`` drops everything an inversion built.
struct SliceProofTree {
    /// One node: in B-tree form, `entryCount` entries from `firstEntry` and `entryCount + 1` child slots, slot 0
    /// being `left` and slot `i + 1` the `right` of entry `i`. A stub is a node whose block is not in the slice.
    struct Node {
        /// The node's layer (unused for a stub).
        var layer: Int
        /// The index of the node's first entry in ``SliceProofTree/entries``.
        var firstEntry: Int
        /// The number of entries.
        var entryCount: Int
        /// The node index of the subtree left of the first entry, or ``SliceProofTree/none``.
        var left: Int
        /// The node's CID: given for loaded nodes and stubs, computed once for nodes built by an inversion.
        var cid: CID?
        /// True when the block is not in the slice: looking inside fails with `missing-proof-block`.
        var isStub: Bool
    }

    /// One key → value entry and the subtree to its right.
    struct Entry {
        /// The key.
        var key: SliceProofKey
        /// The record CID.
        var value: CID
        /// The node index of the subtree right of the key, or ``SliceProofTree/none``.
        var right: Int
    }

    /// How much of the arrays a state of the tree uses (see ``mark`` and ``rewind(to:)``).
    struct Mark {
        var nodes: Int
        var entries: Int
    }

    /// The empty child slot.
    static let none = -1

    /// Every node built so far.
    var nodes: [Node] = []
    /// Every entry, each node's entries contiguous.
    var entries: [Entry] = []
    /// The link CIDs of loaded entries (parallel to their ``entries``) until their subtrees are loaded.
    var entryLinks: [CID?] = []
    /// The bytes of every key in its first ``keyEnd`` bytes: the ops' keys first, then the keys of the loaded nodes.
    /// The storage only grows (zero-filled), so appending a key in the steady state writes it and nothing more.
    var keyBytes: [UInt8] = []
    /// The end of the keys stored in ``keyBytes``.
    var keyEnd = 0
    /// Scratch space for encoding a node: grown to the largest node encoded, never shrunk.
    var encoding: [UInt8] = []
    /// Scratch for ``SliceProof``: each op's key and layer.
    var placedOps: [SliceProof.PlacedOp] = []
    /// Scratch for ``SliceProof``: the fixed order of the ops.
    var opOrder: [Int] = []

    /// Empties the tree, keeping the capacity.
    mutating func clear() {
        nodes.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
        entryLinks.removeAll(keepingCapacity: true)
        keyEnd = 0
        placedOps.removeAll(keepingCapacity: true)
        opOrder.removeAll(keepingCapacity: true)
    }

    /// The current extent of the node and entry arrays.
    var mark: Mark { Mark(nodes: nodes.count, entries: entries.count) }

    /// Drops every node and entry added after `mark`.
    mutating func rewind(to mark: Mark) {
        if nodes.count > mark.nodes { nodes.removeSubrange(mark.nodes...) }
        if entries.count > mark.entries { entries.removeSubrange(mark.entries...) }
    }

    /// Stores `bytes` as a key.
    mutating func appendKey(_ bytes: [UInt8]) -> SliceProofKey {
        bytes.withUnsafeBytes { buffer in appendKey(prefixOf: SliceProofKey(start: 0, count: 0), 0, suffix: buffer) }
    }

    /// Stores the UTF-8 bytes of `string` as a key.
    mutating func appendKey(_ string: String) -> SliceProofKey {
        let stored = string.utf8.withContiguousStorageIfAvailable { bytes in
            appendKey(prefixOf: SliceProofKey(start: 0, count: 0), 0, suffix: UnsafeRawBufferPointer(bytes))
        }
        return stored ?? appendKey(Array(string.utf8))
    }

    /// Stores as a key the first `prefix` bytes of the stored key `previous` followed by `suffix`, copied once.
    mutating func appendKey(prefixOf previous: SliceProofKey, _ prefix: Int, suffix: UnsafeRawBufferPointer) -> SliceProofKey {
        let start = keyEnd
        let count = prefix + suffix.count
        guard count > 0 else { return SliceProofKey(start: start, count: 0) }
        if keyBytes.count < start + count {
            keyBytes.append(contentsOf: repeatElement(0, count: Swift.max(keyBytes.count, start + count - keyBytes.count, 256)))
        }
        keyBytes.withUnsafeMutableBytes { bytes in
            let base = bytes.baseAddress!
            (base + start).copyMemory(from: base + previous.start, byteCount: prefix)
            if let source = suffix.baseAddress { (base + start + prefix).copyMemory(from: source, byteCount: suffix.count) }
        }
        keyEnd = start + count
        return SliceProofKey(start: start, count: count)
    }

    /// True when the first `end` bytes of `bytes` are ASCII.
    static func isASCII(_ bytes: [UInt8], upTo end: Int) -> Bool {
        bytes.withUnsafeBytes { bytes in
            var index = 0
            while index + 8 <= end {
                if bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
                index += 8
            }
            while index < end {
                if bytes[index] >= 0x80 { return false }
                index += 1
            }
            return true
        }
    }

    /// The child in `slot` (0…entryCount) of `node`.
    @inline(__always)
    func child(_ node: Int, _ slot: Int) -> Int {
        slot == 0 ? nodes[node].left : entries[nodes[node].firstEntry + slot - 1].right
    }

    /// Sets the child in `slot` of `node` (a node being built).
    @inline(__always)
    mutating func setChild(_ node: Int, _ slot: Int, _ child: Int) {
        if slot == 0 {
            nodes[node].left = child
        } else {
            entries[nodes[node].firstEntry + slot - 1].right = child
        }
    }

    /// The layer of a key in the byte store `bytes`: leading zero bits of its SHA-256 in 2-bit steps
    /// (``MSTKey/layer(of:)``).
    static func layer(of key: SliceProofKey, in bytes: UnsafeRawBufferPointer) -> Int {
        SHA256Hasher.hashShort(UnsafeRawBufferPointer(rebasing: bytes[key.start..<(key.start + key.count)])).leadingZeroBitCount / 2
    }

    /// Bytewise three-way comparison of two stored keys.
    @inline(__always)
    func compare(_ a: SliceProofKey, _ b: SliceProofKey) -> Int {
        keyBytes.withUnsafeBytes { bytes in SliceProofTree.compare(a, b, in: bytes) }
    }

    /// Bytewise three-way comparison of two keys in the byte store `bytes`: their first differing byte after the
    /// prefix they share (``commonPrefixLength(_:_:in:)``, eight bytes at a time), else the shorter first.
    @inline(__always)
    static func compare(_ a: SliceProofKey, _ b: SliceProofKey, in bytes: UnsafeRawBufferPointer) -> Int {
        let shared = commonPrefixLength(a, b, in: bytes)
        if shared < min(a.count, b.count) {
            return bytes[a.start + shared] < bytes[b.start + shared] ? -1 : 1
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    /// The number of leading bytes two keys share, in the byte store `bytes`, eight bytes at a time.
    @inline(__always)
    static func commonPrefixLength(_ a: SliceProofKey, _ b: SliceProofKey, in bytes: UnsafeRawBufferPointer) -> Int {
        let limit = min(a.count, b.count)
        var index = 0
        while limit - index >= 8 {
            let x = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: a.start + index, as: UInt64.self))
            let y = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: b.start + index, as: UInt64.self))
            if x != y { return index + (x ^ y).leadingZeroBitCount / 8 }
            index += 8
        }
        while index < limit && bytes[a.start + index] == bytes[b.start + index] { index += 1 }
        return index
    }

    /// The slot of `key` among the entries of `node`, or where it would be inserted (`found` false).
    func search(_ node: Int, _ key: SliceProofKey) -> (index: Int, found: Bool) {
        let first = nodes[node].firstEntry
        var low = 0
        var high = nodes[node].entryCount
        while low < high {
            let mid = (low + high) / 2
            let order = compare(entries[first + mid].key, key)
            if order == 0 { return (mid, true) }
            if order < 0 { low = mid + 1 } else { high = mid }
        }
        return (low, false)
    }

    /// Starts a node of `layer` whose entries are appended next (``appendEntries(of:_:)``, ``appendEntry(_:)``).
    mutating func startNode(layer: Int, left: Int) -> Int {
        nodes.append(Node(layer: layer, firstEntry: entries.count, entryCount: 0, left: left, cid: nil, isStub: false))
        return nodes.count - 1
    }

    /// Appends copies of the entries `range` of `source` to the last started node.
    mutating func appendEntries(of source: Int, _ range: Range<Int>) {
        let first = nodes[source].firstEntry
        for index in range { entries.append(entries[first + index]) }
        nodes[nodes.count - 1].entryCount += range.count
    }

    /// Appends one entry to the last started node.
    mutating func appendEntry(_ entry: Entry) {
        entries.append(entry)
        nodes[nodes.count - 1].entryCount += 1
    }

    /// True when `node` has neither entries nor a child (only the empty tree's root may).
    func isEmpty(_ node: Int) -> Bool { nodes[node].entryCount == 0 && nodes[node].left == SliceProofTree.none }
}

extension SliceProofTree {
    /// The value stored under `key` (of layer `keyLayer`) in the tree rooted at `root`, or nil when absent, as
    /// ``MST/get(_:)``: a stub on the way is `missing-proof-block`; a key above a node's layer, or absent from the
    /// node of its own layer, is absent.
    func get(_ key: SliceProofKey, layer keyLayer: Int, root: Int) throws(ATRepoError) -> CID? {
        var current = root
        while current != SliceProofTree.none {
            guard !nodes[current].isStub else {
                throw ATRepoError(.missingProofBlock, "lookup needs a tree node that is not in the block set", cid: nodes[current].cid)
            }
            let layer = nodes[current].layer
            if keyLayer > layer { return nil }
            let (index, found) = search(current, key)
            if keyLayer == layer { return found ? entries[nodes[current].firstEntry + index].value : nil }
            current = child(current, index)
        }
        return nil
    }
}
