import ArgumentParser
import ATCrypto
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
    var path: String {
        if let db, !db.isEmpty { return db }
        if let env = ProcessInfo.processInfo.environment["BREAKWATER_DB"], !env.isEmpty { return env }
        return "./breakwater.sqlite"
    }

    func open() throws -> SQLiteStateStore { try openStore(path) }
}

/// Where `mirror add` reaches the network: the relay whose `getRepo` is tried first and the PLC directory that
/// gives signing keys and PDS endpoints.
struct MirrorNetworkOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Relay asked for getRepo first (default https://bsky.network). Env: BREAKWATER_RELAY.", valueName: "url"))
    var relay: String?

    @Option(help: ArgumentHelp("PLC directory (default https://plc.directory). Env: BREAKWATER_PLC.", valueName: "url"))
    var plc: String?

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The relay URL (option, environment, default).
    var relayText: String { relay ?? environment["BREAKWATER_RELAY"] ?? "https://bsky.network" }

    /// The PLC directory URL.
    func plcURL() throws -> URL {
        let text = plc ?? environment["BREAKWATER_PLC"] ?? "https://plc.directory"
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme) else {
            throw OperationalError("invalid-url", "--plc must be an http(s) URL, not '\(text)'")
        }
        return url
    }
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

    /// The signing key of `did`: `--key`, else the identities file, else `resolver` (PLC / did:web).
    static func signingKey(did: String, key: String?, identities: String?, resolver: (any KeyProvider)? = nil) async throws -> PublicKey {
        if let key {
            do { return try PublicKey(didKey: key) } catch {
                throw OperationalError("invalid-key", "\(key): \(error)")
            }
        }
        let provider: any KeyProvider
        if let identities {
            provider = try IdentityLoading.staticKeys(path: identities, required: true)
        } else if let resolver {
            provider = resolver
        } else {
            throw OperationalError("identity-unavailable", "no key for \(did): pass --key or --identities")
        }
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

    /// The import report as JSON.
    static func json(_ report: MirrorImportReport) -> String {
        var object: [String: Any] = [
            "did": report.did, "version": report.version, "rev": report.rev ?? NSNull(), "data": report.data.string,
            "commit": report.commit.string, "signatureChecked": report.signatureChecked,
            "collections": report.filter.isComplete ? ["*"] : report.filter.patterns,
            "records": report.records, "kept": report.kept, "created": report.created, "updated": report.updated,
            "deleted": report.deleted, "blocks": report.blocks, "extraBlocks": report.extraBlocks,
            "accountUpdated": report.accountUpdated, "stale": report.stale ?? NSNull(),
        ]
        if !report.extraBlockSample.isEmpty { object["extraBlockSample"] = report.extraBlockSample.map(\.string) }
        return JSONOutput.string(object, pretty: true)
    }
}
