import IPLD

extension SliceProofTree {
    /// The CID of the tree rooted at `root`: the empty-tree CID for ``none``; otherwise the root's CID, encoding and
    /// hashing only the nodes an inversion built (loaded nodes and stubs keep the CID they were linked by).
    mutating func rootCID(_ root: Int) -> CID {
        root == SliceProofTree.none ? MST.emptyRootCID : cid(of: root)
    }

    /// The CID of `node`, computed (children first) when not yet known.
    mutating func cid(of node: Int) -> CID {
        if let known = nodes[node].cid { return known }
        let first = nodes[node].firstEntry
        let count = nodes[node].entryCount
        if nodes[node].left != SliceProofTree.none { _ = cid(of: nodes[node].left) }
        for index in first..<(first + count) where entries[index].right != SliceProofTree.none {
            _ = cid(of: entries[index].right)
        }
        let length = encode(node)
        let computed = encoding.withUnsafeBytes { CID.compute(for: UnsafeRawBufferPointer(rebasing: $0[0..<length])) }
        nodes[node].cid = computed
        return computed
    }

    /// Encodes `node`, whose children's CIDs are known, into the first bytes of ``encoding`` (grown as needed and
    /// never shrunk, so it is reused from node to node) exactly as ``MSTNode/encode()`` does:
    /// `{"e": [{"k", "p", "t", "v"}…], "l"}` with `t` and `l` always present and maximal prefix compression.
    /// Returns the length written.
    mutating func encode(_ node: Int) -> Int {
        let first = nodes[node].firstEntry
        let count = nodes[node].entryCount
        // At most: the map and array heads, then per entry 3 + 9 (key head) + key + 2 + 9 (prefix head) + 2 + 41 + 2
        // + 41, then 2 + 41 for `l` (a head is at most 9 bytes, whatever the key length).
        var bound = 12 + 43
        for index in first..<(first + count) { bound += 109 + entries[index].key.count }
        if encoding.count < bound { encoding.append(contentsOf: repeatElement(0, count: bound - encoding.count)) }
        let left = nodes[node].left
        let leftCID = left == SliceProofTree.none ? nil : nodes[left].cid
        return keyBytes.withUnsafeBytes { keys in
            nodes.withUnsafeBufferPointer { nodes in
                entries.withUnsafeBufferPointer { entries in
                    encoding.withUnsafeMutableBytes { output in
                        var writer = Writer(base: output.baseAddress!)
                        writer.bytes(0xa2, 0x61, 0x65)
                        writer.head(major: 4, count)
                        var previous = SliceProofKey(start: 0, count: 0)
                        for index in first..<(first + count) {
                            let entry = entries[index]
                            let shared = SliceProofTree.commonPrefixLength(previous, entry.key, in: keys)
                            writer.bytes(0xa4, 0x61, 0x6b)
                            writer.head(major: 2, entry.key.count - shared)
                            writer.copy(UnsafeRawBufferPointer(rebasing: keys[(entry.key.start + shared)..<(entry.key.start + entry.key.count)]))
                            writer.bytes(0x61, 0x70)
                            writer.head(major: 0, shared)
                            writer.bytes(0x61, 0x74)
                            writer.link(entry.right == SliceProofTree.none ? nil : nodes[entry.right].cid)
                            writer.bytes(0x61, 0x76)
                            writer.link(entry.value)
                            previous = entry.key
                        }
                        writer.bytes(0x61, 0x6c)
                        writer.link(leftCID)
                        return writer.length
                    }
                }
            }
        }
    }

    /// Writes a node's encoding at a pointer into storage large enough for it.
    private struct Writer {
        let base: UnsafeMutableRawPointer
        var length = 0

        @inline(__always)
        mutating func byte(_ value: UInt8) {
            base.storeBytes(of: value, toByteOffset: length, as: UInt8.self)
            length += 1
        }

        @inline(__always)
        mutating func bytes(_ a: UInt8, _ b: UInt8) {
            byte(a)
            byte(b)
        }

        @inline(__always)
        mutating func bytes(_ a: UInt8, _ b: UInt8, _ c: UInt8) {
            byte(a)
            byte(b)
            byte(c)
        }

        /// A minimal CBOR head (arguments here are below 2^32).
        @inline(__always)
        mutating func head(major: UInt8, _ argument: Int) {
            let type = major << 5
            if argument < 24 {
                byte(type | UInt8(argument))
            } else if argument <= 0xff {
                bytes(type | 24, UInt8(argument))
            } else if argument <= 0xffff {
                bytes(type | 25, UInt8(truncatingIfNeeded: argument >> 8), UInt8(truncatingIfNeeded: argument))
            } else {
                byte(type | 26)
                for shift in stride(from: 24, through: 0, by: -8) { byte(UInt8(truncatingIfNeeded: argument >> shift)) }
            }
        }

        @inline(__always)
        mutating func copy(_ bytes: UnsafeRawBufferPointer) {
            guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
            (base + length).copyMemory(from: source, byteCount: bytes.count)
            length += bytes.count
        }

        /// A tag-42 link, or `null`.
        @inline(__always)
        mutating func link(_ cid: CID?) {
            guard let cid else {
                byte(0xf6)
                return
            }
            bytes(0xd8, 0x2a, 0x58)
            bytes(UInt8(CID.binaryLength + 1), 0x00)
            cid.write(to: base + length)
            length += CID.binaryLength
        }
    }
}
