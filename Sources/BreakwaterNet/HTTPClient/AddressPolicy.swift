import Foundation

/// Which IP addresses identity look-ups may connect to: the SSRF guard of Docs/SPEC.md §11 ("no private
/// IPs, and check redirects").
///
/// Refused: private ranges (RFC 1918, IPv6 unique-local), loopback (unless ``allowLoopback``),
/// link-local, unspecified, carrier-grade NAT, multicast, broadcast, reserved, documentation and
/// benchmarking ranges, and IPv6 forms that embed such an IPv4 address (IPv4-mapped, NAT64, 6to4) or
/// tunnel to one (Teredo and the rest of `2001::/23`). The check is applied to the address actually
/// connected to (after DNS, on every connection, so redirects and DNS rebinding are covered) and, up
/// front, to URLs whose host is an IP literal.
public struct AddressPolicy: Hashable, Sendable {
    /// Whether loopback addresses (`127.0.0.0/8`, `::1`) are allowed (local tests and development).
    public var allowLoopback: Bool

    /// A policy; loopback is refused unless `allowLoopback`.
    public init(allowLoopback: Bool = false) {
        self.allowLoopback = allowLoopback
    }

    /// Why the address `text` (dotted IPv4 or IPv6, with an optional `%zone`) may not be connected
    /// to; nil when it may. Text that is not an IP address is refused.
    public func refusal(forAddress text: String) -> String? {
        var text = Substring(text)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        if let percent = text.firstIndex(of: "%") { text = text[..<percent] }
        let kind: AddressKind?
        if let v4 = AddressPolicy.ipv4Bytes(String(text)) {
            kind = AddressPolicy.classify(v4: v4)
        } else if let v6 = AddressPolicy.ipv6Bytes(String(text)) {
            kind = AddressPolicy.classify(v6: v6)
        } else {
            return "\"\(text)\" is not an IP address"
        }
        guard let kind else { return nil }
        if kind == .loopback && allowLoopback { return nil }
        return "\(text) is a \(kind.rawValue) address"
    }

    /// Throws `forbidden-address` unless `text` may be connected to.
    public func check(address text: String) throws(NetError) {
        if let refusal = refusal(forAddress: text) { throw NetError(.forbiddenAddress, refusal) }
    }

    /// The kinds of special-purpose address that are refused.
    enum AddressKind: String {
        case loopback, `private` = "private", linkLocal = "link-local", unspecified, sharedAddressSpace = "shared (CGNAT)"
        case multicast, broadcast, reserved, documentation, benchmarking, protocolAssignment = "protocol-assignment"
        case discardOnly = "discard-only"
    }

    // Plain byte buffers rather than `in_addr`/`in6_addr`: with NIO in the same module, the C types can be
    // attributed to NIO's shim module and their initialisers become unavailable under MemberImportVisibility.
    static func ipv4Bytes(_ text: String) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: 4)
        guard bytes.withUnsafeMutableBytes({ inet_pton(AF_INET, text, $0.baseAddress) }) == 1 else { return nil }
        return bytes
    }

    static func ipv6Bytes(_ text: String) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: 16)
        guard bytes.withUnsafeMutableBytes({ inet_pton(AF_INET6, text, $0.baseAddress) }) == 1 else { return nil }
        return bytes
    }

    /// The special kind of an IPv4 address (4 bytes), or nil for a public unicast address.
    static func classify(v4 b: [UInt8]) -> AddressKind? {
        guard b.count == 4 else { return .reserved }
        switch (b[0], b[1], b[2]) {
        case (0, _, _): return .unspecified  // 0.0.0.0/8 "this network"
        case (10, _, _): return .private
        case (100, 64...127, _): return .sharedAddressSpace
        case (127, _, _): return .loopback
        case (169, 254, _): return .linkLocal
        case (172, 16...31, _): return .private
        case (192, 0, 0): return .protocolAssignment
        case (192, 0, 2), (198, 51, 100), (203, 0, 113): return .documentation
        case (192, 88, 99): return .reserved  // deprecated 6to4 relay anycast
        case (192, 168, _): return .private
        case (198, 18...19, _): return .benchmarking
        case (224...239, _, _): return .multicast
        case (240...255, _, _): return b == [255, 255, 255, 255] ? .broadcast : .reserved
        default: return nil
        }
    }

    /// The special kind of an IPv6 address (16 bytes), or nil for a public unicast address. Forms
    /// that carry an IPv4 address are judged by it.
    static func classify(v6 b: [UInt8]) -> AddressKind? {
        guard b.count == 16 else { return .reserved }
        let prefix10Zero = b[0..<10].allSatisfy { $0 == 0 }
        if prefix10Zero && b[10] == 0xFF && b[11] == 0xFF { return classify(v4: Array(b[12..<16])) }  // ::ffff:a.b.c.d
        if b[0..<15].allSatisfy({ $0 == 0 }) {
            return b[15] == 1 ? .loopback : (b[15] == 0 ? .unspecified : .reserved)
        }
        if prefix10Zero && b[10] == 0 && b[11] == 0 { return .reserved }  // ::a.b.c.d (deprecated IPv4-compatible)
        if b[0] == 0x00, b[1] == 0x64, b[2] == 0xFF, b[3] == 0x9B {  // 64:ff9b::/96 NAT64, 64:ff9b:1::/48 local
            if b[4..<12].allSatisfy({ $0 == 0 }) { return classify(v4: Array(b[12..<16])) }
            return .private
        }
        if b[0] == 0x01, b[1] == 0x00, b[2..<8].allSatisfy({ $0 == 0 }) { return .discardOnly }  // 100::/64
        if b[0] == 0x20, b[1] == 0x01 {
            if b[2] == 0x0D, b[3] == 0xB8 { return .documentation }  // 2001:db8::/32
            if b[2] < 0x02 { return .protocolAssignment }  // 2001::/23 (Teredo, ORCHID, benchmarking, …)
        }
        if b[0] == 0x20, b[1] == 0x02 { return classify(v4: Array(b[2..<6])) }  // 2002::/16 6to4
        if b[0] == 0x3F, b[1] == 0xFF, b[2] & 0xF0 == 0 { return .documentation }  // 3fff::/20
        if b[0] & 0xFE == 0xFC { return .private }  // fc00::/7 unique local
        if b[0] == 0xFE, b[1] & 0xC0 == 0x80 { return .linkLocal }  // fe80::/10
        if b[0] == 0xFE, b[1] & 0xC0 == 0xC0 { return .private }  // fec0::/10 site-local (deprecated)
        if b[0] == 0xFF { return .multicast }
        return nil
    }
}
