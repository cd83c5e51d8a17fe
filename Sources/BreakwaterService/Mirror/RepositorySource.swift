package import FirehoseIngest
package import FirehoseSync
package import ATIdentity
package import BreakwaterNet
import Foundation
package import Logging

/// Where `mirror import` and `mirror add` read a repository from: a CAR file, streamed, or a `getRepo` download.
package enum RepositorySource {
    /// The CAR file at `path`, streamed block by block. Throws `unreadable-file`, or `malformed-car` for a file
    /// that is not a CAR.
    package static func file(_ path: String) throws -> CARFileStream {
        do {
            return try CARFileStream(path: path)
        } catch {
            throw ServiceError(FileManager.default.isReadableFile(atPath: path) ? "malformed-car" : "unreadable-file", "\(path): \(error)")
        }
    }

    /// `did`'s repository fetched with `getRepo` from `relay` (following its redirect), else from the PDS `pds`
    /// names, within `configuration`. Throws the fetch's code, or `malformed-car` when the download is not a CAR.
    package static func download(did: String, relay: String, pds: (any IdentityDirectory)?, configuration: RepoFetchConfiguration,
                                 logger: Logger) async throws -> CARBytesStream {
        let fetcher = HTTPRepoFetcher(relay: relay, pds: pds, configuration: configuration, logger: logger)
        let bytes: [UInt8]
        do {
            bytes = try await fetcher.fetchRepository(did: did)
        } catch let error as IngestError {
            await fetcher.shutdown()
            throw ServiceError(error.code.description, error.reason)
        }
        await fetcher.shutdown()
        do {
            return try CARBytesStream(bytes: bytes)
        } catch {
            throw ServiceError("malformed-car", "getRepo for \(did): \(error)")
        }
    }
}
