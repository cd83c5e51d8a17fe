public import ATRepo
public import IPLD

extension RepoOp {
    /// The op as a `#repoOp` lexicon map (`cid` null for deletes; `prev` only when set).
    public var ipldValue: IPLDValue {
        var map: [String: IPLDValue] = [
            "action": .string(action.rawValue),
            "path": .string(path),
            "cid": cid.map { .link($0) } ?? .null,
        ]
        if let prev { map["prev"] = .link(prev) }
        return map.isEmpty ? .null : .map(map)
    }
}
