public import IPLD

extension MST {
    /// Sets `key` to `value` (insert or update) and returns the previous value, or nil when the key
    /// was absent. Putting the value a key already has changes nothing.
    ///
    /// Throws `missing-proof-block` when the change needs to look inside a stub (to descend, or to
    /// split a subtree around a new key), leaving the tree unchanged.
    @discardableResult
    public mutating func put(_ key: [UInt8], _ value: CID) throws(ATRepoError) -> CID? {
        try MSTKey.validate(key)
        let keyLayer = MSTKey.layer(of: key)
        guard let root else {
            self.root = .node(MSTNode(layer: keyLayer, keys: [key], values: [value], children: [nil, nil]))
            return nil
        }
        guard case .node(let node) = root else {
            throw ATRepoError(.missingProofBlock, "insert needs the root node, which is not in the block set", cid: root.cid)
        }
        if keyLayer > node.layer {
            // The key becomes the new root's only key: split the old tree around it and lift each
            // half to one layer below the new root through keyless intermediate nodes.
            let (left, right) = try MST.split(root, around: key)
            let lifted = [left, right].map { MST.lift($0, from: node.layer, to: keyLayer - 1) }
            self.root = .node(MSTNode(layer: keyLayer, keys: [key], values: [value], children: lifted))
            return nil
        }
        let (updated, previous) = try MST.insert(node, key: key, layer: keyLayer, value: value)
        self.root = .node(updated)
        return previous
    }

    /// Removes `key` and returns its value, or nil when it was absent (the tree is then unchanged).
    ///
    /// Throws `missing-proof-block` when the removal needs to look inside a stub (to descend, or to
    /// merge the subtrees on either side of the removed key), leaving the tree unchanged. After a
    /// removal the root is trimmed while it is a keyless node pointing down; the new root may be a
    /// stub, whose CID is all a root comparison needs.
    @discardableResult
    public mutating func remove(_ key: [UInt8]) throws(ATRepoError) -> CID? {
        try MSTKey.validate(key)
        guard let root else { return nil }
        guard case .node(let node) = root else {
            throw ATRepoError(.missingProofBlock, "remove needs the root node, which is not in the block set", cid: root.cid)
        }
        let keyLayer = MSTKey.layer(of: key)
        guard keyLayer <= node.layer else { return nil }
        let (updated, previous) = try MST.delete(node, key: key, layer: keyLayer)
        guard previous != nil else { return nil }
        var newRoot: MSTLink? = updated.map { .node($0) }
        while case .node(let top)? = newRoot, top.keys.isEmpty {
            newRoot = top.children[0]
        }
        self.root = newRoot
        return previous
    }

    // MARK: - Recursive steps (nodes are immutable: each step returns new nodes for the changed path)

    static func insert(_ node: MSTNode, key: [UInt8], layer keyLayer: Int, value: CID) throws(ATRepoError) -> (MSTNode, CID?) {
        let (index, found) = node.search(key)
        if keyLayer == node.layer {
            if found {
                let previous = node.values[index]
                if previous == value { return (node, previous) }
                var values = node.values
                values[index] = value
                return (MSTNode(layer: node.layer, keys: node.keys, values: values, children: node.children), previous)
            }
            let (left, right) = try split(node.children[index], around: key)
            var keys = node.keys
            var values = node.values
            var children = node.children
            keys.insert(key, at: index)
            values.insert(value, at: index)
            children[index] = left
            children.insert(right, at: index + 1)
            return (MSTNode(layer: node.layer, keys: keys, values: values, children: children), nil)
        }
        // The key belongs lower down, in the gap at `index`.
        let newChild: MSTNode
        var previous: CID? = nil
        switch node.children[index] {
        case nil:
            newChild = chain(key: key, value: value, keyLayer: keyLayer, topLayer: node.layer - 1)
        case .stub(let cid)?:
            throw ATRepoError(.missingProofBlock, "insert needs a tree node that is not in the block set", cid: cid)
        case .node(let child)?:
            let result = try insert(child, key: key, layer: keyLayer, value: value)
            if result.0 === child { return (node, result.1) }
            newChild = result.0
            previous = result.1
        }
        var children = node.children
        children[index] = .node(newChild)
        return (MSTNode(layer: node.layer, keys: node.keys, values: node.values, children: children), previous)
    }

