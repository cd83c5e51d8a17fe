package import FirehoseIngest
import FirehoseStore
import BreakwaterNet
package import FirehoseSync
import ATSyntax
import ATIdentity
import Foundation
package import Logging

/// Fetching a mirror's missing blobs (`mirror blobs`, and `mirror add --blobs` and `mirror import --blobs` after a
/// successful import): each checked against its CID and written atomically under the blob folder.
package struct MirrorBlobFetch {
    /// The blob folder.
    package let blobStore: BlobStore

    /// The blob folder when none is given: `blobs/` beside a SQLite database, `blobs/` in the working folder for a
    /// PostgreSQL one.
    package static func defaultBlobStore(database: String) -> BlobStore {
        if (try? StoreAddress(parsing: database))?.isPostgres == true { return BlobStore(root: "blobs") }
        return BlobStore.beside(database: database)
    }
    /// The PDS given on the command line, if any.
    package let explicitPDS: String?
    /// The PLC directory that resolves the DID document naming the PDS, when none was given.
    package let plcDirectory: String
    /// The largest blob fetched, in bytes.
    package let maxBlobBytes: Int
    /// How long one blob may take.
    package let timeout: Duration

    /// A fetch into `blobStore`.
    package init(blobStore: BlobStore, explicitPDS: String?, plcDirectory: String, maxBlobBytes: Int, timeout: Duration) {
        self.blobStore = blobStore
        self.explicitPDS = explicitPDS
        self.plcDirectory = plcDirectory
        self.maxBlobBytes = maxBlobBytes
        self.timeout = timeout
    }

    /// Finds every blob the stored records of `did` refer to (``MirrorStorePort/blobReferences(did:)``)
    /// and fetches those missing from ``blobStore`` with ``BlobFetcher/fetchMissing(did:references:pds:store:)``.
    ///
    /// The PDS is ``explicitPDS``, else the `#atproto_pds` of the DID document resolved from the PLC
    /// directory (or did:web). Plain http and loopback addresses are allowed only when that PDS was given
    /// on the command line as a loopback URL, or the PLC directory itself is on loopback (the rule `consume`
    /// applies to its PLC directory). Per-blob failures are in the report; store errors and an unresolvable
    /// PDS throw (``FirehoseStore/StoreError``, ``ServiceError``).
    package func fetchMissing(did: String, store: any MirrorStorePort, logger: Logger) async throws -> BlobFetchReport {
        let references = try store.blobReferences(did: did)
        guard references.contains(where: { !blobStore.contains($0.cid) }) else {
            var report = BlobFetchReport(referenced: references.count)
            report.present = references.count
            return report
        }
        let pds: String
        let allowLoopback: Bool
        if let explicit = explicitPDS {
            pds = explicit
            allowLoopback = BlobFetcher.Configuration.isLoopback(explicit)
        } else {
            let plc = plcDirectory
            let loopbackPLC = BlobFetcher.Configuration.isLoopback(plc)
            pds = try await Self.resolvePDS(did: did, plc: plc, allowLoopback: loopbackPLC, logger: logger)
            allowLoopback = loopbackPLC
        }
        let configuration = BlobFetcher.Configuration(maxBlobBytes: maxBlobBytes, timeout: timeout,
                                                      allowHTTPLoopback: allowLoopback)
        let fetcher = BlobFetcher(configuration: configuration, logger: logger)
        let report = await blobStore.fetchMissing(did: did, references: references, pds: pds, from: fetcher)
        await fetcher.shutdown()
        return report
    }

    /// The `#atproto_pds` endpoint of `did`'s document.
    package static func resolvePDS(did: String, plc: String, allowLoopback: Bool, logger: Logger) async throws -> String {
        guard let parsed = try? DID(did) else { throw ServiceError("invalid-did", "\(did) is not a DID") }
        let http = GuardedHTTPClient(configuration: GuardedHTTPConfiguration(allowHTTPLoopback: allowLoopback), logger: logger)
        let resolver = NetworkIdentityResolver(plcDirectory: plc, http: http, now: { WallClock.nowMicros() })
        let resolved: ResolvedIdentity
        do {
            resolved = try await resolver.resolve(parsed)
        } catch {
            await http.shutdown()
            throw ServiceError("identity-unavailable", "resolving the PDS of \(did): \(error)")
        }
        await http.shutdown()
        guard let endpoint = resolved.pds else {
            throw ServiceError("identity-unavailable", "the DID document of \(did) names no #atproto_pds; pass --pds")
        }
        return endpoint.description
    }

    /// The error a fetch with failed blobs ends with: the first failure's code, with how many failed; nil when every
    /// blob was stored.
    package static func failure(of report: BlobFetchReport) -> ServiceError? {
        guard let first = report.failures.first else { return nil }
        return ServiceError(first.error.codeName,
                            "\(report.failures.count) of \(report.referenced) blob(s) not stored; first: \(first.error.reason)")
    }
}
