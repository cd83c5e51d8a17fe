import ArgumentParser
import BreakwaterService

/// `breakwater identity …`: the identity cache kept in the database.
struct IdentityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identity",
        abstract: "Manage the identity cache kept in the database.",
        subcommands: [IdentityForget.self]
    )
}

/// `breakwater identity forget DID`: deletes the DID's cached identity (a key or a cached failure), so the next
/// look-up asks the directory again instead of waiting out the cache (24 h for a success, 2 min for a failure).
struct IdentityForget: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Clear one DID's entry of the identity cache in the database (its key or a cached failure).")

    @Argument(help: "The DID to forget.")
    var did: String

    @OptionGroup var database: DatabaseOption

    func validate() throws { _ = try MirrorSupport.did(did) }

    func run() throws {
        let removed = try StoreFactory.existingWritable(database.path).forgetIdentity(did)
        CLISupport.printOutput(removed ? "forgot the cached identity of \(did)" : "\(did) has no cached identity")
    }
}
