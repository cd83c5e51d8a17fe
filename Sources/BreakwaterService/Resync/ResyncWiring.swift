package import ATIdentity
package import BreakwaterNet
package import FirehoseIngest
package import FirehoseSync
import Foundation
package import Logging

/// A resync coordinator and how to release its HTTP client.
package struct ResyncWiring {
    package let coordinator: ResyncCoordinator
    package let shutdown: @Sendable () async -> Void

    /// The coordinator of `consume`, fetching from `relay` (or the account's PDS) within `fetch`, with the resyncs
    /// to resume scheduled: accounts left desynchronized or resyncing, and mirrors without a verified head or
    /// marked stale. Throws the store's error when it cannot list them.
    package static func start(relay: String, fetch: RepoFetchConfiguration, configuration: ResyncConfiguration,
                      keys: any IdentityDirectory, store: OpenedStore, mirrors: [String: MirrorFilter],
                      logger: Logger, metrics: IngestMetrics) throws -> ResyncWiring {
        let fetcher = HTTPRepoFetcher(relay: relay, pds: keys, configuration: fetch, logger: logger)
        let coordinator = ResyncCoordinator(configuration: configuration, fetcher: fetcher, keys: keys, logger: logger,
                                            metrics: metrics, now: { WallClock.nowMicros() })
        let pending = try store.accountsNeedingResync(limit: configuration.maxPending)
        for did in pending { coordinator.request(did, reason: "left desynchronized by an earlier run") }
        let backfills = try store.mirrors.all().filter { info in
            mirrors[info.did] != nil && (info.data == nil || info.stale != nil)
        }
        for info in backfills {
            coordinator.request(info.did, reason: info.data == nil ? "mirror backfill" : "stale mirror: \(info.stale ?? "")")
        }
        if !pending.isEmpty || !backfills.isEmpty {
            logger.info("resyncs scheduled at start", metadata: ["resync.accounts": "\(pending.count)", "resync.mirrors": "\(backfills.count)"])
        }
        return ResyncWiring(coordinator: coordinator, shutdown: { await fetcher.shutdown() })
    }
}
