import ArgumentParser
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
            failDIDKey(code: "\(error.code)", message: error.reason)
        }
        let object: [String: Any] = [
            "curve": publicKey.curve.rawValue,
            "jwtAlg": publicKey.curve.jwtAlgorithm,
            "didKey": publicKey.didKey,
            "multikey": publicKey.multikey,
            "compressed": hexString(publicKey.compressed),
            "uncompressed": hexString(publicKey.uncompressed),
            "legacyType": publicKey.curve.legacyVerificationMethodType,
            "legacyMultibase": publicKey.legacyMultibase,
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        print(String(decoding: data, as: UTF8.self))
    }

    private func hexString(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}

/// Prints `error: CODE: message` on standard error and exits with status 1.
private func failDIDKey(code: String, message: String) -> Never {
    FileHandle.standardError.write(Data("error: \(code): \(message)\n".utf8))
    InspectDIDKey.exit(withError: ExitCode(1))
}
