public import IPLD

/// A checked pre-order walk of a complete tree read node by node from a ``BlockSource``, holding only
/// the path from the root to the current node (Docs/SPEC.md §5.4, §6).
///
/// Every node gets the checks ``MST/init(root:blocks:requireComplete:)`` makes (canonical encoding,
/// key layers, key ranges against the parent's keys, links one layer down, no empty node below the
/// root, a trimmed root), but no tree is kept: `visit` sees each node before its subtrees and each
/// entry after the subtree to its left, which is both key order for entries and the export order of
/// Docs/SPEC.md §6 for blocks.
public enum MSTWalker {
    /// One step of the walk.
    public enum Step {
        /// A tree node: its CID and exact block bytes.
        case node(cid: CID, bytes: [UInt8])
        /// An entry: its full key and value (a record CID), in strictly increasing key order.
        case entry(key: [UInt8], value: CID)
    }

    /// Walks the tree rooted at `root`. An absent node throws `missing-proof-block`, a rule violation
    /// `malformed-mst`; errors thrown by `visit` end the walk and are rethrown. The empty tree visits
    /// only its root node (whether or not `blocks` holds it).
    public static func walk(root: CID, blocks: some BlockSource, visit: (Step) throws -> Void) throws {
        if root == MST.emptyRootCID {
            // Asked for all the same, so a source that tracks which blocks were used counts it.
            _ = blocks.block(for: root)
            try visit(.node(cid: root, bytes: MST.emptyNodeBytes))
            return
        }
        guard root.codec == .dagCBOR else {
            throw ATRepoError(.malformedMST, "the tree root must be a dag-cbor block", cid: root)
        }
        guard let bytes = blocks.block(for: root) else {
            throw ATRepoError(.missingProofBlock, "the tree's root node is not in the block set", cid: root)
        }
        let decoded = try MSTNode.decode(bytes)
        guard let first = decoded.keys.first else {
            throw ATRepoError(.malformedMST, "the root node has no keys and only points down (untrimmed root)", cid: root)
        }
        try visit(.node(cid: root, bytes: bytes))
        try walk(decoded, cid: root, layer: MSTKey.layer(of: first), lower: nil, upper: nil, blocks: blocks, visit: visit)
    }

    static func walk(_ node: MSTDecodedNode, cid: CID, layer: Int, lower: [UInt8]?, upper: [UInt8]?,
                     blocks: some BlockSource, visit: (Step) throws -> Void) throws {
        let keys = node.keys
        for key in keys where MSTKey.layer(of: key) != layer {
            throw ATRepoError(.malformedMST, "key of layer \(MSTKey.layer(of: key)) in a node of layer \(layer)", cid: cid)
        }
        if let first = keys.first, let lower, MSTKey.compare(lower, first) >= 0 {
            throw ATRepoError(.malformedMST, "key out of order with respect to the parent's keys", cid: cid)
        }
        if let last = keys.last, let upper, MSTKey.compare(last, upper) >= 0 {
            throw ATRepoError(.malformedMST, "key out of order with respect to the parent's keys", cid: cid)
        }
        if layer == 0, node.left != nil || node.rights.contains(where: { $0 != nil }) {
            throw ATRepoError(.malformedMST, "a layer-0 node has a subtree link", cid: cid)
        }
        for index in 0...keys.count {
            if let link = index == 0 ? node.left : node.rights[index - 1] {
                try descend(link, layer: layer - 1, lower: index == 0 ? lower : keys[index - 1],
                            upper: index == keys.count ? upper : keys[index], blocks: blocks, visit: visit)
            }
            if index < keys.count { try visit(.entry(key: keys[index], value: node.values[index])) }
        }
    }

    static func descend(_ cid: CID, layer: Int, lower: [UInt8]?, upper: [UInt8]?,
                        blocks: some BlockSource, visit: (Step) throws -> Void) throws {
        guard let bytes = blocks.block(for: cid) else {
            throw ATRepoError(.missingProofBlock, "tree node at layer \(layer) is not in the block set", cid: cid)
        }
        let decoded: MSTDecodedNode
        do {
            decoded = try MSTNode.decode(bytes)
        } catch {
            throw ATRepoError(.malformedMST, error.reason, cid: cid)
        }
        if decoded.keys.isEmpty && decoded.left == nil {
            throw ATRepoError(.malformedMST, "empty node below the root", cid: cid)
        }
        try visit(.node(cid: cid, bytes: bytes))
        try walk(decoded, cid: cid, layer: layer, lower: lower, upper: upper, blocks: blocks, visit: visit)
    }
}
