import BreakwaterNet
import ArgumentParser
import ATIdentity
import ATSyntax
import BreakwaterService
import FirehoseIngest
import FirehoseStore
import FirehoseSync
import Foundation
import IPLD
import Logging

/// Where and how blobs are fetched and stored (`mirror blobs`, `mirror import --blobs`).
struct BlobOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The account's PDS (https://host) for getBlob; default: resolved from the DID document. Env: BREAKWATER_PDS.",
                               valueName: "url"))
    var pds: String?

    @Option(help: ArgumentHelp("PLC directory (default https://plc.directory) for the DID document that names the PDS, when --pds is not given. Env: BREAKWATER_PLC.", valueName: "url"))
    var plc: String?

    @Option(name: .customLong("blobs-dir"),
            help: ArgumentHelp("Blob folder (<first two characters of the CID>/<cid>); default: blobs/ beside the database (PostgreSQL: in the working folder). Env: BREAKWATER_BLOBS_DIR.",
                               valueName: "dir"))
    var blobsDir: String?

    @Option(help: ArgumentHelp("Largest blob fetched, in bytes.", valueName: "bytes"))
    var maxBlobBytes: Int = 100 << 20

    @Option(help: ArgumentHelp("Seconds one blob may take.", valueName: "seconds"))
    var blobTimeout: Double = 60

    func validate() throws {
        guard maxBlobBytes > 0 else { throw ValidationError("--max-blob-bytes must be positive") }
        guard blobTimeout > 0 else { throw ValidationError("--blob-timeout must be positive") }
    }

    /// The blob folder: `--blobs-dir`, else `BREAKWATER_BLOBS_DIR`, else `blobs/` beside the database.
    func store(database: String) -> BlobStore {
        EnvironmentOption.value(blobsDir, env: "BREAKWATER_BLOBS_DIR").map { BlobStore(root: $0) } ?? MirrorBlobFetch.defaultBlobStore(database: database)
    }

    /// `--pds`, else `BREAKWATER_PDS`.
    var explicitPDS: String? { EnvironmentOption.value(pds, env: "BREAKWATER_PDS") }

    /// `--plc`, else `BREAKWATER_PLC`, else plc.directory.
    var plcDirectory: String { EnvironmentOption.value(plc, env: "BREAKWATER_PLC", default: PLCResolver.defaultDirectory) }
}

/// `breakwater mirror blobs DID`: fetch the blobs a mirror's records refer to that are not stored yet.
struct MirrorBlobs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blobs",
        abstract: "Fetch the missing blobs of a mirrored account (getBlob), each checked against its CID.",
        discussion: """
            Blob references are found in the mirrored records ({"$type": "blob", "ref": …}). Each missing blob is \
            fetched from the PDS (--pds, else the DID document's), checked against its CID (raw, SHA-256) and \
            written atomically under the blob folder. Prints a JSON summary; exits 1 when any blob failed. \
            Log lines (look-ups, retries) follow BREAKWATER_LOG_FORMAT (text, json) and BREAKWATER_LOG_LEVEL.
            """
    )

    @Argument(help: "The account DID.")
    var did: String

    @OptionGroup var blobs: BlobOptions
    @OptionGroup var database: DatabaseOption

    func validate() throws { _ = try MirrorSupport.did(did) }

    func run() async throws {
        let store = try database.openWritable()
        let report = try await MirrorBlobSync.fetchMissing(did: did, store: store.mirrors, options: blobs, databasePath: database.path,
                                                           logger: LoggingSetup.logger("breakwater.mirror"))
        CLISupport.printOutput(MirrorJSON.blobs(report, did: did))
        if let failure = MirrorBlobFetch.failure(of: report) { throw failure }
    }
}

/// Fetching a mirror's missing blobs with the blob options (``MirrorBlobFetch``): what `mirror blobs` runs, and
/// what `mirror add --blobs` and `mirror import --blobs` call after a successful import.
enum MirrorBlobSync {
    /// After an import: fetches the missing blobs, reports them on stderr, and throws the first failure's code when
    /// any blob could not be stored.
    static func fetchAfterImport(did: String, store: any MirrorStorePort, options: BlobOptions, databasePath: String) async throws {
        let report = try await fetchMissing(did: did, store: store, options: options, databasePath: databasePath,
                                            logger: LoggingSetup.logger("breakwater.mirror"))
        FileHandle.standardError.write(Data("blobs: \(MirrorJSON.blobs(report, did: did))\n".utf8))
        if let failure = MirrorBlobFetch.failure(of: report) { throw failure }
    }

    /// The missing blobs of `did` fetched into the blob folder of `options`.
    static func fetchMissing(did: String, store: any MirrorStorePort, options: BlobOptions, databasePath: String,
                             logger: Logger) async throws -> BlobFetchReport {
        let fetch = MirrorBlobFetch(blobStore: options.store(database: databasePath), explicitPDS: options.explicitPDS,
                                    plcDirectory: options.plcDirectory, maxBlobBytes: options.maxBlobBytes,
                                    timeout: .milliseconds(Int64(options.blobTimeout * 1000)))
        return try await fetch.fetchMissing(did: did, store: store, logger: logger)
    }
}
