import FirehoseSync
import Foundation
public import IPLD

/// Blobs on disk in a content-addressed folder: `ROOT/<first two characters of the CID>/<cid>`, the CID in
/// its base32 string form. Files are only ever written whole (temporary file in the same
/// folder, then rename) and only after their bytes hash to their CID, so a file present under a CID's name
/// is that blob.
public struct BlobStore: Sendable {
    /// The folder holding the blobs.
    public let root: String

    /// A store rooted at `root` (created when the first blob is written).
    public init(root: String) { self.root = root }

    /// The store beside a database file: `<folder of database>/blobs`.
    public static func beside(database path: String) -> BlobStore {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        return BlobStore(root: folder.appendingPathComponent("blobs").path)
    }

    /// `<first two characters of the CID>/<cid>`.
    public static func relativePath(for cid: CID) -> String { BlobAddress.relativePath(for: cid) }

    /// The file of `cid` (whether or not it exists).
    public func path(for cid: CID) -> String { root + "/" + Self.relativePath(for: cid) }

    /// True when the blob `cid` is stored.
    public func contains(_ cid: CID) -> Bool { FileManager.default.fileExists(atPath: path(for: cid)) }

    /// The stored bytes of `cid`, or nil.
    public func read(_ cid: CID) -> [UInt8]? { FileManager.default.contents(atPath: path(for: cid)).map { [UInt8]($0) } }

    /// Checks `bytes` against `cid` (``verify(_:against:)``) and stores them atomically: written to a temporary
    /// file in the blob's folder, then renamed into place. Throws `blob-cid-mismatch` or `cannot-write`.
    public func write(_ bytes: [UInt8], for cid: CID) throws(IngestError) {
        try Self.verify(bytes, against: cid)
        let target = path(for: cid)
        let folder = (target as NSString).deletingLastPathComponent
        let temporary = folder + "/.\(cid.string).\(UUID().uuidString).partial"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: temporary))
            if rename(temporary, target) != 0 {
                throw IngestError(.cannotWrite, "cannot rename into \(target): \(String(cString: strerror(errno)))")
            }
        } catch let error as IngestError {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw IngestError(.cannotWrite, "cannot write blob \(cid) under \(root): \(error)")
        }
    }

    /// Throws `blob-cid-mismatch` unless `cid` is a raw (0x55) SHA-256 CID of `bytes`
    /// (https://atproto.com/specs/data-model#link-and-cid-formats).
    public static func verify(_ bytes: [UInt8], against cid: CID) throws(IngestError) {
        if let mismatch = BlobAddress.mismatch(bytes, cid: cid) { throw IngestError(.blobCIDMismatch, mismatch) }
    }
}
