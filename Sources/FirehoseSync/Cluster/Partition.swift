import Crypto

/// One of `count` disjoint shares of the accounts, written `K/N` (Docs/CONTRACT.md, "Partitions").
///
/// An account belongs to partition `K` of `N` when the first 8 bytes of the SHA-256 digest of its DID's UTF-8 bytes,
/// read as a big-endian unsigned 64-bit integer, are congruent to `K` modulo `N`. Events that carry no DID belong to
/// partition 0, so exactly one partition of any split handles them.
public struct Partition: Sendable, Hashable, CustomStringConvertible {
    /// The largest number of partitions a split may have.
    public static let maximumCount = 1024
    /// The single partition that owns every account: an unpartitioned run.
    public static let whole = Partition(checkedIndex: 0, count: 1)

    /// This partition's number, `0 ..< count`.
    public let index: Int
    /// How many partitions the accounts are split into, `1 ... maximumCount`.
    public let count: Int

    /// Creates partition `index` of `count`; throws `invalid-partition` unless `0 ≤ index < count ≤ 1024`.
    public init(index: Int, count: Int) throws {
        guard count >= 1, count <= Partition.maximumCount else {
            throw FirehoseSyncError(.invalidPartition, "partition count \(count) is outside 1...\(Partition.maximumCount)")
        }
        guard index >= 0, index < count else {
            throw FirehoseSyncError(.invalidPartition, "partition index \(index) is outside 0..<\(count)")
        }
        self.init(checkedIndex: index, count: count)
    }

    private init(checkedIndex index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Parses `K/N` (decimal digits only, no sign, no spaces); nil when the text is not of that form or out of range.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 2,
              let index = Partition.decimal(parts[0]), let count = Partition.decimal(parts[1]),
              let partition = try? Partition(index: index, count: count)
        else { return nil }
        self = partition
    }

    /// `K/N`.
    public var description: String { "\(index)/\(count)" }

    /// True when this is the single partition of an unpartitioned run.
    public var isWhole: Bool { count == 1 }

    /// Whether an event about `did` belongs to this partition (nil DID: partition 0).
    public func owns(did: String?) -> Bool {
        Partition.index(of: did, count: count) == index
    }

    /// The partition number of `did` in a split into `count` partitions (nil DID: 0).
    public static func index(of did: String?, count: Int) -> Int {
        guard let did, count > 1 else { return 0 }
        let digest = SHA256.hash(data: Array(did.utf8))
        var prefix: UInt64 = 0
        for byte in digest.prefix(8) { prefix = prefix << 8 | UInt64(byte) }
        return Int(prefix % UInt64(count))
    }

    private static func decimal(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 6, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text)
    }
}
