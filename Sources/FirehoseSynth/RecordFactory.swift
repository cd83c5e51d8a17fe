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
        out.reserveCapacity(target + 16)
        // The words are ASCII, so the UTF-8 length is the character count (and O(1) to read).
        while out.utf8.count < target {
            if !out.isEmpty { out += " " }
            out += words[rng.below(words.count)]
        }
        return out
    }

    static func fakeDID(_ rng: inout SplitMix64) -> String {
        "did:plc:" + String(Base32.encode(rng.bytes32()).prefix(24))
    }

    /// A `com.atproto.repo.strongRef` map `{cid, uri}` written canonically (the uri is drawn first).
    static func writeStrongRef(_ writer: inout DAGCBORWriter, _ rng: inout SplitMix64, createdRkey: String) {
        let uri = "at://\(fakeDID(&rng))/app.bsky.feed.post/\(createdRkey)"
        // A random SHA-256 digest makes as good a CID as the hash of random bytes, without hashing.
        let cid = (CID(codec: .dagCBOR, digest: rng.bytes32()) ?? CID.compute(for: [])).string
        writer.writeMapHead(count: 2)
        writer.writeString("cid")
        writer.writeString(cid)
        writer.writeString("uri")
        writer.writeString(uri)
    }

    /// The DAG-CBOR bytes of a record of `collection`, written field by field in canonical key order
    /// (length first, then bytewise), drawing random values in a fixed order.
    static func record(collection: String, createdAt: String, rkey: String, _ rng: inout SplitMix64) -> [UInt8] {
        var writer = DAGCBORWriter(capacity: 512)
        switch collection {
        case "app.bsky.feed.post":
            let body = RecordFactory.text(&rng, minLength: 10, maxLength: 280)
            let isReply = rng.chance(0.2)
            writer.writeMapHead(count: isReply ? 5 : 4)
            writer.writeString("text")
            writer.writeString(body)
            writer.writeString("$type")
            writer.writeString(collection)
            writer.writeString("langs")
            writer.writeArrayHead(count: 1)
            writer.writeString("en")
            if isReply {
                writer.writeString("reply")
                writer.writeMapHead(count: 2)
                // Drawn root first, then parent; written in key order (root, parent).
                var root = DAGCBORWriter(capacity: 160)
                writeStrongRef(&root, &rng, createdRkey: rkey)
                var parent = DAGCBORWriter(capacity: 160)
                writeStrongRef(&parent, &rng, createdRkey: rkey)
                writer.writeString("root")
                writer.writeRaw(root.bytes)
                writer.writeString("parent")
                writer.writeRaw(parent.bytes)
            }
        case "app.bsky.feed.like", "app.bsky.feed.repost":
            writer.writeMapHead(count: 3)
            writer.writeString("$type")
            writer.writeString(collection)
            writer.writeString("subject")
            writeStrongRef(&writer, &rng, createdRkey: rkey)
        case "app.bsky.graph.follow":
            writer.writeMapHead(count: 3)
            writer.writeString("$type")
            writer.writeString(collection)
            writer.writeString("subject")
            writer.writeString(fakeDID(&rng))
        case "app.bsky.actor.profile":
            let displayName = RecordFactory.text(&rng, minLength: 5, maxLength: 30)
            let description = RecordFactory.text(&rng, minLength: 20, maxLength: 250)
            writer.writeMapHead(count: 4)
            writer.writeString("$type")
            writer.writeString(collection)
            writer.writeString("createdAt")
            writer.writeString(createdAt)
            writer.writeString("description")
            writer.writeString(description)
            writer.writeString("displayName")
            writer.writeString(displayName)
            return writer.bytes
        default:
            writer.writeMapHead(count: 2)
            writer.writeString("$type")
            writer.writeString(collection)
        }
        writer.writeString("createdAt")
        writer.writeString(createdAt)
        return writer.bytes
    }
}
