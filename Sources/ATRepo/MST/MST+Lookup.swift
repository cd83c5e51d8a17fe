public import IPLD

extension MST {
    /// The value stored under `key`, or nil when the key is absent.
    ///
    /// Throws `missing-proof-block` when the answer depends on a stub. A key above the root's layer,
    /// or absent from the node of its own layer, is proven absent without descending further.
    public func get(_ key: [UInt8]) throws(ATRepoError) -> CID? {
        try MSTKey.validate(key)
        let keyLayer = MSTKey.layer(of: key)
        var current = root
        while let link = current {
            guard case .node(let node) = link else {
                throw ATRepoError(.missingProofBlock, "lookup needs a tree node that is not in the block set", cid: link.cid)
            }
            if keyLayer > node.layer { return nil }
            let (index, found) = node.search(key)
            if keyLayer == node.layer { return found ? node.values[index] : nil }
            current = node.children[index]
        }
        return nil
    }

    /// The entries with `start <= key < end` in key order, at most `limit` of them.
    ///
    /// Throws `missing-proof-block` when a stub overlaps the requested range.
    public func entries(from start: [UInt8]? = nil, to end: [UInt8]? = nil, limit: Int = .max) throws(ATRepoError) -> [(key: [UInt8], value: CID)] {
        var out: [(key: [UInt8], value: CID)] = []
        guard limit > 0 else { return out }
        _ = try forEach(from: start, to: end) { key, value in
            out.append((key, value))
            return out.count < limit
        }
        return out
    }

    /// Calls `body` for every entry with `start <= key < end`, in key order, until it returns false.
    /// Returns false when the walk stopped before the end of the tree (`body` returned false or the
    /// `end` bound was reached). Throws `missing-proof-block` when a stub overlaps the range.
    @discardableResult
    public func forEach(from start: [UInt8]? = nil, to end: [UInt8]? = nil, _ body: ([UInt8], CID) throws(ATRepoError) -> Bool) throws(ATRepoError) -> Bool {
        guard let root else { return true }
        return try MST.walk(root, start: start, end: end, body)
    }

    static func walk(_ link: MSTLink, start: [UInt8]?, end: [UInt8]?, _ body: ([UInt8], CID) throws(ATRepoError) -> Bool) throws(ATRepoError) -> Bool {
        guard case .node(let node) = link else {
            throw ATRepoError(.missingProofBlock, "walk needs a tree node that is not in the block set", cid: link.cid)
        }
        // Skip the entries and subtrees wholly before `start`.
        var index = 0
        var skipChild = false
        if let start {
            let position = node.search(start)
            index = position.index
            skipChild = position.found  // children[index] then lies wholly below `start`
        }
        while index <= node.keys.count {
            // children[index] holds the keys between keys[index - 1] and keys[index].
            if !skipChild, let child = node.children[index] {
                if !(try walk(child, start: start, end: end, body)) { return false }
            }
            skipChild = false
            guard index < node.keys.count else { break }
            let key = node.keys[index]
            if let end, MSTKey.compare(key, end) >= 0 { return false }
            if !(try body(key, node.values[index])) { return false }
            index += 1
        }
        return true
    }
}
