import IPLD
import Synchronization

/// A child slot of an MST node: a node held in memory, or a stub known only by its CID (the block was
/// not in the block set the tree was loaded from).
enum MSTLink: Sendable {
    /// A node whose contents are known.
    case node(MSTNode)
    /// A node known only by CID; looking inside it fails with `missing-proof-block`.
    case stub(CID)

    /// The CID of the linked node (computed on first use for new nodes, then cached).
    var cid: CID {
        switch self {
        case .node(let node): return node.cid
        case .stub(let cid): return cid
        }
    }

    /// True when both slots hold the same node object, the same stub, or are both empty.
    static func same(_ a: MSTLink?, _ b: MSTLink?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (.node(let x)?, .node(let y)?): return x === y
        case (.stub(let x)?, .stub(let y)?): return x == y
        default: return false
        }
    }
}

/// One immutable MST node (Docs/SPEC.md §5.3), in B-tree form: `keys.count` entries and
/// `keys.count + 1` child slots, where `children[0]` is the node's `l` and `children[i + 1]` the `t`
/// of entry `i`. Keys are held in full (prefix compression exists only in the encoding).
///
/// Nodes are immutable and shared between tree versions (operations copy the path they change), so
/// the CID, once computed, is cached for the life of the node.
final class MSTNode: Sendable {
    /// The node's layer: the layer of each of its keys; a keyless node's parent layer minus one.
    let layer: Int
    /// Full keys, strictly increasing.
    let keys: [[UInt8]]
    /// The value (record CID) of each key.
    let values: [CID]
    /// Child slots: `keys.count + 1` of them, each nil or a link one layer down.
    let children: [MSTLink?]
    private let cachedCID: Mutex<CID?>
    /// The canonical encoding, kept once computed for the CID of a node built in memory (generators
    /// re-emit unchanged nodes in every slice); nodes decoded from blocks do not keep it.
    let cachedEncoding = Mutex<[UInt8]?>(nil)

    /// Creates a node. `cid` is given when it is already known (a node decoded from a block).
    init(layer: Int, keys: [[UInt8]], values: [CID], children: [MSTLink?], cid: CID? = nil) {
        precondition(children.count == keys.count + 1 && values.count == keys.count, "MST node arity")
        self.layer = layer
        self.keys = keys
        self.values = values
        self.children = children
        self.cachedCID = Mutex(cid)
    }

    /// True when the node has neither keys nor a child: only valid as the root of an empty tree.
    var isEmpty: Bool { keys.isEmpty && children[0] == nil }

    /// The node's CID: SHA-256 of its canonical encoding, computed once.
    var cid: CID {
        if let known = cachedCID.withLock({ $0 }) { return known }
        let bytes = encode()
        let computed = CID.compute(for: bytes)
        cachedCID.withLock { $0 = computed }
        cachedEncoding.withLock { $0 = bytes }
        return computed
    }

    /// The index of `key` among `keys`, or where it would be inserted (`found` false).
    func search(_ key: [UInt8]) -> (index: Int, found: Bool) {
        var low = 0
        var high = keys.count
        while low < high {
            let mid = (low + high) / 2
            let order = MSTKey.compare(keys[mid], key)
            if order == 0 { return (mid, true) }
            if order < 0 { low = mid + 1 } else { high = mid }
        }
        return (low, false)
    }
}
