import ArgumentParser
import BreakwaterService
import ATCrypto
import ATIdentity
import ATRepo
import ATSyntax
import FirehoseIngest
import FirehoseSync
import Foundation
import IPLD

/// `breakwater inspect car FILE [--verify] [--key did:key:…] [--did DID]`: print a CAR's roots and blocks as
/// JSON, or verify it as a full repository.
///
/// Without `--verify` each block shows its CID, byte offset (of its section), data length, whether its bytes
/// hash to its CID, and for DAG-CBOR blocks the decoded value as atproto JSON (or the decode error).
/// With `--verify`: every block hash, the commit, the whole MST walked (every structural rule) and rebuilt to
/// the commit's `data`, the record count, and the signature when a key is given (Docs/CONTRACT.md §1). Without a key
/// the output says `verified: false` with the reason (signature not checked) instead of claiming success.
struct InspectCAR: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "car",
        abstract: "Print a CAR file's roots and blocks as JSON, or verify it as a full repository (--verify).",
        discussion: "Exits 1 with `error: CODE: message` when the CAR is unreadable or, with --verify, invalid."
    )

    @Argument(help: "The CAR file, or - for standard input.")
    var file: String

    @Flag(help: "Verify the CAR as a full repository: hashes, commit, MST rebuild, record count, signature.")
    var verify = false

    @Option(help: "With --verify: the signing key (did:key:…) the commit must verify with.")
    var key: String?

    @Option(help: "With --verify: the DID the commit must belong to.")
    var did: String?

    @Option(help: ArgumentHelp("With --verify: a DID document; its #atproto key checks the signature and its id the commit's DID. Env: BREAKWATER_DID_DOC (used with --verify when --key is not given).", valueName: "file"))
    var didDoc: String?

    func validate() throws {
        if !verify && (key != nil || did != nil || didDoc != nil) { throw UsageError("--key, --did and --did-doc need --verify") }
        if key != nil && didDoc != nil { throw UsageError("give either --key or --did-doc") }
    }

    /// The DID document file: `--did-doc`, else `BREAKWATER_DID_DOC` when verifying without `--key`.
    var didDocPath: String? {
        guard verify, key == nil else { return nil }
        return EnvironmentOption.value(didDoc, env: "BREAKWATER_DID_DOC")
    }

    /// The key and DID to check against, from the options.
    func expectations() throws -> (key: PublicKey?, keyName: String?, did: String?) {
        if let didDoc = didDocPath {
            let signer = try DIDDocumentSigner(json: CLISupport.readInput(didDoc))
            return (signer.key, signer.key.didKey, did ?? signer.did)
        }
        guard let key else { return (nil, nil, did) }
        do {
            return (try PublicKey(didKey: key), key, did)
        } catch {
            throw OperationalError("\(error.code)", error.reason)
        }
    }

    func run() throws {
        try CLISupport.run {
            let bytes = try CLISupport.readInput(file)
            if verify {
                try verifyRepository(bytes)
            } else {
                try listBlocks(bytes)
            }
        }
    }

    func listBlocks(_ bytes: [UInt8]) throws {
        CLISupport.printJSON(try CARDocument.blocks(bytes))
    }

    func verifyRepository(_ bytes: [UInt8]) throws {
        let expected = try expectations()
        CLISupport.printJSON(try CARDocument.verifiedRepository(bytes, did: expected.did, key: expected.key))
    }
}
