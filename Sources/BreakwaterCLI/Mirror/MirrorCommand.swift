import ATIdentity
import ArgumentParser
import ATCrypto
import BreakwaterService
import FirehoseIngest
import FirehoseStore
import FirehoseSync
import Foundation
import IPLD

/// `breakwater mirror …`: verified full copies of chosen repositories (Docs/CONTRACT.md §1).
struct MirrorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mirror",
        abstract: "Keep verified, queryable copies of chosen repositories.",
        discussion: """
            A mirror holds every record of an account (or of the chosen collections), verified against the \
            account's signed commit. `import` loads a repository CAR; `replay`/`consume` then keep it current \
            from verified commits. A chain break or #sync marks a mirror stale until it is imported again.
            """,
        subcommands: [
            MirrorAdd.self, MirrorRemove.self, MirrorList.self, MirrorImport.self, MirrorExport.self,
            MirrorRecords.self, MirrorGet.self, MirrorBlobs.self,
        ]
    )
}

/// `--db` for the mirror commands.
struct DatabaseOption: ParsableArguments {
    @Option(help: ArgumentHelp("SQLite database path or postgres:// URL (default ./breakwater.sqlite). Env: BREAKWATER_DB.", valueName: "path"))
    var db: String?

    /// The database path: `--db`, else `BREAKWATER_DB`, else `./breakwater.sqlite`.
    var path: String { EnvironmentOption.value(db, env: "BREAKWATER_DB", default: "./breakwater.sqlite") }

    /// Opens the database for a command that writes it (writer lock held while the store lives).
    func openWritable() throws -> OpenedStore { try StoreFactory.writable(path) }

    /// Opens the existing database read-only, for a command that only reads it.
    func openReadOnly() throws -> OpenedStore { try StoreFactory.readOnly(path) }
}

/// Where `mirror add` reaches the network: the relay whose `getRepo` is tried first and the PLC directory that
/// gives signing keys and PDS endpoints.
struct MirrorNetworkOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Relay asked for getRepo first (default https://bsky.network). Env: BREAKWATER_RELAY.", valueName: "url"))
    var relay: String?

    @Option(help: ArgumentHelp("PLC directory (default https://plc.directory). Env: BREAKWATER_PLC.", valueName: "url"))
    var plc: String?

    /// The relay URL (option, environment, default).
    var relayText: String { EnvironmentOption.value(relay, env: "BREAKWATER_RELAY", default: "https://bsky.network") }

    /// The PLC directory URL (option, environment, default).
    func plcURL() throws -> URL { try EnvironmentOption.plcURL(plc) }
}

/// Shared helpers of the mirror commands.
enum MirrorSupport {
    /// Validates a DID argument.
    static func did(_ text: String) throws -> String {
        guard text.hasPrefix("did:"), text.split(separator: ":", omittingEmptySubsequences: false).count >= 3 else {
            throw ValidationError("\(text) is not a DID")
        }
        return text
    }

    /// Parses `--collections` patterns (nil when none were given).
    static func filter(_ patterns: [String]) throws -> MirrorFilter? {
        guard !patterns.isEmpty else { return nil }
        do { return try MirrorFilter(patterns.flatMap { $0.split(separator: ",").map(String.init) }) } catch {
            throw ValidationError(error.reason)
        }
    }

    /// The signing key of `did` (``MirrorSigningKey``); the PLC directory `plc()` resolves it the way `consume`
    /// does (``IdentityWiring/keySource(plc:identities:store:logger:metrics:)``) when neither a key, an identities file nor a
    /// resolver is given.
    static func signingKey(did: String, key: String?, identities: String?, resolver: (any IdentityDirectory)?,
                           plc: @escaping () throws -> URL, store: OpenedStore) async throws -> PublicKey {
        try await MirrorSigningKey.resolve(did: did, key: key, identities: identities, resolver: resolver) {
            let source = try IdentityWiring.keySource(plc: try plc(), identities: nil, cache: { store.identities(directory: $0) },
                                                      logger: LoggingSetup.logger("breakwater.mirror"))
            return ConsumeService.KeySource(provider: source.provider, shutdown: source.shutdown)
        }
    }
}
