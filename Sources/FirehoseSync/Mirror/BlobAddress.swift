public import IPLD

/// Where a blob lives in a blob folder and whether bytes are that blob: a folder holds each blob at
/// `<first two characters of the CID>/<cid>` (the CID in its base32 string form), and a blob's CID is a raw
/// (0x55) SHA-256 CID of its bytes (https://atproto.com/specs/data-model#link-and-cid-formats).
public enum BlobAddress {
    /// `<first two characters of the CID>/<cid>`.
    public static func relativePath(for cid: CID) -> String {
        let text = cid.string
        return "\(text.prefix(2))/\(text)"
    }

    /// Why `bytes` are not the blob `cid` (the CID is not a raw CID, or the bytes hash to another CID); nil when
    /// they are.
    public static func mismatch(_ bytes: [UInt8], cid: CID) -> String? {
        guard cid.codec == .raw else { return "\(cid) is not a raw-codec CID, as blob CIDs must be" }
        let actual = CID.compute(for: bytes, codec: .raw)
        guard actual == cid else { return "the \(bytes.count) bytes served for blob \(cid) hash to \(actual)" }
        return nil
    }
}
