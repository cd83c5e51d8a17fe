import ATCrypto
import ATIdentity
import ATSyntax
import BreakwaterNet
import FirehoseTesting
import Testing

/// PLC directory resolution over real HTTP on 127.0.0.1 (Docs/SPEC.md §11).
@Suite(.timeLimit(.minutes(1))) struct PLCResolverTests {
    typealias F = IdentityFixtures
    let clock = TestClock()

    func resolve(_ did: DID, reply: ScriptedHTTPReply,
                 configuration: GuardedHTTPConfiguration = F.configuration()) async throws -> Result<ResolvedIdentity, ATIdentityError> {
        let server = try ScriptedHTTPServer(routes: ["/\(did)": reply])
        let result = try await F.withClient(configuration) { client in
            let resolver = PLCResolver(directory: server.baseURL + "/", http: client, now: clock.closure)
            return await F.capture { () async throws(ATIdentityError) in try await resolver.resolve(did) }
        }
        server.stop()
        return result
    }

    @Test func aGoodDocumentGivesItsSigningKeyPDSAndHandle() async throws {
        let did = F.did("good")
        let key = F.key(1).publicKey
        let identity = try await resolve(did, reply: .json(F.document(did, key: key))).get()
        #expect(identity.did == did)
        #expect(identity.signingKeyReference?.didKeyString == key.didKey)
        #expect(identity.pds?.description == "https://pds.example.com")
        #expect(identity.handle?.description == "alice.test")
        #expect(identity.fetchedAt == clock.now)
    }

    @Test func requestsCarryAUserAgentAndAskForJSON() async throws {
        let did = F.did("agent")
        let server = try ScriptedHTTPServer(routes: ["/\(did)": .json(F.document(did, key: F.key(1).publicKey))])
        try await F.withClient { client in
            _ = try await PLCResolver(directory: server.baseURL, http: client, now: clock.closure).resolve(did)
        }
        #expect(server.requests.last?.headerFields["user-agent"] == GuardedHTTPConfiguration.defaultUserAgent)
        #expect(server.requests.last?.headerFields["accept"]?.contains("application/json") == true)
        server.stop()
    }

    @Test func aLegacyKeyDocumentGivesTheSameKey() async throws {
        for curve in Curve.allCases {
            let did = F.did("legacy\(curve)")
            let key = F.key(2, curve: curve).publicKey
            let identity = try await resolve(did, reply: .json(F.document(did, key: key, legacy: true))).get()
            let reference = try #require(identity.signingKeyReference)
            #expect(reference.isLegacy)
            #expect(reference.didKeyString == key.didKey)
        }
    }

    @Test func notRegisteredIsNotFound() async throws {
        let result = try await resolve(F.did("missing"), reply: .status(404))
        #expect(throws: ATIdentityError(.notFound, "")) { try result.get() }
    }

    @Test func goneIsTombstoned() async throws {
        let result = try await resolve(F.did("gone"), reply: .status(410))
        #expect(throws: ATIdentityError(.tombstoned, "")) { try result.get() }
    }

    @Test func aServerErrorIsAnHTTPStatusFailure() async throws {
        let result = try await resolve(F.did("broken"), reply: .status(500))
        #expect(throws: ATIdentityError(.httpStatus, "")) { try result.get() }
    }

    @Test func aDocumentForAnotherDIDIsRefused() async throws {
        let did = F.did("asked")
        let other = F.did("other")
        let result = try await resolve(did, reply: .json(F.document(did, key: F.key(3).publicKey, id: other.description)))
        #expect(throws: ATIdentityError(.wrongDID, "")) { try result.get() }
    }

    @Test func aDocumentThatIsNotJSONIsABadDocument() async throws {
        let result = try await resolve(F.did("garbage"), reply: .status(200, body: Array("<html>".utf8)))
        #expect(throws: ATIdentityError(.badDocument, "")) { try result.get() }
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        let result = try await resolve(F.did("slow"), reply: .hang, configuration: F.configuration(totalTimeout: .milliseconds(300)))
        #expect(throws: ATIdentityError(.timeout, "")) { try result.get() }
    }

    @Test(arguments: [true, false])
    func aTenMegabyteResponseIsRefused(announced: Bool) async throws {
        let result = try await resolve(F.did("huge"), reply: .large(totalBytes: 10 << 20, announced: announced))
        #expect(throws: ATIdentityError(.responseTooLarge, "")) { try result.get() }
    }

    @Test func redirectsAreFollowedWhenAllowed() async throws {
        let did = F.did("moved")
        let server = try ScriptedHTTPServer()
        server.set("/\(did)", .redirect("/elsewhere"))
        server.set("/elsewhere", .json(F.document(did, key: F.key(4).publicKey)))
        let identity = try await F.withClient { client in
            try await PLCResolver(directory: server.baseURL, http: client, now: clock.closure).resolve(did)
        }
        #expect(identity.signingKeyReference?.didKeyString == F.key(4).publicKey.didKey)
        #expect(server.count("/elsewhere") == 1)
        server.stop()
    }

    @Test(arguments: ["http://10.0.0.1/x", "https://192.168.1.1/x", "https://[fd00::1]/x", "ftp://example.com/x", "/loop"])
    func redirectsToRefusedURLsOrInLoopsFail(location: String) async throws {
        let did = F.did("redirect")
        let server = try ScriptedHTTPServer(routes: ["/\(did)": .redirect(location), "/loop": .redirect("/loop")])
        let result = try await F.withClient { client in
            let resolver = PLCResolver(directory: server.baseURL, http: client, now: clock.closure)
            return await F.capture { () async throws(ATIdentityError) in try await resolver.resolve(did) }
        }
        #expect(throws: ATIdentityError(.badRedirect, "")) { try result.get() }
        server.stop()
    }
}
