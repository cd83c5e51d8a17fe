import BreakwaterNet
import ATCrypto
import ArgumentParser
import BreakwaterService
import FirehoseIngest
import FirehoseStore
import FirehoseSync
import Foundation
import IPLD
import Logging

/// `breakwater mirror import DID FILE.car`: verify a repository CAR offline and make it the mirror's content.
struct MirrorImport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Verify a repository CAR and store it as the mirror of DID (offline).",
        discussion: """
            Checks every block hash, the commit (did = DID, signature with the account key), every tree node, \
            the tree rebuilt to the commit's root, and that every record is present; extra blocks are reported. \
            Existing records are reconciled (created, updated, deleted). The key comes from --key, else \
            --identities, else the DID document (resolved through the PLC directory of --plc for did:plc, over \
            https for did:web). \
            Log lines (look-ups, retries) follow BREAKWATER_LOG_FORMAT (text, json) and BREAKWATER_LOG_LEVEL.
            """
    )

    @Argument(help: "The account DID.")
    var did: String

    @Argument(help: "The repository CAR (a getRepo export).")
    var file: String

    @Option(help: ArgumentHelp("The account's signing key.", valueName: "did:key:…"))
    var key: String?

    @Option(help: ArgumentHelp("Identities file holding the account's key. Env: BREAKWATER_IDENTITIES.", valueName: "file"))
    var identities: String?

    @Option(name: .customLong("collections"), parsing: .singleValue,
            help: ArgumentHelp("Keep only these collections (NSID or prefix.*; repeatable). Default: the mirror's, else all.",
                               valueName: "nsid"))
    var collections: [String] = []

    @Flag(help: "Then fetch the blobs the stored records refer to (getBlob), as `mirror blobs` does.")
    var blobs = false

    @OptionGroup var blobOptions: BlobOptions

    @OptionGroup var database: DatabaseOption

    func validate() throws {
        _ = try MirrorSupport.did(did)
        _ = try MirrorSupport.filter(collections)
    }

    func run() async throws {
        let stream = try RepositorySource.file(file)
        let store = try database.openWritable()
        // --plc belongs to the blob options: the same directory gives the key here and the PDS for --blobs.
        let publicKey = try await MirrorSupport.signingKey(
            did: did, key: key, identities: EnvironmentOption.value(identities, env: "BREAKWATER_IDENTITIES"), resolver: nil,
            plc: { try EnvironmentOption.plcURL(blobOptions.plc) }, store: store)
        let filter = try MirrorSupport.filter(collections)
        let report = try MirrorAddition.importRepository(did: did, blocks: stream, key: publicKey, filter: filter, in: store.mirrors)
        CLISupport.printOutput(MirrorJSON.importReport(report))
        if report.extraBlocks > 0 {
            FileHandle.standardError.write(Data("warning: the CAR holds \(report.extraBlocks) block(s) the repository does not reference\n".utf8))
        }
        if let stale = report.stale {
            FileHandle.standardError.write(Data("warning: mirror is stale: \(stale)\n".utf8))
        }
        if blobs {
            try await MirrorBlobSync.fetchAfterImport(did: did, store: store.mirrors, options: blobOptions, databasePath: database.path)
        }
    }
}

