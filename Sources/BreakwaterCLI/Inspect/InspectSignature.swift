import ArgumentParser
import BreakwaterService
import ATCrypto
import Foundation

/// `breakwater inspect signature --key did:key:… --message FILE --signature BASE64`:
/// checks an atproto signature (64-byte r‖s, low-S, over SHA-256 of the message bytes).
struct InspectSignature: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signature",
        abstract: "Verify an atproto signature; prints 'valid' or exits 1 with the reason."
    )

    @Option(help: "The public key, as did:key:z….")
    var key: String

    @Option(help: ArgumentHelp("The signed bytes (the file's exact contents; '-' for standard input; required). Env: BREAKWATER_MESSAGE.",
                               valueName: "file"))
    var message: String?

    @Option(help: "The 64-byte r||s signature in base64 (padded or not, standard or URL-safe alphabet).")
    var signature: String

    func validate() throws { _ = try messagePath() }

    /// The message file: `--message`, else `BREAKWATER_MESSAGE`; a usage error when neither is given.
    func messagePath() throws -> String {
        guard let path = EnvironmentOption.value(message, env: "BREAKWATER_MESSAGE") else {
            throw UsageError("missing --message <file> (or BREAKWATER_MESSAGE)")
        }
        return path
    }

    func run() throws {
        let message = try messagePath()
        let publicKey: PublicKey
        do {
            publicKey = try PublicKey(didKey: key)
        } catch {
            CLISupport.fail(code: "\(error.code)", message: error.reason)
        }
        guard let signatureBytes = SignatureText.bytes(base64: signature) else {
            CLISupport.fail(code: "invalid-base64", message: "--signature is not base64")
        }
        let messageBytes: [UInt8]
        do {
            messageBytes = try SignatureText.message(at: message)
        } catch {
            CLISupport.fail(code: "unreadable-file", message: "cannot read \(message): \(error.localizedDescription)")
        }
        switch publicKey.verify(signature: signatureBytes, message: messageBytes) {
        case .valid:
            print("valid")
        case .invalid(let failure):
            CLISupport.fail(code: "bad-signature", message: "\(failure): \(failure.explanation)")
        }
    }
}
