public import IPLD

extension MST {
    /// Loads the tree rooted at `root` from `blocks`, checking every structural rule of Docs/SPEC.md §5.4
    /// on every node present: exact canonical encoding, key layers, strictly increasing keys across
    /// subtrees, links exactly one layer down, no empty non-root node, a trimmed root, honest `p`,
    /// blessed link CIDs, at most 8,192 entries per node.
    ///
    /// Nodes absent from `blocks` become stubs, unless `requireComplete` is set, in which case an
    /// absent node throws `missing-proof-block`. An absent root always throws `missing-proof-block`.
    /// A rule violation throws `malformed-mst`.
    public init(root: CID, blocks: some BlockSource, requireComplete: Bool = false) throws(ATRepoError) {
        if root == MST.emptyRootCID {
            self.init()
            return
        }
        guard root.codec == .dagCBOR else {
            throw ATRepoError(.malformedMST, "the tree root must be a dag-cbor block", cid: root)
        }
        guard let decoded = try blocks.withBlock(for: root, { buffer throws(ATRepoError) in try MSTNode.decode(buffer) }) else {
            throw ATRepoError(.missingProofBlock, "the tree's root node is not in the block set", cid: root)
        }
        let layer: Int
        if let first = decoded.keys.first {
            layer = MSTKey.layer(of: first)
        } else if decoded.left == nil {
            // The empty tree's node encodes to the empty-tree CID, handled above; any other keyless,
            // childless bytes cannot decode here.
            self.init()
            return
        } else {
            throw ATRepoError(.malformedMST, "the root node has no keys and only points down (untrimmed root)", cid: root)
        }
        var loader = MSTLoader(blocks: blocks, requireComplete: requireComplete)
        let node = try loader.build(decoded, cid: root, layer: layer, lower: nil, upper: nil)
        self.init(root: .node(node))
    }
}

/// Builds checked nodes from blocks, recursively (depth is bounded by the root's layer, itself
/// bounded by the 256-bit hash: at most 129 levels).
struct MSTLoader<Source: BlockSource> {
    let blocks: Source
    let requireComplete: Bool

    mutating func load(_ cid: CID, layer: Int, lower: [UInt8]?, upper: [UInt8]?) throws(ATRepoError) -> MSTLink {
        let found: MSTDecodedNode?
        do {
            found = try blocks.withBlock(for: cid) { buffer throws(ATRepoError) in try MSTNode.decode(buffer) }
        } catch {
            throw ATRepoError(.malformedMST, error.reason, cid: cid)
        }
        guard let decoded = found else {
            if requireComplete {
                throw ATRepoError(.missingProofBlock, "tree node at layer \(layer) is not in the block set", cid: cid)
            }
            return .stub(cid)
        }
        if decoded.keys.isEmpty && decoded.left == nil {
            throw ATRepoError(.malformedMST, "empty node below the root", cid: cid)
        }
        return .node(try build(decoded, cid: cid, layer: layer, lower: lower, upper: upper))
    }

    mutating func build(_ decoded: MSTDecodedNode, cid: CID, layer: Int, lower: [UInt8]?, upper: [UInt8]?) throws(ATRepoError) -> MSTNode {
        let keys = decoded.keys
        for key in keys {
            let keyLayer = MSTKey.layer(of: key)
            guard keyLayer == layer else {
                throw ATRepoError(.malformedMST, "key of layer \(keyLayer) in a node of layer \(layer)", cid: cid)
            }
        }
        if let first = keys.first, let lower, MSTKey.compare(lower, first) >= 0 {
            throw ATRepoError(.malformedMST, "key out of order with respect to the parent's keys", cid: cid)
        }
        if let last = keys.last, let upper, MSTKey.compare(last, upper) >= 0 {
            throw ATRepoError(.malformedMST, "key out of order with respect to the parent's keys", cid: cid)
        }
        var links: [CID?] = [decoded.left]
        links.append(contentsOf: decoded.rights)
        if layer == 0, links.contains(where: { $0 != nil }) {
            throw ATRepoError(.malformedMST, "a layer-0 node has a subtree link", cid: cid)
        }
        var children: [MSTLink?] = []
        children.reserveCapacity(links.count)
        for (index, link) in links.enumerated() {
            guard let link else {
                children.append(nil)
                continue
            }
            let childLower = index == 0 ? lower : keys[index - 1]
            let childUpper = index == keys.count ? upper : keys[index]
            children.append(try load(link, layer: layer - 1, lower: childLower, upper: childUpper))
        }
        return MSTNode(layer: layer, keys: keys, values: decoded.values, children: children, cid: cid)
    }
}
