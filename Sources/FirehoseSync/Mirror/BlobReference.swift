public import IPLD

/// A blob a record refers to: an atproto blob object `{"$type": "blob", "ref": <link>, "mimeType", "size"}`
/// in the IPLD data model, or the legacy form `{"cid": "<string>", "mimeType"}`
/// (https://atproto.com/specs/data-model#blob-type).
public struct BlobReference: Hashable, Sendable {
    /// The blob's CID (raw codec, SHA-256, for every blob a PDS accepts).
    public let cid: CID
    /// The declared MIME type.
    public let mimeType: String
    /// The declared size in bytes (nil for legacy references).
    public let size: Int64?

    /// Creates a reference.
    public init(cid: CID, mimeType: String, size: Int64?) {
        self.cid = cid
        self.mimeType = mimeType
        self.size = size
    }

    /// Every blob reference in `value`, depth first in map-key order, each CID once.
    public static func all(in value: IPLDValue) -> [BlobReference] {
        var found: [BlobReference] = []
        var seen = Set<CID>()
        collect(value, into: &found, seen: &seen, depth: 0)
        return found
    }

    /// Every blob reference in the DAG-CBOR record `bytes` (none when they do not decode).
    public static func all(inRecord bytes: [UInt8]) -> [BlobReference] {
        guard let value = try? DAGCBOR.decode(bytes) else { return [] }
        return all(in: value)
    }

    /// The reference `map` is, if it is a blob object.
    public static func blob(_ map: [String: IPLDValue]) -> BlobReference? {
        if map["$type"]?.stringValue == "blob" {
            guard let cid = map["ref"]?.linkValue, let mimeType = map["mimeType"]?.stringValue,
                  let size = map["size"]?.intValue, size >= 0 else { return nil }
            return BlobReference(cid: cid, mimeType: mimeType, size: size)
        }
        if map.count == 2, let text = map["cid"]?.stringValue, let mimeType = map["mimeType"]?.stringValue,
           let cid = try? CID(string: text) {
            return BlobReference(cid: cid, mimeType: mimeType, size: nil)
        }
        return nil
    }

    static func collect(_ value: IPLDValue, into found: inout [BlobReference], seen: inout Set<CID>, depth: Int) {
        guard depth < 128 else { return }
        switch value {
        case .map(let map):
            if let reference = blob(map) {
                if seen.insert(reference.cid).inserted { found.append(reference) }
                return
            }
            for key in map.keys.sorted() { collect(map[key]!, into: &found, seen: &seen, depth: depth + 1) }
        case .list(let items):
            for item in items { collect(item, into: &found, seen: &seen, depth: depth + 1) }
        default:
            return
        }
    }
}
