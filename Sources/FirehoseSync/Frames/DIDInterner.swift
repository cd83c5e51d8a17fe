/// One `String` per account DID for the frames one reader decodes: the `repo` of a `#commit` read in place is looked
/// up by its bytes and, when met before, the string already made for it is used again. No allocation per event for
/// the DID, and every later comparison of two such strings (account tables, batches) is decided by their shared
/// storage without comparing bytes.
///
/// A direct-mapped cache of fixed size (an entry is replaced by the next DID hashing to its place), so memory stays
/// bounded whatever the number of accounts. Not thread-safe: one reader owns one.
public struct DIDInterner {
    /// The strings, by place; nil where none is held.
    private var strings: [String?]
    /// The ``FNV1a`` hash of each held string's bytes.
    private var hashes: [UInt64]
    private let mask: Int

    /// An interner of `capacity` places (rounded up to a power of two, at least 64).
    public init(capacity: Int = 1 << 16) {
        var size = 64
        while size < capacity { size <<= 1 }
        strings = Array(repeating: nil, count: size)
        hashes = Array(repeating: 0, count: size)
        mask = size - 1
    }

    /// The string whose UTF-8 is `utf8` (which the caller has checked is valid UTF-8): the held one when the same bytes
    /// were met before, else a new one, then held.
    public mutating func string(_ utf8: UnsafeRawBufferPointer) -> String {
        let hash = FNV1a.hash(utf8)
        let place = Int(truncatingIfNeeded: hash) & mask
        if hashes[place] == hash, var held = strings[place] {
            if held.withUTF8({ $0.elementsEqual(utf8) }) { return held }
        }
        let made = String(decoding: utf8, as: UTF8.self)
        strings[place] = made
        hashes[place] = hash
        return made
    }
}
