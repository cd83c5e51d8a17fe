import ArgumentParser
import IPLD

/// `breakwater inspect car FILE`: print a CAR's roots and blocks as JSON.
///
/// Each block shows its CID, byte offset (of its section), data length, whether its bytes hash to its
/// CID, and for DAG-CBOR blocks the decoded value as atproto JSON (or the decode error).
struct InspectCAR: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "car",
        abstract: "Print a CAR file's roots and blocks (CID, offset, length, decoded DAG-CBOR) as JSON.",
        discussion: "Exits 1 with `error: CODE: message` when the CAR itself is unreadable."
    )

    @Argument(help: "The CAR file, or - for standard input.")
    var file: String

    func run() throws {
        try CLISupport.run {
            let bytes = try CLISupport.readInput(file)
            var reader = try CARReader(bytes: bytes, verifyingHashes: false)
            var blocks: [IPLDValue] = []
            while let block = try reader.nextBlock() {
                var entry: [String: IPLDValue] = [
                    "cid": .string(block.cid.string),
                    "offset": .int(Int64(block.offset)),
                    "length": .int(Int64(block.length)),
                    "hashMatches": .bool(block.hashMatches),
                ]
                if block.cid.codec == .dagCBOR {
                    do {
                        entry["value"] = try block.decode()
                    } catch {
                        entry["error"] = .string("\(error)")
                    }
                }
                blocks.append(.map(entry))
            }
            CLISupport.printJSON(.map([
                "version": .int(1),
                "roots": .list(reader.roots.map { .string($0.string) }),
                "blocks": .list(blocks),
            ]))
        }
    }
}
