import ArgumentParser
import BreakwaterService
import ATCrypto
import Foundation

/// `breakwater inspect did-key did:key:…`: the curve and point of a did:key, as JSON.
struct InspectDIDKey: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "did-key",
        abstract: "Decode a did:key: curve, compressed and uncompressed point, Multikey, JWT algorithm."
    )

    @Argument(help: "The key, as did:key:z… (a bare Multikey z… is accepted too).")
    var key: String

    func run() throws {
        let publicKey: PublicKey
        do {
            publicKey = key.hasPrefix("did:key:") ? try PublicKey(didKey: key) : try PublicKey(multikey: key)
        } catch {
            CLISupport.fail(code: "\(error.code)", message: error.reason)
        }
        print(DIDKeyDocument.json(publicKey))
    }
}
