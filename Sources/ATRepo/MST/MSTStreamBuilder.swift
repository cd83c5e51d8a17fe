public import IPLD

/// Builds an MST from entries given one at a time in strictly increasing key order, holding only the
/// nodes still open (one per layer), so memory does not grow with the number of entries (Docs/SPEC.md §5).
///
/// Produces the same tree as ``MST/init(sorted:)``: each node is encoded canonically and handed to
/// `emit` as soon as it is complete (post-order: children before their parent), and ``finish(emit:)``
/// returns the root CID. Used to check a streamed repository's rebuild against its commit's `data` and
/// to export a repository without holding its tree.
public struct MSTStreamBuilder: Sendable {
    /// The node being filled at one layer: its left link and its entries with their right links.
    struct OpenNode: Sendable {
        var left: CID? = nil
        var keys: [[UInt8]] = []
        var values: [CID] = []
        var rights: [CID?] = []

        var isEmpty: Bool { keys.isEmpty && left == nil }
    }

    /// Open nodes by layer (index 0 = layer 0).
    var open: [OpenNode] = []
    var previous: [UInt8]? = nil
    /// The number of entries appended so far.
    public private(set) var count = 0

    /// An empty builder.
    public init() {}

    /// Adds the next entry. Throws `invalid-key` for an empty or overlong key, or one not strictly
    /// greater than the previous key. Completed nodes are handed to `emit`.
    public mutating func append(key: [UInt8], value: CID,
                                emit: ((_ cid: CID, _ bytes: [UInt8]) throws -> Void)? = nil) throws {
        try MSTKey.validate(key)
        if let previous, MSTKey.compare(previous, key) >= 0 {
            throw ATRepoError(.invalidKey, "keys are not strictly increasing at entry \(count)")
        }
        let layer = MSTKey.layer(of: key)
        while open.count <= layer { open.append(OpenNode()) }
        // Every open node below this key's layer is complete: it becomes the child slot after the last
        // entry of the node one layer up (or that node's left link).
        if layer > 0 {
            for lower in 0..<layer { try close(layer: lower, emit: emit) }
        }
        open[layer].keys.append(key)
        open[layer].values.append(value)
        open[layer].rights.append(nil)
        previous = key
        count += 1
    }

    /// Completes the tree and returns its root CID (the empty tree's CID when nothing was appended).
    /// Every remaining node, the root last, is handed to `emit`. The builder is empty afterwards.
    public mutating func finish(emit: ((_ cid: CID, _ bytes: [UInt8]) throws -> Void)? = nil) throws -> CID {
        defer { open = []; previous = nil; count = 0 }
        guard let top = open.indices.last, count > 0 else {
            try emit?(MST.emptyRootCID, MST.emptyNodeBytes)
            return MST.emptyRootCID
        }
        for lower in 0..<top { try close(layer: lower, emit: emit) }
        let (cid, bytes) = Self.encode(open[top], layer: top)
        try emit?(cid, bytes)
        return cid
    }

    /// Encodes the open node at `layer` (when not empty), links it from the layer above, and resets it.
    mutating func close(layer: Int, emit: ((_ cid: CID, _ bytes: [UInt8]) throws -> Void)?) throws {
        let node = open[layer]
        guard !node.isEmpty else { return }
        open[layer] = OpenNode()
        let (cid, bytes) = Self.encode(node, layer: layer)
        try emit?(cid, bytes)
        if open[layer + 1].keys.isEmpty {
            open[layer + 1].left = cid
        } else {
            open[layer + 1].rights[open[layer + 1].rights.count - 1] = cid
        }
    }

    static func encode(_ node: OpenNode, layer: Int) -> (CID, [UInt8]) {
        var children: [MSTLink?] = [node.left.map { .stub($0) }]
        children.append(contentsOf: node.rights.map { $0.map { .stub($0) } })
        let bytes = MSTNode(layer: layer, keys: node.keys, values: node.values, children: children).encoded()
        return (CID.compute(for: bytes), bytes)
    }
}
