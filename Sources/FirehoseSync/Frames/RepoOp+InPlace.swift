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
        var listed: [Listed] = []
        let count = readListedInPlace(&reader) { op, _ in
            listed.append(op)
            return true
        }
        return count.map { _ in listed }
    }

    /// The ops of a frame read in place, checked and composed as they are read (``parseList(listed:)`` without the
    /// list of the ops as sent): the composed ops, whether a delete and create were composed, and how many ops were
    /// listed. Nil for anything ``readListedInPlace(_:)`` does not read, and for ops that break a rule (the generic
    /// decode then names the failure, with the same rejection).
    package static func readOpsInPlace(_ reader: inout DAGCBORReader) -> (ops: [RepoOp], composed: Bool, listed: Int)? {
        var composer: OpListComposer? = nil
        let count = readListedInPlace(&reader, announcing: { composer = OpListComposer(count: $0) }) { op, index in
            guard case .success(let checked) = checked(actionText: op.action, path: op.path, cid: op.cid, prev: op.prev, index: index,
                                                       allowCreatePrev: true) else { return false }
            return composer?.add(checked, index: index) == nil
        }
        guard let count, let composer else { return nil }
        return (composer.ops, composer.composed, count)
    }

    /// Reads the `ops` array as ``readListedInPlace(_:)`` does, handing each op and its index to `each` (which may stop
    /// the read by returning false); `announcing` hears the array's length first. The number of ops, or nil.
    private static func readListedInPlace(_ reader: inout DAGCBORReader, announcing: (Int) -> Void = { _ in },
                                          each: (Listed, Int) -> Bool) -> Int? {
        do throws(IPLDError) {
            guard let count = try reader.readArrayHead(nestedIn: 1), count <= CommitEvent.maxOps else { return nil }
            announcing(count)
            for index in 0..<count {
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
                guard each(Listed(action: action, path: path, cid: cid, prev: prev), index) else { return nil }
            }
            return count
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
