package import FirehoseSync
import Foundation

/// The mirrors a pipeline run keeps current (`--mirror` of `replay` and `consume`).
package enum MirrorRegistration {
    /// Registers the accounts `dids` not yet mirrored, keeping `filter`'s collections (an account already mirrored
    /// keeps its own, with a warning on stderr when they differ), then returns every mirror's filter. A mirror added
    /// here has no head: `consume` backfills it with `getRepo` (a resync); `replay` has no network, so it follows the
    /// stream from a commit that starts the repository, and otherwise needs `mirror import`.
    package static func register(_ dids: [String], filter: MirrorFilter, in store: any MirrorStorePort) throws -> [String: MirrorFilter] {
        for did in dids {
            if try !store.register(did: did, filter: filter), let existing = try store.mirror(did: did), existing.filter != filter {
                FileHandle.standardError.write(Data("warning: \(did) is already mirrored with collections \(existing.filter); keeping them\n".utf8))
            }
        }
        return try store.filters()
    }
}
