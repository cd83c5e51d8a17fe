public import IPLD

/// What one mirror export (``RepositoryExport``) reads and where it keeps the tree it rebuilds: the part of an
/// export that differs between databases. Every call happens inside the export's one read.
public protocol MirrorExportStorage {
    /// The account's collections, in any order.
    func collections() throws -> [String]
    /// Hands `body` the (rkey, CID) of every stored record of `collection`, in byte order of the rkey, one at a time.
    func forEachRecord(collection: String, _ body: (_ rkey: String, _ cid: CID) throws -> Void) throws
    /// Keeps one rebuilt tree node.
    func storeNode(cid: CID, bytes: [UInt8]) throws
    /// Every node is kept: index them by CID.
    func finishNodes() throws
    /// A kept node.
    func node(_ cid: CID) throws -> [UInt8]?
    /// Remembers the record CIDs stored under several keys; returns true when there is any.
    func noteDuplicatedRecords() throws -> Bool
    /// True the first time a duplicated record CID is asked about, and for CIDs that are not duplicated.
    func firstEmission(of cid: CID) throws -> Bool
    /// The bytes of the stored record at (`collection`, `rkey`).
    func recordBytes(collection: String, rkey: String) throws -> [UInt8]?
}
