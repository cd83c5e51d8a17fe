import IPLD

/// Helpers for MST keys: byte strings ordered bytewise (Docs/SPEC.md §5.1).
///
/// The MST layer accepts any key of 1…``maxLength`` bytes; it does not require repo-path or NSID syntax
/// (the interop vectors use keys like `A0/374913`).
public enum MSTKey {
    /// The longest key accepted, in bytes (indigo's limit; the longest valid repo path is 830).
    public static let maxLength = 1024

    /// The layer (height) of a key: leading zero bits of SHA-256(key), counted in 2-bit chunks (fanout 4).
    ///
    /// See https://atproto.com/specs/repository#mst-structure and Docs/SPEC.md §5.2.
    public static func layer(of key: some Collection<UInt8>) -> Int {
        let digest = key.withContiguousStorageIfAvailable { SHA256Hasher.hash(UnsafeRawBufferPointer($0)) }
            ?? SHA256Hasher.hash(Array(key))
        return digest.leadingZeroBitCount / 2
    }

    /// The number of leading bytes `a` and `b` share.
    public static func commonPrefixLength(_ a: [UInt8], _ b: [UInt8]) -> Int {
        let limit = min(a.count, b.count)
        var index = 0
        while index < limit && a[index] == b[index] { index += 1 }
        return index
    }

    /// Bytewise three-way comparison: negative when `a < b`, zero when equal, positive when `a > b`.
    @inline(__always)
    static func compare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                let limit = min(pa.count, pb.count)
                var index = 0
                while index < limit {
                    let x = pa[index], y = pb[index]
                    if x != y { return x < y ? -1 : 1 }
                    index += 1
                }
                return pa.count == pb.count ? 0 : (pa.count < pb.count ? -1 : 1)
            }
        }
    }

    /// Throws ``ATRepoError/Code/invalidKey`` unless `key` has 1…``maxLength`` bytes.
    static func validate(_ key: [UInt8]) throws(ATRepoError) {
        guard !key.isEmpty else { throw ATRepoError(.invalidKey, "MST keys must not be empty") }
        guard key.count <= maxLength else {
            throw ATRepoError(.invalidKey, "MST key of \(key.count) bytes exceeds \(maxLength)")
        }
    }
}
