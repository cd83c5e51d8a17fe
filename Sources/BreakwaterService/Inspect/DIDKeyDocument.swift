package import ATCrypto
import Foundation

/// What `inspect did-key` shows of a key: its curve, JWT algorithm, did:key and Multikey forms, the compressed and
/// uncompressed points in hex, and the legacy verification method type and multibase.
package enum DIDKeyDocument {
    /// The document of `publicKey`, as indented JSON with sorted keys.
    package static func json(_ publicKey: PublicKey) -> String {
        let object: [String: Any] = [
            "curve": publicKey.curve.rawValue,
            "jwtAlg": publicKey.curve.jwtAlgorithm,
            "didKey": publicKey.didKey,
            "multikey": publicKey.multikey,
            "compressed": hex(publicKey.compressed),
            "uncompressed": hex(publicKey.uncompressed),
            "legacyType": publicKey.curve.legacyVerificationMethodType,
            "legacyMultibase": publicKey.legacyMultibase,
        ]
        return JSONOutput.string(object, pretty: true)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
