import ATIdentity
import BreakwaterNet
import Testing

/// The SSRF guard: which addresses and URLs identity look-ups may reach (Docs/SPEC.md §11).
@Suite struct AddressPolicyTests {
    static let refused = [
        "10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.254", "192.168.0.1", "127.0.0.1", "127.1.2.3",
        "169.254.169.254", "0.0.0.0", "100.64.0.1", "100.127.255.255", "192.0.0.8", "192.0.2.1", "198.18.0.1",
        "198.51.100.7", "203.0.113.9", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
        "::", "::1", "[::1]", "fc00::1", "fd12:3456::1", "fe80::1", "fe80::1%eth0", "fec0::1", "ff02::1",
        "::ffff:10.0.0.1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "64:ff9b::a00:1", "64:ff9b:1::1",
        "2002:c0a8:0101::1", "2001:db8::1", "2001::1", "100::1", "::10.0.0.1",
        "not-an-address", "example.com", "",
    ]
    static let allowed = [
        "8.8.8.8", "1.1.1.1", "172.32.0.1", "172.15.255.255", "100.128.0.1", "192.169.0.1", "11.0.0.1",
        "2606:4700:4700::1111", "2a00:1450:4001::1", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:0808:0808::1",
    ]

    @Test(arguments: refused)
    func specialAddressesAreRefused(address: String) {
        #expect(AddressPolicy().refusal(forAddress: address) != nil)
        #expect(throws: NetError(.forbiddenAddress, "")) { try AddressPolicy().check(address: address) }
    }

    @Test(arguments: allowed)
    func publicAddressesAreAllowed(address: String) {
        #expect(AddressPolicy().refusal(forAddress: address) == nil)
    }

    @Test(arguments: ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "::ffff:127.0.0.1"])
    func loopbackIsAllowedOnlyWhenAsked(address: String) {
        #expect(AddressPolicy(allowLoopback: false).refusal(forAddress: address) != nil)
        #expect(AddressPolicy(allowLoopback: true).refusal(forAddress: address) == nil)
    }

    @Test(arguments: ["10.0.0.1", "192.168.1.1", "169.254.169.254", "fd00::1"])
    func allowingLoopbackDoesNotAllowPrivateAddresses(address: String) {
        #expect(AddressPolicy(allowLoopback: true).refusal(forAddress: address) != nil)
    }

    static let strict = GuardedHTTPConfiguration()
    static let loopback = GuardedHTTPConfiguration(allowHTTPLoopback: true)

    @Test(arguments: [
        "http://plc.directory/did:plc:x", "http://example.com", "ftp://example.com/x", "https://user:pw@example.com/",
        "https://10.1.2.3/", "https://[fe80::1]/", "https://169.254.169.254/latest", "http://127.0.0.1:8080/",
        "http://localhost:8080/", "https://127.0.0.1/", "relative/path", "https://",
    ])
    func onlyHTTPSToPublicHostsIsAllowedByDefault(url: String) {
        #expect(throws: NetError.self) { try GuardedURL(url, configuration: Self.strict) }
    }

    @Test(arguments: ["https://plc.directory", "https://plc.directory/did:plc:abc", "https://example.com:8443/.well-known/did.json", "https://8.8.8.8/"])
    func httpsURLsToPublicHostsAreAllowed(url: String) throws {
        let parsed = try GuardedURL(url, configuration: Self.strict)
        #expect(parsed.scheme == "https")
    }

    @Test func httpIsAllowedOnlyToLoopbackAndOnlyWhenAsked() throws {
        #expect(try GuardedURL("http://127.0.0.1:8080/x", configuration: Self.loopback).rateLimitKey == "127.0.0.1:8080")
        #expect(try GuardedURL("http://localhost:8080/x", configuration: Self.loopback).host == "localhost")
        #expect(try GuardedURL("http://[::1]:8080/x", configuration: Self.loopback).host == "::1")
        #expect(throws: NetError(.forbiddenAddress, "")) { try GuardedURL("http://example.com/", configuration: Self.loopback) }
        #expect(throws: NetError(.forbiddenAddress, "")) { try GuardedURL("http://10.0.0.1/", configuration: Self.loopback) }
    }
}
