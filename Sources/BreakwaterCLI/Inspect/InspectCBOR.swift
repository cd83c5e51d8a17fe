import ArgumentParser
import IPLD

/// `breakwater inspect cbor FILE`: decode one strict DAG-CBOR block and print it as atproto JSON.
struct InspectCBOR: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cbor",
        abstract: "Decode one strict DAG-CBOR block and print it as atproto JSON.",
        discussion: "Exits 1 with `error: CODE: message` when the input is not exactly one strict DAG-CBOR item."
    )

    @Argument(help: "The block file, or - for standard input.")
    var file: String

    func run() throws {
        try CLISupport.run {
            let bytes = try CLISupport.readInput(file)
            CLISupport.printJSON(try DAGCBOR.decode(bytes))
        }
    }
}
