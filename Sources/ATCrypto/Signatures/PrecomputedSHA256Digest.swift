import Crypto
import IPLD

/// A SHA-256 digest computed by ``SHA256Hasher``, presented to swift-crypto's P-256 verification as its `Digest`.
struct PrecomputedSHA256Digest: Digest {
    /// The digest.
    let hash: SHA256Hash

    /// Wraps `hash`.
    init(_ hash: SHA256Hash) { self.hash = hash }

    /// SHA-256 digests are 32 bytes.
    static var byteCount: Int { 32 }

    /// Calls `body` with the 32 bytes.
    func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try hash.withUnsafeBytes(body)
    }

    /// Iterates the 32 bytes.
    func makeIterator() -> Array<UInt8>.Iterator { hash.bytes.makeIterator() }

    /// The digest in hex.
    var description: String { "SHA256 digest: " + hash.bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined() }
}

extension String {
    /// Pads with leading zeros to `width` characters.
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
