public import IPLD

/// The tree blocks a `#commit` slice must carry for a set of changed keys (Docs/SPEC.md §6, §7.3).
public struct MSTDiff: Sendable {
    /// Nodes of the new tree that are not in the old tree (including the new root), in the order found.
    public var newNodes: [CID] = []
    /// Every node of the covering proofs of the changed keys in the new tree (a superset of
    /// ``newNodes``), in the order found.
    public var proofNodes: [CID] = []
    /// The bytes of every node in ``proofNodes`` and of every record supplied to the diff.
    public var blocks = BlockMap()

    /// Creates an empty diff.
    public init() {}
}

extension MST {
    /// The nodes on the search path from the root to where `key` is or would be (descending through
    /// every layer): a proof of the key's value or of its absence, as `getRecord` serves it.
    /// Throws `missing-proof-block` when one of them is a stub.
    public func searchPath(for key: [UInt8]) throws(ATRepoError) -> [CID] {
        var cids: [CID] = []
        var current = root
        while let link = current {
            let node = try MST.loaded(link, "search path")
            cids.append(node.cid)
            let (index, found) = node.search(key)
            if found { break }
            current = node.children[index]
        }
        return cids
    }

    /// Appends the covering proof of `key`: the nodes on the search path from the root to where the key is or
    /// would be (descending through every layer), plus, where the key is found, the right spine of the subtree
    /// just before it and the left spine of the subtree just after it. These are the nodes an inversion of a
    /// change at `key` may need. Throws `missing-proof-block` when one of them is a stub.
    func collectCoveringProof(for key: [UInt8], into nodes: inout [MSTNode]) throws(ATRepoError) {
        var current = root
        while let link = current {
            let node = try MST.loaded(link, "covering proof")
            nodes.append(node)
            let (index, found) = node.search(key)
            if found {
                try MST.collectSpine(node.children[index], rightmost: true, into: &nodes)
                try MST.collectSpine(node.children[index + 1], rightmost: false, into: &nodes)
                return
            }
            current = node.children[index]
        }
    }

    static func collectSpine(_ start: MSTLink?, rightmost: Bool, into nodes: inout [MSTNode]) throws(ATRepoError) {
        var current = start
        while let link = current {
            let node = try loaded(link, "covering proof")
            nodes.append(node)
            current = rightmost ? node.children[node.keys.count] : node.children[0]
        }
    }

    static func loaded(_ link: MSTLink, _ purpose: String) throws(ATRepoError) -> MSTNode {
        switch link {
        case .node(let node): return node
        case .stub(let cid):
            throw ATRepoError(.missingProofBlock, "\(purpose) needs a tree node that is not in the block set", cid: cid)
        }
    }

    /// The blocks a `#commit` slice must carry when `before` became `after` by changing `changedKeys`:
    /// the covering proof of every changed key in `after` (which contains every new node), the new
    /// root (the empty-tree node when `after` is empty), and the given record blocks (the caller
    /// supplies the bytes of created and updated records).
    ///
    /// ``MSTDiff/newNodes`` is exact when `before` is loaded around the changed keys; a node whose
    /// presence in `before` cannot be decided (a stub in the way) is counted as new.
    public static func diff(
        from before: MST, to after: MST, changedKeys: some Sequence<[UInt8]>, records: [CID: [UInt8]] = [:]
    ) throws(ATRepoError) -> MSTDiff {
        var diff = MSTDiff()
        var collected: [MSTNode] = []
        for key in changedKeys {
            try MSTKey.validate(key)
            try after.collectCoveringProof(for: key, into: &collected)
        }
        var seen = Set<CID>()
        for node in collected {
            let cid = node.cid
            guard seen.insert(cid).inserted else { continue }
            diff.proofNodes.append(cid)
            diff.blocks.insert(node.encoded(), for: cid)
            if !before.containsNode(node) { diff.newNodes.append(cid) }
        }
        if after.isEmpty {
            diff.blocks.insert(MST.emptyNodeBytes, for: MST.emptyRootCID)
            diff.proofNodes.append(MST.emptyRootCID)
            if !before.isEmpty { diff.newNodes.append(MST.emptyRootCID) }
        }
        for (cid, bytes) in records { diff.blocks.insert(bytes, for: cid) }
        return diff
    }

    /// True when a node identical to `node` is part of this tree. The only place it can be is on
    /// the search path of its smallest key, at its layer, so one descent decides it. False when the
    /// answer would need a stub.
    func containsNode(_ node: MSTNode) -> Bool {
        // The anchor: the node's first key, or the first key found down its leftmost edge.
        var probe = node
        while probe.keys.isEmpty {
            guard case .node(let child)? = probe.children[0] else { return false }
            probe = child
        }
        let anchor = probe.keys[0]
        var current = root
        while case .node(let candidate)? = current {
            if candidate.layer == node.layer { return candidate === node || candidate.cid == node.cid }
            if candidate.layer < node.layer { return false }
            let (index, found) = candidate.search(anchor)
            if found { return false }
            current = candidate.children[index]
        }
        return false
    }

    /// Every node block of a fully loaded tree in pre-order (a node before its subtrees, subtrees
    /// left to right), interleaved with the values in entry order: the block order of Docs/SPEC.md §6 for
    /// repository exports. Throws `missing-proof-block` on a stub.
    public func preorder(_ visit: (_ node: (cid: CID, bytes: [UInt8])?, _ record: CID?) throws(ATRepoError) -> Void) throws(ATRepoError) {
        guard let root else {
            try visit((MST.emptyRootCID, MST.emptyNodeBytes), nil)
            return
        }
        try MST.preorder(root, visit)
    }

    static func preorder(_ link: MSTLink, _ visit: (_ node: (cid: CID, bytes: [UInt8])?, _ record: CID?) throws(ATRepoError) -> Void) throws(ATRepoError) {
        let node = try loaded(link, "export")
        try visit((node.cid, node.encoded()), nil)
        for index in 0...node.keys.count {
            if let child = node.children[index] { try preorder(child, visit) }
            if index < node.keys.count { try visit(nil, node.values[index]) }
        }
    }
}
