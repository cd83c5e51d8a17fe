public import IPLD

/// A Merkle Search Tree (Docs/SPEC.md §5): the key → record-CID map of a repository, as a value.
///
/// A tree may be **partial**: nodes whose blocks were not available are stubs known only by CID.
/// Lookups and mutations work on any tree and throw `missing-proof-block` (naming the CID) when they
/// need to look inside a stub. The shape depends only on the key → value map, never on the order of
/// operations. Nodes are immutable and shared between versions, so copying a tree is O(1) and a
/// root CID recomputation re-encodes only nodes created since they were last hashed.
public struct MST: Sendable {
    /// The root node; nil for the empty tree.
    var root: MSTLink?

    /// The empty tree.
    public init() { root = nil }

    init(root: MSTLink?) { self.root = root }

    /// A tree known only by its root CID (a single stub), e.g. the previous state of a repository.
    /// Passing the empty-tree CID gives the empty tree.
    public init(stubRoot cid: CID) {
        root = cid == MST.emptyRootCID ? nil : .stub(cid)
    }

    /// The bytes of the empty tree's single node, `{"e": [], "l": null}`.
    public static let emptyNodeBytes: [UInt8] = [0xa2, 0x61, 0x65, 0x80, 0x61, 0x6c, 0xf6]

    /// The CID of the empty tree (`bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm`).
    public static let emptyRootCID: CID = CID.compute(for: emptyNodeBytes)

    /// The root CID: the empty-tree CID when empty; otherwise the root node's CID, encoding and
    /// hashing only nodes whose CID is not yet known.
    public var rootCID: CID { root?.cid ?? MST.emptyRootCID }

    /// True when the tree holds no keys.
    public var isEmpty: Bool { root == nil }

    /// The root's layer, when the root node is loaded; 0 for the empty tree; nil for a stub root.
    public var rootLayer: Int? {
        switch root {
        case nil: return 0
        case .node(let node): return node.layer
        case .stub: return nil
        }
    }
}
