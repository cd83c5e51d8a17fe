import ATIdentity
package import BreakwaterNet
package import ATCrypto
import FirehoseIngest
import FirehoseStore
package import FirehoseSync
package import Logging

/// `mirror add` and `mirror import`: a repository verified with its account's key and stored as the mirror's content.
package enum MirrorAddition {
    /// Where `mirror add` takes the repository from.
    package enum Source {
        /// A repository CAR file.
        case file(String)
        /// A `getRepo` download from `relay` (following its redirect), else from the PDS of the DID document.
        case download(relay: String, configuration: RepoFetchConfiguration)
    }

    /// `mirror add`: the repository of `did` from `source`, checked with its signing key (`key`, else the identities
    /// file `identities`, else the DID document) and stored keeping `filter`'s collections. `makeKeySource` builds
    /// the resolver of keys and PDS endpoints (given the identities file to consult first); every source it made is
    /// released before this returns.
    package static func add(did: String, from source: Source, key: String?, identities: String?, filter: MirrorFilter,
                            store: any MirrorStorePort, logger: Logger,
                            makeKeySource: (_ identities: String?) throws -> ConsumeService.KeySource) async throws -> MirrorImportReport {
        let stream: any RepoBlockStream
        var resolver: ConsumeService.KeySource? = nil
        switch source {
        case .file(let path):
            stream = try RepositorySource.file(path)
        case .download(let relay, let configuration):
            let keys = try makeKeySource(identities)
            resolver = keys
            do {
                stream = try await RepositorySource.download(did: did, relay: relay, pds: keys.provider,
                                                             configuration: configuration, logger: logger)
            } catch {
                await keys.shutdown()
                throw error
            }
        }
        let publicKey: PublicKey
        do {
            publicKey = try await MirrorSigningKey.resolve(did: did, key: key, identities: identities, resolver: resolver?.provider,
                                                           makeResolver: { try makeKeySource(nil) })
        } catch {
            await resolver?.shutdown()
            throw error
        }
        await resolver?.shutdown()
        return try importRepository(did: did, blocks: stream, key: publicKey, filter: filter, in: store)
    }

    /// Verifies `blocks` as the repository of `did` signed with `key` and makes it the mirror's content (only
    /// `filter`'s collections; nil: the mirror's, else all). Throws the store's codes.
    package static func importRepository(did: String, blocks: some RepoBlockStream, key: PublicKey, filter: MirrorFilter?,
                              in store: any MirrorStorePort) throws -> MirrorImportReport {
        do {
            return try store.importRepository(did: did, blocks: blocks, key: key, filter: filter)
        } catch let error as StoreError {
            throw ServiceError(error.code.description, error.reason)
        }
    }
}