/// `breakwater mirror add DID`: register a mirror and fill it from `getRepo` (or a CAR file given with `--car`).
struct MirrorAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Mirror DID: fetch its repository (getRepo), verify it and store it.",
        discussion: """
            The repository is fetched with com.atproto.sync.getRepo from the relay (following its redirect to the \
            PDS), else from the PDS named in the DID document; then every block, the commit signature (current \
            key), every tree node and the tree rebuilt to the commit's data are verified before the records (all, \
            or the chosen collections) are stored. `consume` keeps the mirror current afterwards. \
            Log lines (look-ups, retries) follow BREAKWATER_LOG_FORMAT (text, json) and BREAKWATER_LOG_LEVEL.
            """
    )

    @Argument(help: "The account DID.")
    var did: String

    @Option(name: .customLong("collections"), parsing: .singleValue,
            help: ArgumentHelp("Keep only these collections (NSID or prefix.*; repeatable).", valueName: "nsid"))
    var collections: [String] = []

    @Option(help: ArgumentHelp("Import this repository CAR instead of fetching it. Env: BREAKWATER_CAR.", valueName: "file"))
    var car: String?

    @Option(help: ArgumentHelp("The account's signing key.", valueName: "did:key:…"))
    var key: String?

    @Option(help: ArgumentHelp("Identities file holding the account's key. Env: BREAKWATER_IDENTITIES.", valueName: "file"))
    var identities: String?

    @Option(help: ArgumentHelp("Seconds the getRepo download may take in all.", valueName: "seconds"))
    var timeout: Double = 120

    @Option(help: ArgumentHelp("Largest repository fetched, in MB.", valueName: "mb"))
    var maxMb: Int = 256

    @OptionGroup var network: MirrorNetworkOptions

    @Flag(help: "Then fetch the blobs the stored records refer to (getBlob from the PDS), as `mirror blobs` does.")
    var blobs = false

    @Option(name: .customLong("blobs-dir"),
            help: ArgumentHelp("Blob folder with --blobs; default: blobs/ beside the database. Env: BREAKWATER_BLOBS_DIR.", valueName: "dir"))
    var blobsDir: String?

    @OptionGroup var database: DatabaseOption

    func validate() throws {
        _ = try MirrorSupport.did(did)
        _ = try MirrorSupport.filter(collections)
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
        guard maxMb >= 1 else { throw ValidationError("--max-mb must be at least 1") }
    }

    func run() async throws {
        let filter = try MirrorSupport.filter(collections) ?? .all
        let identitiesPath = EnvironmentOption.value(identities, env: "BREAKWATER_IDENTITIES")
        let store = try database.openWritable()
        let logger = LoggingSetup.logger("breakwater.mirror")
        let source: MirrorAddition.Source
        if let car = EnvironmentOption.value(car, env: "BREAKWATER_CAR") {
            source = .file(car)
        } else {
            let plc = try network.plcURL()
            source = .download(relay: network.relayText, configuration: RepoFetchConfiguration(
                totalTimeout: .milliseconds(Int64(timeout * 1000)), maxBytes: maxMb << 20, allowHTTPLoopback: IdentityWiring.isLoopbackDirectory(plc)))
        }
        let report = try await MirrorAddition.add(did: did, from: source, key: key, identities: identitiesPath, filter: filter,
                                                  store: store.mirrors, logger: logger) { identities in
            let keys = try IdentityWiring.keySource(plc: try network.plcURL(), identities: identities,
                                                    cache: { store.identities(directory: $0) }, logger: logger)
            return ConsumeService.KeySource(provider: keys.provider, shutdown: keys.shutdown)
        }
        CLISupport.printOutput(MirrorJSON.importReport(report))
        if let stale = report.stale {
            FileHandle.standardError.write(Data("warning: mirror is stale: \(stale)\n".utf8))
        }
        if blobs {
            // The PDS comes from the DID document (resolved through --plc), as for `mirror blobs`.
            var arguments: [String] = []
            if let blobsDir { arguments += ["--blobs-dir", blobsDir] }
            if let plc = network.plc { arguments += ["--plc", plc] }
            try await MirrorBlobSync.fetchAfterImport(did: did, store: store.mirrors, options: try BlobOptions.parse(arguments),
                                                      databasePath: database.path)
        }
    }
}

/// `breakwater mirror remove DID`.
struct MirrorRemove: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Stop mirroring DID and delete its records.")

    @Argument(help: "The account DID.")
    var did: String

    @OptionGroup var database: DatabaseOption

    func run() throws {
        let store = try database.openWritable()
        guard try store.mirrors.remove(did: did) else {
            throw OperationalError("mirror-not-found", "\(did) is not mirrored")
        }
        CLISupport.printOutput("removed \(did)")
    }
}

/// `breakwater mirror list`: a table by default, `--json` for machines.
struct MirrorList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List mirrors (a table; --json for one JSON array).")

    @Flag(help: "Print one JSON array (times in RFC 3339) instead of the table.")
    var json = false

    @OptionGroup var database: DatabaseOption

    func run() throws {
        let store = try database.openReadOnly()
        let mirrors = try store.mirrors.all()
        if json {
            CLISupport.printOutput(JSONOutput.string(mirrors.map(MirrorListOutput.object), pretty: true))
        } else {
            CLISupport.printOutput(MirrorListOutput.table(mirrors))
        }
    }
}
