import IPLD

/// Insertion and removal on a ``SliceProofTree``, step for step those of ``MST`` (put, remove, split, merge, lift,
/// chain): the same nodes are copied, the same ones kept, the same stubs needed, the same failures thrown.
extension SliceProofTree {
    /// Sets `key` (of layer `keyLayer`) to `value` in the tree rooted at `root` and returns the previous value, as
    /// ``MST/put(_:_:)``.
    mutating func put(_ key: SliceProofKey, layer keyLayer: Int, _ value: CID, root: inout Int) throws(ATRepoError) -> CID? {
        guard root != SliceProofTree.none else {
            root = startNode(layer: keyLayer, left: SliceProofTree.none)
            appendEntry(Entry(key: key, value: value, right: SliceProofTree.none))
            return nil
        }
        guard !nodes[root].isStub else {
            throw ATRepoError(.missingProofBlock, "insert needs the root node, which is not in the block set", cid: nodes[root].cid)
        }
        let rootLayer = nodes[root].layer
        if keyLayer > rootLayer {
            let (left, right) = try split(root, around: key)
            let liftedLeft = lift(left, from: rootLayer, to: keyLayer - 1)
            let liftedRight = lift(right, from: rootLayer, to: keyLayer - 1)
            root = startNode(layer: keyLayer, left: liftedLeft)
            appendEntry(Entry(key: key, value: value, right: liftedRight))
            return nil
        }
        let (updated, previous) = try insert(root, key: key, layer: keyLayer, value: value)
        root = updated
        return previous
    }

    /// Removes `key` (of layer `keyLayer`) from the tree rooted at `root` and returns its value, as
    /// ``MST/remove(_:)``: the root is then trimmed while it is a keyless node pointing down.
    mutating func remove(_ key: SliceProofKey, layer keyLayer: Int, root: inout Int) throws(ATRepoError) -> CID? {
        guard root != SliceProofTree.none else { return nil }
        guard !nodes[root].isStub else {
            throw ATRepoError(.missingProofBlock, "remove needs the root node, which is not in the block set", cid: nodes[root].cid)
        }
        guard keyLayer <= nodes[root].layer else { return nil }
        let (updated, previous) = try delete(root, key: key, layer: keyLayer)
        guard previous != nil else { return nil }
        var newRoot = updated
        while newRoot != SliceProofTree.none, !nodes[newRoot].isStub, nodes[newRoot].entryCount == 0 {
            newRoot = nodes[newRoot].left
        }
        root = newRoot
        return previous
    }

    /// Inserts below `node` (whose layer is at least `keyLayer`), returning the node that replaces it (itself
    /// when nothing changed) and the previous value.
    mutating func insert(_ node: Int, key: SliceProofKey, layer keyLayer: Int, value: CID) throws(ATRepoError) -> (Int, CID?) {
        let (index, found) = search(node, key)
        let layer = nodes[node].layer
        let count = nodes[node].entryCount
        if keyLayer == layer {
            if found {
                let previous = entries[nodes[node].firstEntry + index].value
                if previous == value { return (node, previous) }
                let copy = startNode(layer: layer, left: nodes[node].left)
                appendEntries(of: node, 0..<count)
                entries[nodes[copy].firstEntry + index].value = value
                return (copy, previous)
            }
            let (left, right) = try split(child(node, index), around: key)
            let copy = startNode(layer: layer, left: nodes[node].left)
            appendEntries(of: node, 0..<index)
            appendEntry(Entry(key: key, value: value, right: right))
            appendEntries(of: node, index..<count)
            setChild(copy, index, left)
            return (copy, nil)
        }
        // The key belongs lower down, in the gap at `index`.
        let current = child(node, index)
        let newChild: Int
        var previous: CID? = nil
        if current == SliceProofTree.none {
            newChild = chain(key: key, value: value, keyLayer: keyLayer, topLayer: layer - 1)
        } else if nodes[current].isStub {
            throw ATRepoError(.missingProofBlock, "insert needs a tree node that is not in the block set", cid: nodes[current].cid)
        } else {
            let result = try insert(current, key: key, layer: keyLayer, value: value)
            if result.0 == current { return (node, result.1) }
            newChild = result.0
            previous = result.1
        }
        let copy = startNode(layer: layer, left: nodes[node].left)
        appendEntries(of: node, 0..<count)
        setChild(copy, index, newChild)
        return (copy, previous)
    }

