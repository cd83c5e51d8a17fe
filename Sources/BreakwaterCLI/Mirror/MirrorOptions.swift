import ArgumentParser
import BreakwaterService
import FirehoseStore
import FirehoseSync
import Foundation

/// `--mirror DID` (repeatable) and `--mirror-collections` for the commands that run the pipeline (`replay`,
/// `consume`): register mirrors, then load every mirror of the database into the pipeline configuration.
struct MirrorOptions: ParsableArguments {
    @Option(name: .customLong("mirror"), parsing: .singleValue,
            help: ArgumentHelp("Mirror this account (repeatable): its verified commits update the mirror. Env: BREAKWATER_MIRROR (comma-separated).",
                               valueName: "did"))
    var mirrorArguments: [String] = []

    /// `--mirror`, else `BREAKWATER_MIRROR` (comma-separated DIDs).
    var mirrors: [String] {
        if !mirrorArguments.isEmpty { return mirrorArguments }
        let env = ProcessInfo.processInfo.environment["BREAKWATER_MIRROR"] ?? ""
        return env.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    @Option(name: .customLong("mirror-collections"), parsing: .singleValue,
            help: ArgumentHelp("Collections that mirrors added with --mirror keep (NSID or prefix.*; repeatable). Default: all.",
                               valueName: "nsid"))
    var collections: [String] = []

    func validate() throws {
        for did in mirrors { _ = try MirrorSupport.did(did) }
        _ = try MirrorSupport.filter(collections)
        if !collections.isEmpty && mirrors.isEmpty { throw UsageError("--mirror-collections needs --mirror") }
    }

    /// Registers the `--mirror` accounts not yet mirrored, then returns every mirror's filter. A mirror added
    /// here has no head: `consume` backfills it with `getRepo` (a resync); `replay` has no network, so it
    /// follows the stream from a commit that starts the repository, and otherwise needs `mirror import`.
    func load(into store: OpenedStore) throws -> [String: MirrorFilter] {
        let filter = try MirrorSupport.filter(collections) ?? .all
        return try MirrorRegistration.register(mirrors, filter: filter, in: store.mirrors)
    }
}
