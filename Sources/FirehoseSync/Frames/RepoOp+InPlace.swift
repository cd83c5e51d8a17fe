package import ATRepo
package import IPLD

extension RepoOp {
    /// The fields of one listed op as sent, before its checks.
    package struct Listed {
        /// `action` as sent.
        package var action: String
        /// `path` as sent.
        package var path: String
        /// `cid`: nil for null.
        package var cid: CID?
        /// `prev`: nil for null or absent.
        package var prev: CID?
    }

    /// Reads the `ops` array at `reader`'s offset (the value of a `#commit` body's `ops` entry) in place, without
    /// building a map per op, when every op has the usual shape: a map of exactly `cid` (a link or null), `path`
    /// (text), optionally `prev` (a link or null) and `action` (text), in canonical order. Returns the listed ops in
    /// order, or nil (the reader's offset then undefined) for any other array, valid or not, and for anything the
    /// strict reader refuses; such an `ops` is read by the generic decode. The checks of ``parseList(_:)`` follow in
    /// ``parseList(listed:)``, so both paths accept and refuse the same ops with the same rejection.
    package static func readListedInPlace(_ reader: inout DAGCBORReader) -> [Listed]? {
        do throws(IPLDError) {
            guard let count = try reader.readArrayHead(nestedIn: 1), count <= CommitEvent.maxOps else { return nil }
            var listed: [Listed] = []
            listed.reserveCapacity(count)
            for _ in 0..<count {
                guard let entries = try reader.readMapHead(), entries == 3 || entries == 4 else { return nil }
                var previous: UnsafeRawBufferPointer? = nil
                guard DAGCBORReader.key(try reader.readMapKey(after: &previous), is: "cid"),
                      let cid = link(try reader.readValue(nestedIn: 3)) else { return nil }
                guard DAGCBORReader.key(try reader.readMapKey(after: &previous), is: "path"),
                      case .string(let path) = try reader.readValue(nestedIn: 3) else { return nil }
                var prev: CID?? = .some(nil)
                if entries == 4 {
                    guard DAGCBORReader.key(try reader.readMapKey(after: &previous), is: "prev") else { return nil }
                    prev = link(try reader.readValue(nestedIn: 3))
                }
                guard let prev, DAGCBORReader.key(try reader.readMapKey(after: &previous), is: "action"),
                      case .string(let action) = try reader.readValue(nestedIn: 3) else { return nil }
                listed.append(Listed(action: action, path: path, cid: cid, prev: prev))
            }
            return listed
        } catch {
            return nil
        }
    }

    /// A link's CID, `.some(nil)` for null, nil for any other value.
    private static func link(_ value: IPLDValue) -> CID?? {
        switch value {
        case .link(let cid): return .some(cid)
        case .null: return .some(nil)
        default: return nil
        }
    }
}
