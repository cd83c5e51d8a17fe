/// The 64-bit FNV-1a hash: cheap, stable across runs and platforms (unlike `Hasher`), used where a DID must always
/// land in the same place (a worker's shard, the reader's ``DIDInterner``).
public enum FNV1a {
    /// The hash of `bytes`.
    @inlinable
    public static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return hash
    }
}
