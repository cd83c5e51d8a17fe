import FirehoseIngest
import FirehoseStore
import Foundation
import Logging

/// The signing-key source of `consume` and how to release it.
struct KeySource {
    let provider: any KeyProvider
    let shutdown: @Sendable () async -> Void
}

/// Builds the signing-key source of `consume` (SPEC.md §11): the keys of `--identities` first (no look-ups for
/// those DIDs), then the identity cache (in memory and in the database: did:plc entries resolved through this same
/// directory only), then the PLC directory at `plc` and
/// did:web hosts over https. Plain http is allowed only when `plc` itself is a loopback address (e.g. the PLC
/// directory of `breakwater serve`).
func makeKeySource(plc: URL?, identities: String?, store: SQLiteStateStore, logger: Logger,
                   metrics: IngestMetrics = IngestMetrics()) throws -> KeySource {
    guard let plc else {
        let provider: any KeyProvider = try identities.map { try IdentityLoading.staticKeys(path: $0, required: true) }
            ?? StaticKeyProvider(keys: [:])
        return KeySource(provider: provider, shutdown: {})
    }
    let loopback = isLoopbackDirectory(plc)
    do {
        let resolving = try FirehoseIngest.makeKeyProvider(
            plc: plc.absoluteString, identities: identities, store: store.identities.cache(directory: plc.absoluteString),
            allowHTTPLoopback: loopback, logger: logger, metrics: metrics)
        return KeySource(provider: resolving, shutdown: { await resolving.shutdown() })
    } catch {
        throw OperationalError("invalid-identity-source", "\(error)")
    }
}

/// Builds the source of `identities.json` entries for `record` and `consume --record`: entries copied from
/// `--identities`, then documents resolved from the PLC directory at `plc` (or did:web), written in the short
/// form. Call `shutdown` when done.
func makeRecordingIdentitySource(plc: URL?, identities: String?, logger: Logger) throws
    -> (source: (any RecordingIdentitySource)?, shutdown: @Sendable () async -> Void) {
    var file: IdentitiesFileSource? = nil
    if let identities {
        do {
            file = try IdentitiesFileSource(path: identities)
        } catch let error as IngestError {
            throw OperationalError("invalid-identities", error.reason)
        }
    }
    guard let plc else { return (file, {}) }
    let loopback = isLoopbackDirectory(plc)
    var configuration = IdentityHTTPConfiguration(allowHTTPLoopback: loopback)
    configuration.addressPolicy = AddressPolicy(allowLoopback: loopback)
    let http = IdentityHTTPClient(configuration: configuration, logger: logger)
    let resolver = NetworkIdentityResolver(plcDirectory: plc.absoluteString, http: http,
                                           now: { Int64(Date().timeIntervalSince1970 * 1_000_000) })
    return (ResolverIdentitySource(resolver: resolver, file: file), { await http.shutdown() })
}

/// True when the PLC directory is on this machine (e.g. `breakwater serve`), the only case where plain http
/// and loopback addresses are allowed for identity look-ups.
func isLoopbackDirectory(_ plc: URL) -> Bool {
    ["127.0.0.1", "localhost", "::1", "[::1]"].contains(plc.host ?? "")
}
