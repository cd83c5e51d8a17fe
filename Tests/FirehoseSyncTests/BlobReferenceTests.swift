import FirehoseSync
import IPLD
import Testing

/// Blob references found in records (atproto data model: `{"$type": "blob", "ref", "mimeType", "size"}`, and
/// the legacy `{"cid", "mimeType"}`).
@Suite struct BlobReferenceTests {
    static let image = CID.compute(for: [1, 2, 3], codec: .raw)
    static let video = CID.compute(for: [4, 5, 6], codec: .raw)

    static func blob(_ cid: CID, _ mime: String, _ size: Int64) -> IPLDValue {
        .map(["$type": .string("blob"), "ref": .link(cid), "mimeType": .string(mime), "size": .int(size)])
    }

    @Test func nestedBlobsAreFoundOnceEach() {
        let post: IPLDValue = .map([
            "$type": .string("app.bsky.feed.post"), "text": .string("hi"),
            "embed": .map(["images": .list([
                .map(["alt": .string("a"), "image": Self.blob(Self.image, "image/png", 3)]),
                .map(["alt": .string("b"), "image": Self.blob(Self.image, "image/png", 3)]),
            ]), "media": .map(["video": Self.blob(Self.video, "video/mp4", 3)])]),
        ])
        let found = BlobReference.all(inRecord: DAGCBOR.encode(post))
        #expect(Set(found.map(\.cid)) == [Self.image, Self.video] && found.count == 2)
        #expect(found.first { $0.cid == Self.video }?.mimeType == "video/mp4")
        #expect(found.first { $0.cid == Self.video }?.size == 3)
    }

    @Test func theLegacyFormIsFoundAndLookalikesAreNot() {
        let record: IPLDValue = .map([
            "legacy": .map(["cid": .string(Self.image.string), "mimeType": .string("image/jpeg")]),
            "notABlob": .map(["$type": .string("blob"), "ref": .string(Self.video.string), "mimeType": .string("x"), "size": .int(1)]),
            "link": .link(Self.video),
            "strongRef": .map(["cid": .string(Self.video.string), "uri": .string("at://did:plc:x/app.bsky.feed.post/1")]),
        ])
        let found = BlobReference.all(in: record)
        #expect(found == [BlobReference(cid: Self.image, mimeType: "image/jpeg", size: nil)])
        #expect(BlobReference.all(inRecord: [0xff]).isEmpty)
    }
}
