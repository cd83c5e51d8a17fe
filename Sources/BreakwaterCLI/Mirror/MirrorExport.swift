import ArgumentParser
import BreakwaterService
import FirehoseStore
import Foundation

/// `breakwater mirror export DID OUT.car`: the mirror as a repository CAR (Docs/SPEC.md §6 block order).
struct MirrorExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the mirror of DID as a repository CAR that re-imports to the same signed root."
    )

    @Argument(help: "The account DID.")
    var did: String

    @Argument(help: "The output CAR, or - for standard output.")
    var out: String

    @OptionGroup var database: DatabaseOption

    func run() throws {
        let store = try database.openReadOnly()
        if let records = try MirrorExportFile.write(did: did, store: store.mirrors, to: out) {
            FileHandle.standardError.write(Data("exported \(records) records of \(did) to \(out)\n".utf8))
        }
    }
}
