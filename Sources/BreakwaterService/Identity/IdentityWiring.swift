package import ATIdentity
package import BreakwaterNet
package import FirehoseIngest
package import FirehoseStore
import FirehoseSync
package import Foundation
package import Logging

/// How the commands obtain signing keys and identity documents: the identities file, the identity cache in the
/// database and the PLC directory (did:web over https), composed over one guarded HTTP client.
package enum IdentityWiring {
    /// Builds the signing-key source of `consume` (Docs/SPEC.md §11): the keys of `--identities` first (no look-ups for
    /// those DIDs), then the identity cache (in memory and in the database: did:plc entries resolved through this same
    /// directory only), then the PLC directory at `plc` and
    /// did:web hosts over https. Plain http is allowed only when `plc` itself is a loopback address (e.g. the PLC
    /// directory of `breakwater serve`).
    package static func keySource(plc: URL?, identities: String?, store: SQLiteStateStore, logger: Logger,
                                      metrics: IngestMetrics = IngestMetrics()) throws -> ConsumeService.KeySource {
        try keySource(plc: plc, identities: identities, cache: { store.identities.cache(directory: $0) }, logger: logger, metrics: metrics)
    }

    /// ``keySource(plc:identities:store:logger:metrics:)`` over any database's identity cache: `cache` gives the cache
    /// as seen through a PLC directory (e.g. ``OpenedStore/identities(directory:)``).
    package static func keySource(plc: URL?, identities: String?, cache: (String) -> any IdentityCacheStore, logger: Logger,
                                  metrics: IngestMetrics = IngestMetrics()) throws -> ConsumeService.KeySource {
        guard let plc else {
            let provider: any IdentityDirectory = try identities.map { try IdentitiesFileLoader.load(path: $0, required: true) }
                ?? StaticIdentityDirectory(keys: [:])
            return ConsumeService.KeySource(provider: provider, shutdown: {})
        }
        let loopback = isLoopbackDirectory(plc)
        do {
            let resolving = try directory(
                plc: plc.absoluteString, identities: identities, store: cache(plc.absoluteString),
                allowHTTPLoopback: loopback, logger: logger, metrics: metrics)
            return ConsumeService.KeySource(provider: resolving, shutdown: { await resolving.shutdown() })
        } catch let error as ATIdentityError where error.code == .invalidIdentitiesFile {
            throw ServiceError("invalid-identity-source", error.reason)
        } catch {
            throw ServiceError("invalid-identity-source", "\(error)")
        }
    }

    /// Builds the source of `identities.json` entries for `record` and `consume --record`: entries copied from
    /// `--identities`, then documents resolved from the PLC directory at `plc` (or did:web), written in the short
    /// form. Call `shutdown` when done.
    package static func recordingIdentitySource(plc: URL?, identities: String?, logger: Logger) throws
        -> (source: (any RecordingIdentitySource)?, shutdown: @Sendable () async -> Void) {
        var file: IdentitiesFileSource? = nil
        if let identities {
            do {
                file = try IdentitiesFileSource(path: identities)
            } catch let error as IngestError {
                throw ServiceError("invalid-identities", error.reason)
            }
        }
        guard let plc else { return (file, {}) }
        let loopback = isLoopbackDirectory(plc)
        var configuration = GuardedHTTPConfiguration(allowHTTPLoopback: loopback)
        configuration.addressPolicy = AddressPolicy(allowLoopback: loopback)
        let http = GuardedHTTPClient(configuration: configuration, logger: logger)
        let resolver = NetworkIdentityResolver(plcDirectory: plc.absoluteString, http: http,
                                               now: { WallClock.nowMicros() })
        return (ResolverIdentitySource(resolver: resolver, file: file), { await http.shutdown() })
    }

    /// True when the PLC directory is on this machine (e.g. `breakwater serve`), the only case where plain http
    /// and loopback addresses are allowed for identity look-ups.
    package static func isLoopbackDirectory(_ plc: URL) -> Bool {
        ["127.0.0.1", "localhost", "::1", "[::1]"].contains(plc.host ?? "")
    }

    /// Builds the live key provider for `consume`, `record` and `mirror` (Docs/SPEC.md §11): static keys from
    /// `identities` (a path; nil for none) first, then the identity cache in memory and in `store`, then
    /// the PLC directory at `plc` and did:web hosts over one shared HTTP client.
    ///
    /// `allowHTTPLoopback` permits `http://` to loopback hosts and loopback addresses (tests, `serve`);
    /// without it only https to public addresses is used. `now` (µs since the epoch) drives cache expiry.
    /// Throws when the identities file cannot be read or `plc` is not an allowed URL. Call
    /// ``ATIdentity/CachingIdentityDirectory/shutdown()`` when done.
    package static func directory(plc: String, identities: String?, store: (any IdentityCacheStore)?, allowHTTPLoopback: Bool,
                                      configuration: GuardedHTTPConfiguration? = nil, policy: IdentityCachePolicy = .standard,
                                      logger: Logger = Logger(label: "breakwater.identity"), metrics: IngestMetrics = IngestMetrics(),
                                      now: @escaping @Sendable () -> Int64 = { WallClock.nowMicros() }) throws -> CachingIdentityDirectory {
        let staticKeys = try identities.map { try StaticIdentityDirectory(path: $0, required: true) }
        var settings = configuration ?? GuardedHTTPConfiguration(allowHTTPLoopback: allowHTTPLoopback)
        if configuration == nil {
            settings.allowHTTPLoopback = allowHTTPLoopback
            settings.addressPolicy = AddressPolicy(allowLoopback: allowHTTPLoopback)
        }
        let directory = try GuardedURL(plc, configuration: settings)
        if settings.hostLimits[directory.rateLimitKey] == nil {
            settings.hostLimits[directory.rateLimitKey] = GuardedHTTPConfiguration.plcLimit
        }
        let http = GuardedHTTPClient(configuration: settings, logger: logger)
        let resolver = NetworkIdentityResolver(plcDirectory: plc, http: http, now: now)
        return CachingIdentityDirectory(staticKeys: staticKeys, resolver: resolver, store: store, policy: policy,
                                        release: { await http.shutdown() },
                                        onLookup: { metrics.identityCache(hit: $0) }, now: now)
    }
}
