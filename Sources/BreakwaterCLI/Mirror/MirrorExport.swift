import ArgumentParser
import FirehoseStore
import Foundation

/// `breakwater mirror export DID OUT.car`: the mirror as a repository CAR (SPEC.md §6 block order).
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
        let handle: FileHandle
        let temporary: String?
        if out == "-" {
            handle = FileHandle.standardOutput
            temporary = nil
        } else {
            let partial = out + ".partial"
            guard FileManager.default.createFile(atPath: partial, contents: nil),
                  let opened = FileHandle(forWritingAtPath: partial) else {
                throw OperationalError("unwritable-file", "cannot write \(out)")
            }
            handle = opened
            temporary = partial
        }
        do {
            let records = try MirrorSupport.store {
                try store.exportMirror(did: did) { chunk in try handle.write(contentsOf: chunk) }
            }
            if let temporary {
                try handle.close()
                _ = try? FileManager.default.removeItem(atPath: out)
                try FileManager.default.moveItem(atPath: temporary, toPath: out)
                FileHandle.standardError.write(Data("exported \(records) records of \(did) to \(out)\n".utf8))
            }
        } catch {
            if let temporary {
                try? handle.close()
                try? FileManager.default.removeItem(atPath: temporary)
            }
            if error is OperationalError { throw error }
            throw OperationalError("unwritable-file", "\(out): \(error)")
        }
    }
}
