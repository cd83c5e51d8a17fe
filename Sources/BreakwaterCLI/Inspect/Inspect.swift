import ArgumentParser

/// `breakwater inspect …`: debugging tools that print JSON.
struct Inspect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Debugging tools: decode CBOR blocks, frames, CARs, keys and signatures as JSON.",
        subcommands: [InspectCBOR.self, InspectFrame.self, InspectCAR.self, InspectDIDKey.self, InspectSignature.self]
    )
}
