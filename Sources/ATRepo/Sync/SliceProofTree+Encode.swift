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
        encode(node)
        let computed = CID.compute(for: encoding)
        nodes[node].cid = computed
        return computed
    }

    /// Encodes `node`, whose children's CIDs are known, into ``encoding`` exactly as ``MSTNode/encode()`` does:
    /// `{"e": [{"k", "p", "t", "v"}…], "l"}` with `t` and `l` always present and maximal prefix compression.
    mutating func encode(_ node: Int) {
        encoding.removeAll(keepingCapacity: true)
        let first = nodes[node].firstEntry
        let count = nodes[node].entryCount
        encoding.append(contentsOf: [0xa2, 0x61, 0x65] as [UInt8])
        appendHead(major: 4, UInt64(count))
        var previous = SliceProofKey(start: 0, count: 0)
        for index in first..<(first + count) {
            let entry = entries[index]
            let shared = commonPrefixLength(previous, entry.key)
            encoding.append(contentsOf: [0xa4, 0x61, 0x6b] as [UInt8])
            appendHead(major: 2, UInt64(entry.key.count - shared))
            let suffixStart = entry.key.start + shared
            let suffixEnd = entry.key.start + entry.key.count
            keyBytes.withUnsafeBufferPointer { bytes in
                encoding.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[suffixStart..<suffixEnd]))
            }
            encoding.append(0x61)
            encoding.append(0x70)
            appendHead(major: 0, UInt64(shared))
            encoding.append(0x61)
            encoding.append(0x74)
            appendLink(entry.right == SliceProofTree.none ? nil : nodes[entry.right].cid)
            encoding.append(0x61)
            encoding.append(0x76)
            appendLink(entry.value)
            previous = entry.key
        }
        encoding.append(0x61)
        encoding.append(0x6c)
        let left = nodes[node].left
        appendLink(left == SliceProofTree.none ? nil : nodes[left].cid)
    }

    /// Appends a minimal CBOR head.
    private mutating func appendHead(major: UInt8, _ argument: UInt64) {
        let type = major << 5
        if argument < 24 {
            encoding.append(type | UInt8(argument))
        } else if argument <= 0xff {
            encoding.append(type | 24)
            encoding.append(UInt8(argument))
        } else if argument <= 0xffff {
            encoding.append(type | 25)
            encoding.append(UInt8(truncatingIfNeeded: argument >> 8))
            encoding.append(UInt8(truncatingIfNeeded: argument))
        } else {
            encoding.append(type | 26)
            for shift in stride(from: 24, through: 0, by: -8) { encoding.append(UInt8(truncatingIfNeeded: argument >> UInt64(shift))) }
        }
    }

    /// Appends a tag-42 link, or `null`.
    private mutating func appendLink(_ cid: CID?) {
        guard let cid else {
            encoding.append(0xf6)
            return
        }
        encoding.append(contentsOf: [0xd8, 0x2a, 0x58, UInt8(CID.binaryLength + 1), 0x00] as [UInt8])
        cid.append(to: &encoding)
    }
}
