public import ATIdentity
public import Foundation
public import Logging

/// Builds the live key provider for `consume`, `record` and `mirror` (SPEC.md §11): static keys from
/// `identities` (a path; nil for none) first, then the identity cache in memory and in `store`, then
/// the PLC directory at `plc` and did:web hosts over one shared HTTP client.
///
/// `allowHTTPLoopback` permits `http://` to loopback hosts and loopback addresses (tests, `serve`);
/// without it only https to public addresses is used. `now` (µs since the epoch) drives cache expiry.
/// Throws when the identities file cannot be read or `plc` is not an allowed URL. Call
/// ``ResolvingKeyProvider/shutdown()`` when done.
public func makeKeyProvider(plc: String, identities: String?, store: (any IdentityCacheStore)?, allowHTTPLoopback: Bool,
                            configuration: IdentityHTTPConfiguration? = nil, policy: IdentityCachePolicy = .standard,
                            logger: Logger = Logger(label: "breakwater.identity"), metrics: IngestMetrics = IngestMetrics(),
                            now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1_000_000) }) throws -> ResolvingKeyProvider {
    let staticKeys = try identities.map { try IdentitiesFile.keyProvider(path: $0, required: true) }
    var settings = configuration ?? IdentityHTTPConfiguration(allowHTTPLoopback: allowHTTPLoopback)
    if configuration == nil {
        settings.allowHTTPLoopback = allowHTTPLoopback
        settings.addressPolicy = AddressPolicy(allowLoopback: allowHTTPLoopback)
    }
    let directory = try IdentityURL(plc, configuration: settings)
    if settings.hostLimits[directory.rateLimitKey] == nil {
        settings.hostLimits[directory.rateLimitKey] = IdentityHTTPConfiguration.plcLimit
    }
    let http = IdentityHTTPClient(configuration: settings, logger: logger)
    let resolver = NetworkIdentityResolver(plcDirectory: plc, http: http, now: now)
    return ResolvingKeyProvider(staticKeys: staticKeys, resolver: resolver, store: store, policy: policy, http: http,
                                metrics: metrics, now: now)
}
