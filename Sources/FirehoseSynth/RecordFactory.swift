import IPLD

/// Deterministic records shaped and sized like the network's (posts, likes, follows, reposts, profiles).
struct RecordFactory {
    static let words = ["the", "a", "firehose", "relay", "verify", "commit", "tree", "merkle", "search", "bluesky",
                        "atproto", "sync", "today", "really", "nice", "weather", "coffee", "code", "swift", "network",
                        "post", "reply", "thread", "morning", "evening", "art", "photo", "music", "news", "hello",
                        "world", "good", "bad", "ideas", "data", "signal", "noise", "build", "ship", "test"]

    /// A collection for a new record, with the network's rough mix.
    static func collection(_ rng: inout SplitMix64) -> String {
        let roll = rng.below(100)
        switch roll {
        case 0..<48: return "app.bsky.feed.like"
        case 48..<70: return "app.bsky.feed.post"
        case 70..<86: return "app.bsky.graph.follow"
        default: return "app.bsky.feed.repost"
        }
    }

    static func text(_ rng: inout SplitMix64, minLength: Int, maxLength: Int) -> String {
        let target = minLength + rng.below(max(1, maxLength - minLength))
        var out = ""
        while out.count < target {
            if !out.isEmpty { out += " " }
            out += words[rng.below(words.count)]
        }
        return out
    }

    static func fakeDID(_ rng: inout SplitMix64) -> String {
        "did:plc:" + String(Base32.encode(rng.bytes32()).prefix(24))
    }

    static func strongRef(_ rng: inout SplitMix64, createdRkey: String) -> IPLDValue {
        .map([
            "uri": .string("at://\(fakeDID(&rng))/app.bsky.feed.post/\(createdRkey)"),
            "cid": .string(CID.compute(for: rng.bytes32()).string),
        ])
    }

    /// The DAG-CBOR bytes of a record of `collection`.
    static func record(collection: String, createdAt: String, rkey: String, _ rng: inout SplitMix64) -> [UInt8] {
        var map: [String: IPLDValue] = ["$type": .string(collection), "createdAt": .string(createdAt)]
        switch collection {
        case "app.bsky.feed.post":
            map["text"] = .string(text(&rng, minLength: 10, maxLength: 280))
            map["langs"] = .list([.string("en")])
            if rng.chance(0.2) {
                map["reply"] = .map(["root": strongRef(&rng, createdRkey: rkey), "parent": strongRef(&rng, createdRkey: rkey)])
            }
        case "app.bsky.feed.like", "app.bsky.feed.repost":
            map["subject"] = strongRef(&rng, createdRkey: rkey)
        case "app.bsky.graph.follow":
            map["subject"] = .string(fakeDID(&rng))
        case "app.bsky.actor.profile":
            map["displayName"] = .string(text(&rng, minLength: 5, maxLength: 30))
            map["description"] = .string(text(&rng, minLength: 20, maxLength: 250))
        default:
            break
        }
        return DAGCBOR.encode(.map(map))
    }
}