    /// A single key at `keyLayer`, below keyless nodes from `topLayer` down.
    mutating func chain(key: SliceProofKey, value: CID, keyLayer: Int, topLayer: Int) -> Int {
        var node = startNode(layer: keyLayer, left: SliceProofTree.none)
        appendEntry(Entry(key: key, value: value, right: SliceProofTree.none))
        var layer = keyLayer
        while layer < topLayer {
            layer += 1
            node = startNode(layer: layer, left: node)
        }
        return node
    }

    /// Wraps the subtree `link` of layer `from` in keyless nodes up to layer `to`.
    mutating func lift(_ link: Int, from: Int, to: Int) -> Int {
        guard link != SliceProofTree.none else { return SliceProofTree.none }
        var current = link
        var layer = from
        while layer < to {
            layer += 1
            current = startNode(layer: layer, left: current)
        }
        return current
    }

    /// Splits the subtree `link` into the parts below and above `key` (a key of a higher layer, so never in it).
    mutating func split(_ link: Int, around key: SliceProofKey) throws(ATRepoError) -> (Int, Int) {
        guard link != SliceProofTree.none else { return (SliceProofTree.none, SliceProofTree.none) }
        guard !nodes[link].isStub else {
            throw ATRepoError(.missingProofBlock, "splitting needs a tree node that is not in the block set", cid: nodes[link].cid)
        }
        let (index, _) = search(link, key)
        let count = nodes[link].entryCount
        let layer = nodes[link].layer
        let below = child(link, index)
        let (lowerLeft, lowerRight) = try split(below, around: key)
        // Whole-node cases keep the node (and its CID).
        if index == count && lowerRight == SliceProofTree.none && lowerLeft == below { return (link, SliceProofTree.none) }
        if index == 0 && lowerLeft == SliceProofTree.none && lowerRight == below { return (SliceProofTree.none, link) }
        var left = SliceProofTree.none
        if index > 0 || lowerLeft != SliceProofTree.none {
            left = startNode(layer: layer, left: nodes[link].left)
            appendEntries(of: link, 0..<index)
            setChild(left, index, lowerLeft)
        }
        var right = SliceProofTree.none
        if index < count || lowerRight != SliceProofTree.none {
            right = startNode(layer: layer, left: lowerRight)
            appendEntries(of: link, index..<count)
        }
        return (left, right)
    }

    /// Removes below `node`, returning the node that replaces it (itself when the key was absent; ``none`` when
    /// it is left empty) and the value removed.
    mutating func delete(_ node: Int, key: SliceProofKey, layer keyLayer: Int) throws(ATRepoError) -> (Int, CID?) {
        let (index, found) = search(node, key)
        let layer = nodes[node].layer
        let count = nodes[node].entryCount
        if keyLayer == layer {
            guard found else { return (node, nil) }
            let merged = try merge(child(node, index), child(node, index + 1))
            let previous = entries[nodes[node].firstEntry + index].value
            let copy = startNode(layer: layer, left: nodes[node].left)
            appendEntries(of: node, 0..<index)
            appendEntries(of: node, (index + 1)..<count)
            setChild(copy, index, merged)
            return (isEmpty(copy) ? SliceProofTree.none : copy, previous)
        }
        let current = child(node, index)
        if current == SliceProofTree.none { return (node, nil) }
        guard !nodes[current].isStub else {
            throw ATRepoError(.missingProofBlock, "remove needs a tree node that is not in the block set", cid: nodes[current].cid)
        }
        let (newChild, previous) = try delete(current, key: key, layer: keyLayer)
        guard previous != nil else { return (node, nil) }
        let copy = startNode(layer: layer, left: nodes[node].left)
        appendEntries(of: node, 0..<count)
        setChild(copy, index, newChild)
        return (isEmpty(copy) ? SliceProofTree.none : copy, previous)
    }

    /// Joins two adjacent subtrees of the same layer (everything in `left` below everything in `right`), merging
    /// their touching edges recursively.
    mutating func merge(_ left: Int, _ right: Int) throws(ATRepoError) -> Int {
        guard left != SliceProofTree.none else { return right }
        guard right != SliceProofTree.none else { return left }
        guard !nodes[left].isStub else {
            throw ATRepoError(.missingProofBlock, "merging needs a tree node that is not in the block set", cid: nodes[left].cid)
        }
        guard !nodes[right].isStub else {
            throw ATRepoError(.missingProofBlock, "merging needs a tree node that is not in the block set", cid: nodes[right].cid)
        }
        let leftCount = nodes[left].entryCount
        let seam = try merge(child(left, leftCount), child(right, 0))
        let joined = startNode(layer: nodes[left].layer, left: nodes[left].left)
        appendEntries(of: left, 0..<leftCount)
        appendEntries(of: right, 0..<nodes[right].entryCount)
        setChild(joined, leftCount, seam)
        return joined
    }
}
