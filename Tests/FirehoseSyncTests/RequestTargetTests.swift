import FirehoseSync
import Testing

/// How the service's own HTTP servers read a request target: percent-decoding, `+` in query values, first name wins.
@Suite struct RequestTargetTests {
    @Test func pathAndQueryArePercentDecoded() {
        let target = RequestTarget("/echo/a%20b?q=x+y&did=did%3Aplc%3Aabc&q=second&flag")
        #expect(target.path == "/echo/a b")
        #expect(target.query["q"] == "x y")
        #expect(target.query["did"] == "did:plc:abc")
        #expect(target.query["flag"] == "")
    }

    @Test func invalidEncodingIsKeptAsWritten() {
        #expect(RequestTarget.percentDecoded("%C3%A9") == "é")
        #expect(RequestTarget.percentDecoded("100%") == nil)
        #expect(RequestTarget.percentDecoded("%zz") == nil)
        #expect(RequestTarget.percentDecoded("%FF") == nil)
        #expect(RequestTarget("/a%zz?x=%FF").path == "/a%zz")
        #expect(RequestTarget("/a%zz?x=%FF").query["x"] == "%FF")
    }

    @Test func aTargetWithoutQueryHasNoParameters() {
        #expect(RequestTarget("/xrpc/com.atproto.sync.subscribeRepos").query.isEmpty)
        #expect(RequestTarget("/xrpc/com.atproto.sync.subscribeRepos").path == SubscribeRepos.path)
    }
}
