import ATSyntax
import Testing

@Suite struct IdentifierTests {
    @Test func handlesAreNormalisedToLowercase() throws {
        let handle = try Handle("Alice.Bsky.Social")
        #expect(handle.description == "alice.bsky.social")
        #expect(handle == (try Handle("alice.bsky.social")))
    }

    @Test(arguments: ["laptop.local", "x.onion", "a.arpa", "handle.invalid", "a.internal", "b.example", "c.alt", "d.localhost"])
    func disallowedTLDsParseButAreFlagged(_ text: String) throws {
        #expect(try Handle(text).hasDisallowedTLD)
    }

    @Test func ordinaryTLDsAreNotFlagged() throws {
        #expect(!(try Handle("alice.bsky.social").hasDisallowedTLD))
        #expect(!(try Handle("john.test").hasDisallowedTLD))
    }

    @Test func didMethodAndIdentifierAreExposed() throws {
        let plc = try DID("did:plc:7iza6de2dwap2sbkpav7c6c6")
        #expect(plc.method == "plc" && plc.isPLC && plc.isSupportedMethod)
        #expect(plc.identifier == "7iza6de2dwap2sbkpav7c6c6")
        let web = try DID("did:web:localhost%3A1234")
        #expect(web.isWeb && web.identifier == "localhost%3A1234")
        #expect(!(try DID("did:key:zQ3sh").isSupportedMethod))
    }

    @Test func nsidAuthorityAndNameAreSplit() throws {
        let nsid = try NSID("App.Bsky.feed.fooBar")
        #expect(nsid.name == "fooBar")
        #expect(nsid.authority == "feed.bsky.app")
        #expect(nsid.normalized.description == "app.bsky.feed.fooBar")
    }

    @Test func repoPathsSplitAndOrderBytewise() throws {
        let a = try RepoPath("app.bsky.feed.like/3jzfcijpj2z2a")
        let b = try RepoPath("app.bsky.feed.post/3jzfcijpj2z2a")
        #expect(a < b)
        #expect(a.bytes == Array("app.bsky.feed.like/3jzfcijpj2z2a".utf8))
        #expect(RepoPath(collection: b.collection, recordKey: b.recordKey) == b)
        #expect(try RepoPath(bytes: b.bytes) == b)
    }

    @Test(arguments: ["app.bsky.feed.post", "app.bsky.feed.post/", "/self", "app.bsky.feed.post/a/b",
                      "A0/374913", "app.bsky.feed.post/..", "app.bsky.feed.post/\u{e9}"])
    func malformedRepoPathsAreRefused(_ text: String) {
        #expect(throws: ATSyntaxError(.invalidRepoPath, "")) { try RepoPath(text) }
    }

    @Test func invalidUTF8RepoPathBytesAreRefused() {
        #expect(throws: ATSyntaxError(.invalidRepoPath, "")) { try RepoPath(bytes: [0x61, 0x2E, 0x62, 0x2E, 0x63, 0x2F, 0xFF]) }
    }

    @Test func atURIPartsAreExposed() throws {
        let uri = try ATURI("at://did:plc:asdf123/com.atproto.feed.post/record")
        #expect(uri.authority.did?.description == "did:plc:asdf123")
        #expect(uri.repoPath?.description == "com.atproto.feed.post/record")
        #expect(try ATURI("at://Alice.Test").description == "at://alice.test")
    }
}

@Suite struct DIDWebTests {
    @Test(arguments: [("did:web:example.com", "example.com"), ("did:web:Example.COM", "example.com"),
                      ("did:web:localhost%3A1234", "localhost:1234"), ("did:web:localhost", "localhost")])
    func webDIDsNameTheirHost(_ did: String, _ host: String) throws {
        #expect(try DID(did).webHost == host)
    }

    @Test(arguments: ["did:web:example.com:path", "did:web:example.com%3A443", "did:web:laptop.local",
                      "did:web:abc.onion", "did:web:nodot", "did:plc:example.com", "did:web:exa%20mple.com"])
    func unusableWebDIDsHaveNoHost(_ did: String) throws {
        #expect(try DID(did).webHost == nil)
    }
}
