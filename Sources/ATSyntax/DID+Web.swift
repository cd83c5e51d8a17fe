/// did:web specifics: hostname-level DIDs only (Docs/SPEC.md §11).
extension DID {
    /// The host a `did:web` names, for `https://<host>/.well-known/did.json`: the identifier with `%3A`
    /// decoded to `:`, lowercase. Nil when this is not a did:web, when it has a path (a further `:`),
    /// when the host is not a valid hostname, when a port is given for a host other than `localhost`,
    /// or when the TLD is one that must not be used (`.local`, `.onion`, …; `localhost` itself is
    /// allowed for development).
    ///
    /// Spec: https://atproto.com/specs/did#blessed-did-methods
    public var webHost: String? {
        guard isWeb else { return nil }
        let identifier = String(identifier)
        if identifier.contains(":") { return nil }  // paths are not supported
        var host = identifier
        var port: Substring?
        let bytes = Array(identifier.utf8)
        if let percent = bytes.firstIndex(of: UInt8(ascii: "%")), percent + 2 < bytes.count,
           bytes[percent + 1] == UInt8(ascii: "3"), ASCII.lowercased(bytes[percent + 2]) == UInt8(ascii: "a") {
            host = String(decoding: bytes[..<percent], as: UTF8.self)
            port = Substring(String(decoding: bytes[(percent + 3)...], as: UTF8.self))
        }
        if host.contains("%") { return nil }
        let lower = host.lowercased()
        if let port {
            guard lower == "localhost", !port.isEmpty, port.count <= 5,
                  port.utf8.allSatisfy(ASCII.isDigit) else { return nil }
            return lower + ":" + port
        }
        if lower == "localhost" { return lower }
        guard let handle = try? Handle(lower), !handle.hasDisallowedTLD else { return nil }
        return handle.description
    }
}
