import ArgumentParser
import ATCrypto
import BreakwaterService
import FirehoseIngest
import FirehoseStore
import FirehoseSync
import Foundation
import IPLD

/// `breakwater mirror …`: verified full copies of chosen repositories (CONTRACT.md §1).
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
    @Option(help: ArgumentHelp("SQLite database (default ./breakwater.sqlite). Env: BREAKWATER_DB.", valueName: "path"))
    var db: String?

    /// The database path: `--db`, else `BREAKWATER_DB`, else `./breakwater.sqlite`.
    var path: String { EnvironmentOption.value(db, env: "BREAKWATER_DB", default: "./breakwater.sqlite") }

    /// Opens the database for a command that writes it (writer lock held while the store lives).
    func openWritable() throws -> SQLiteStateStore { try DatabaseAccess.writable(path) }

    /// Opens the existing database read-only, for a command that only reads it.
    func openReadOnly() throws -> SQLiteStateStore { try DatabaseAccess.readOnly(path) }
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

    /// The signing key of `did` (CONTRACT.md §1): `key` (`--key`), else the identities file, else the `#atproto` key
    /// of the DID document: from `resolver` when the caller already has one, else resolved here through the PLC
    /// directory `plc()` (did:web over https) the way `consume` resolves (``makeKeySource(plc:identities:store:logger:)``:
    /// the identity cache in `store`, plain http only to a loopback directory).
    static func signingKey(did: String, key: String?, identities: String?, resolver: (any KeyProvider)?,
                           plc: () throws -> URL, store: SQLiteStateStore) async throws -> PublicKey {
        if let key {
            do { return try PublicKey(didKey: key) } catch {
                throw OperationalError("invalid-key", "\(key): \(error)")
            }
        }
        if let identities { return try await signingKey(did: did, from: IdentityLoading.staticKeys(path: identities, required: true)) }
        if let resolver { return try await signingKey(did: did, from: resolver) }
        let source = try makeKeySource(plc: try plc(), identities: nil, store: store, logger: LoggingSetup.logger("breakwater.mirror"))
        do {
            let publicKey = try await signingKey(did: did, from: source.provider)
            await source.shutdown()
            return publicKey
        } catch {
            await source.shutdown()
            throw error
        }
    }

    /// The key `provider` gives for `did`, else `identity-unavailable`.
    private static func signingKey(did: String, from provider: any KeyProvider) async throws -> PublicKey {
        switch await provider.signingKey(for: did, seq: nil, fresh: false) {
        case .key(let publicKey, _): return publicKey
        case .unavailable(let why): throw OperationalError("identity-unavailable", why)
        }
    }

    /// Runs a store operation, mapping store errors to `error: CODE: message`.
    static func store<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw OperationalError(error.code.description, error.reason)
        }
    }
}
