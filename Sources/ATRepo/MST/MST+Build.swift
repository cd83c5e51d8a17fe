public import IPLD

extension MST {
    /// Builds the tree of a key → value map given as entries in strictly increasing key order
    /// (imports, rebuild checks, traffic generators).
    ///
    /// Each key's layer is hashed once; each layer then partitions its range by the keys of that
    /// layer, so the work is O(entries × root layer). Throws `invalid-key` for an empty or overlong
    /// key, or when keys are not strictly increasing.
    public init(sorted entries: [(key: [UInt8], value: CID)]) throws(ATRepoError) {
        guard !entries.isEmpty else {
            self.init()
            return
        }
        var layers: [Int] = []
        layers.reserveCapacity(entries.count)
        var top = 0
        for index in entries.indices {
            try MSTKey.validate(entries[index].key)
            if index > 0, MSTKey.compare(entries[index - 1].key, entries[index].key) >= 0 {
                throw ATRepoError(.invalidKey, "keys are not strictly increasing at entry \(index)")
            }
            let layer = MSTKey.layer(of: entries[index].key)
            layers.append(layer)
            top = max(top, layer)
        }
        let builder = MSTBuilder(entries: entries, layers: layers)
        self.init(root: builder.build(entries.startIndex..<entries.endIndex, layer: top).map { .node($0) })
    }
}

private struct MSTBuilder {
    let entries: [(key: [UInt8], value: CID)]
    let layers: [Int]

    /// The subtree of layer `layer` holding `range` (whose keys all have layers ≤ `layer`).
    func build(_ range: Range<Int>, layer: Int) -> MSTNode? {
        guard !range.isEmpty else { return nil }
        var keys: [[UInt8]] = []
        var values: [CID] = []
        var children: [MSTLink?] = []
        var gapStart = range.lowerBound
        for index in range where layers[index] == layer {
            children.append(child(gapStart..<index, layer: layer))
            keys.append(entries[index].key)
            values.append(entries[index].value)
            gapStart = index + 1
        }
        children.append(child(gapStart..<range.upperBound, layer: layer))
        return MSTNode(layer: layer, keys: keys, values: values, children: children)
    }

    private func child(_ range: Range<Int>, layer: Int) -> MSTLink? {
        guard layer > 0 else { return nil }
        return build(range, layer: layer - 1).map { .node($0) }
    }
}
