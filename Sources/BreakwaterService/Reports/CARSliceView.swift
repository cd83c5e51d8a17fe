package import IPLD

/// The decoded view of a `#commit`'s (or `#sync`'s) CAR slice for `inspect frame --car`: every block with its
/// kind — `commit` (the block named by the event's `commit`), `mst-node` (a tree node, with its entries' full keys,
/// values and subtree links), `record` (as atproto JSON) — or `undecodable` with the error.
package enum CARSliceView {
    /// The slice's roots and its blocks, each decoded by kind.
    package static func view(_ bytes: [UInt8], commit: CID?) -> IPLDValue {
        var reader: CARReader
        do {
            reader = try CARReader(bytes: bytes, verifyingHashes: false)
        } catch {
            return .map(["error": .string("\(error)")])
        }
        var blocks: [IPLDValue] = []
        var failure: IPLDValue = .null
        do {
            while let block = try reader.nextBlock() {
                blocks.append(entry(block, commit: commit))
            }
        } catch {
            failure = .string("\(error)")
        }
        return .map([
            "roots": .list(reader.roots.map { .string($0.string) }),
            "blocks": .list(blocks),
            "error": failure,
        ])
    }

    package static func entry(_ block: CARBlock, commit: CID?) -> IPLDValue {
        var entry: [String: IPLDValue] = [
            "cid": .string(block.cid.string),
            "length": .int(Int64(block.length)),
            "hashMatches": .bool(block.hashMatches),
        ]
        let value: IPLDValue
        do {
            value = try block.decode()
        } catch {
            entry["kind"] = .string("undecodable")
            entry["error"] = .string("\(error)")
            return .map(entry)
        }
        if block.cid == commit {
            entry["kind"] = .string("commit")
            entry["value"] = value
        } else if let node = mstNode(value) {
            entry["kind"] = .string("mst-node")
            entry["node"] = node
        } else {
            entry["kind"] = .string("record")
            entry["value"] = value
        }
        return .map(entry)
    }

    /// A tree node (`{"l": link|null, "e": [{"p", "k", "v", "t"}]}`) with its entries' keys rebuilt from the
    /// prefix compression; nil when the value does not have that shape.
    package static func mstNode(_ value: IPLDValue) -> IPLDValue? {
        guard case .map(let map) = value, map.count == 2, let left = map["l"], case .list(let rawEntries)? = map["e"] else {
            return nil
        }
        var previous: [UInt8] = []
        var entries: [IPLDValue] = []
        for raw in rawEntries {
            guard case .map(let e) = raw, case .int(let prefix)? = e["p"], case .bytes(let suffix)? = e["k"],
                  case .link(let target)? = e["v"], prefix >= 0, Int(prefix) <= previous.count else { return nil }
            let key = Array(previous.prefix(Int(prefix))) + suffix
            previous = key
            var out: [String: IPLDValue] = [
                "key": .string(String(decoding: key, as: UTF8.self)),
                "value": .string(target.string),
            ]
            if case .link(let tree)? = e["t"] { out["tree"] = .string(tree.string) } else { out["tree"] = .null }
            entries.append(.map(out))
        }
        var node: [String: IPLDValue] = ["entries": .list(entries)]
        if case .link(let l) = left { node["left"] = .string(l.string) } else { node["left"] = .null }
        return .map(node)
    }
}
