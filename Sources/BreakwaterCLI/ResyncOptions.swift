import ATIdentity
import BreakwaterNet
import ArgumentParser
import BreakwaterService
import FirehoseIngest
import FirehoseStore
import FirehoseSync
import Foundation
import Logging

/// `consume`'s resync settings (Docs/SPEC.md §7.5): desynchronized accounts and mirrors without a verified head are
/// fetched with `getRepo` from the relay (following its redirect) or the account's PDS.
struct ResyncOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Repositories fetched at once for resyncs and mirror backfills (0: no resync).", valueName: "n"))
    var resyncConcurrency: Int = 4

    @Option(help: ArgumentHelp("Fetch attempts per account before it is left desynchronized.", valueName: "n"))
    var resyncAttempts: Int = 5

    @Option(help: ArgumentHelp("Seconds one getRepo download may take in all.", valueName: "seconds"))
    var resyncTimeout: Double = 120

    @Option(help: ArgumentHelp("Largest repository fetched, in MB.", valueName: "mb"))
    var resyncMaxMb: Int = 256

    func check() throws {
        guard (0...64).contains(resyncConcurrency) else { throw ValidationError("--resync-concurrency must be between 0 and 64") }
        guard resyncAttempts >= 1 else { throw ValidationError("--resync-attempts must be at least 1") }
        guard resyncTimeout > 0 else { throw ValidationError("--resync-timeout must be positive") }
        guard resyncMaxMb >= 1 else { throw ValidationError("--resync-max-mb must be at least 1") }
    }

    /// The fetch limits; `loopback` allows http to loopback hosts (the same switch as the PLC directory's).
    func fetchConfiguration(loopback: Bool) -> RepoFetchConfiguration {
        RepoFetchConfiguration(totalTimeout: .milliseconds(Int64(resyncTimeout * 1000)), maxBytes: resyncMaxMb << 20,
                               allowHTTPLoopback: loopback)
    }

    /// The coordinator of `consume` with the resyncs to resume scheduled (``ResyncWiring/start(relay:fetch:configuration:keys:store:mirrors:logger:metrics:)``).
    /// Nil with `--resync-concurrency 0`.
    func coordinator(relay: String, plc: URL?, keys: any IdentityDirectory, store: OpenedStore,
                     mirrors: [String: MirrorFilter], logger: Logger, metrics: IngestMetrics) throws -> ResyncWiring? {
        guard resyncConcurrency > 0 else { return nil }
        let loopback = plc.map(IdentityWiring.isLoopbackDirectory) ?? false
        return try ResyncWiring.start(
            relay: relay, fetch: fetchConfiguration(loopback: loopback),
            configuration: ResyncConfiguration(concurrency: resyncConcurrency, maxAttempts: resyncAttempts),
            keys: keys, store: store, mirrors: mirrors, logger: logger, metrics: metrics)
    }
}