    /// A single key at `keyLayer`, below keyless nodes from `topLayer` down.
    static func chain(key: [UInt8], value: CID, keyLayer: Int, topLayer: Int) -> MSTNode {
        var node = MSTNode(layer: keyLayer, keys: [key], values: [value], children: [nil, nil])
        var layer = keyLayer
        while layer < topLayer {
            layer += 1
            node = MSTNode(layer: layer, keys: [], values: [], children: [.node(node)])
        }
        return node
    }

    /// Wraps a node of layer `from` in keyless nodes up to layer `to`.
    static func lift(_ link: MSTLink?, from: Int, to: Int) -> MSTLink? {
        guard var current = link else { return nil }
        var layer = from
        while layer < to {
            layer += 1
            current = .node(MSTNode(layer: layer, keys: [], values: [], children: [current]))
        }
        return current
    }

    /// Splits a subtree into the parts below and above `key` (a key of a higher layer, so never in it).
    static func split(_ link: MSTLink?, around key: [UInt8]) throws(ATRepoError) -> (MSTLink?, MSTLink?) {
        guard let link else { return (nil, nil) }
        guard case .node(let node) = link else {
            throw ATRepoError(.missingProofBlock, "splitting needs a tree node that is not in the block set", cid: link.cid)
        }
        let (index, _) = node.search(key)
        let (lowerLeft, lowerRight) = try split(node.children[index], around: key)
        // Whole-node fast paths keep the existing node (and its cached CID).
        if index == node.keys.count && lowerRight == nil && MSTLink.same(lowerLeft, node.children[index]) {
            return (link, nil)
        }
        if index == 0 && lowerLeft == nil && MSTLink.same(lowerRight, node.children[0]) {
            return (nil, link)
        }
        let left = MSTNode(
            layer: node.layer, keys: Array(node.keys[..<index]), values: Array(node.values[..<index]),
            children: Array(node.children[..<index]) + [lowerLeft])
        let right = MSTNode(
            layer: node.layer, keys: Array(node.keys[index...]), values: Array(node.values[index...]),
            children: [lowerRight] + Array(node.children[(index + 1)...]))
        return (left.isEmpty ? nil : .node(left), right.isEmpty ? nil : .node(right))
    }

    static func delete(_ node: MSTNode, key: [UInt8], layer keyLayer: Int) throws(ATRepoError) -> (MSTNode?, CID?) {
        let (index, found) = node.search(key)
        if keyLayer == node.layer {
            guard found else { return (node, nil) }
            let merged = try merge(node.children[index], node.children[index + 1])
            var keys = node.keys
            var values = node.values
            var children = node.children
            let previous = values.remove(at: index)
            keys.remove(at: index)
            children[index] = merged
            children.remove(at: index + 1)
            let updated = MSTNode(layer: node.layer, keys: keys, values: values, children: children)
            return (updated.isEmpty ? nil : updated, previous)
        }
        switch node.children[index] {
        case nil:
            return (node, nil)
        case .stub(let cid)?:
            throw ATRepoError(.missingProofBlock, "remove needs a tree node that is not in the block set", cid: cid)
        case .node(let child)?:
            let (newChild, previous) = try delete(child, key: key, layer: keyLayer)
            guard previous != nil else { return (node, nil) }
            var children = node.children
            children[index] = newChild.map { .node($0) }
            let updated = MSTNode(layer: node.layer, keys: node.keys, values: node.values, children: children)
            return (updated.isEmpty ? nil : updated, previous)
        }
    }

    /// Joins two adjacent subtrees of the same layer (everything in `left` is below everything in
    /// `right`), merging their touching edges recursively.
    static func merge(_ left: MSTLink?, _ right: MSTLink?) throws(ATRepoError) -> MSTLink? {
        guard let left else { return right }
        guard let right else { return left }
        guard case .node(let a) = left else {
            throw ATRepoError(.missingProofBlock, "merging needs a tree node that is not in the block set", cid: left.cid)
        }
        guard case .node(let b) = right else {
            throw ATRepoError(.missingProofBlock, "merging needs a tree node that is not in the block set", cid: right.cid)
        }
        let seam = try merge(a.children[a.keys.count], b.children[0])
        let children = Array(a.children[..<a.keys.count]) + [seam] + Array(b.children[1...])
        return .node(MSTNode(layer: a.layer, keys: a.keys + b.keys, values: a.values + b.values, children: children))
    }
}
