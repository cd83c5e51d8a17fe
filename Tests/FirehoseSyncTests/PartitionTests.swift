import FirehoseSync
import Testing

/// The partition function of Docs/CONTRACT.md ("Partitions"): the first 8 bytes of SHA-256 of the DID, big-endian,
/// modulo N; no DID belongs to partition 0.
struct PartitionTests {
    /// A DID, the first 8 bytes of its SHA-256 digest (computed outside Swift, with Python's hashlib) and the
    /// partition it falls in for 2, 3, 16 and 1024 partitions.
    struct KnownDID: Sendable, CustomTestStringConvertible {
        let did: String
        let prefix: UInt64
        let partitions: [Int: Int]
        var testDescription: String { did }
    }

    static let knownDIDs: [KnownDID] = [
        KnownDID(did: "did:plc:z72i7hdynmk6r22z27h6tvur", prefix: 0xf5b5_7a54_9b7a_d681, partitions: [2: 1, 3: 1, 16: 1, 1024: 641]),
        KnownDID(did: "did:plc:ewvi7nxzyoun6zhxrhs64oiz", prefix: 0x099e_4ea9_6cd6_2c05, partitions: [2: 1, 3: 2, 16: 5, 1024: 5]),
        KnownDID(did: "did:web:example.com", prefix: 0x3e23_4cd3_3525_135d, partitions: [2: 1, 3: 1, 16: 13, 1024: 861]),
        KnownDID(did: "did:plc:44ybard66vv44zksje25o7dz", prefix: 0xcfe5_6478_1cef_d579, partitions: [2: 1, 3: 0, 16: 9, 1024: 377]),
        KnownDID(did: "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme", prefix: 0xea3a_d613_fa73_2b87,
                 partitions: [2: 1, 3: 0, 16: 7, 1024: 903]),
        KnownDID(did: "did:plc:vwzwgnygau7ed7b7wt5ux7y2", prefix: 0x7e37_2c47_fd9b_c654, partitions: [2: 0, 3: 2, 16: 4, 1024: 596]),
        KnownDID(did: "did:plc:q6gjnaw2blty4crticxkmujt", prefix: 0x01e8_bb2d_7cbc_1628, partitions: [2: 0, 3: 2, 16: 8, 1024: 552]),
        KnownDID(did: "did:web:pds.example.org", prefix: 0xec6c_c73e_4d0d_4be3, partitions: [2: 1, 3: 1, 16: 3, 1024: 995]),
    ]

    @Test("a DID falls in the partition given by its SHA-256 prefix modulo N", arguments: knownDIDs)
    func knownDIDFallsInItsPartition(_ known: KnownDID) throws {
        for (count, expected) in known.partitions {
            #expect(Int(known.prefix % UInt64(count)) == expected)
            #expect(Partition.index(of: known.did, count: count) == expected)
            for index in 0..<count {
                #expect(try Partition(index: index, count: count).owns(did: known.did) == (index == expected))
            }
        }
        #expect(Partition.whole.owns(did: known.did))
    }

    @Test("an event without a DID belongs to partition 0", arguments: [1, 2, 3, 16, 1024])
    func missingDIDBelongsToPartitionZero(count: Int) throws {
        #expect(Partition.index(of: nil, count: count) == 0)
        #expect(try Partition(index: 0, count: count).owns(did: nil))
        if count > 1 { #expect(try !Partition(index: count - 1, count: count).owns(did: nil)) }
    }

    @Test("10,000 DIDs split into 2, 4 and 16 partitions evenly (each within 15% of the mean) and exactly once")
    func partitionsSplitEvenlyAndDisjointly() throws {
        let dids = (0..<10_000).map { "did:plc:" + String($0, radix: 36) + "breakwater" }
        for count in [2, 4, 16] {
            var sizes = Array(repeating: 0, count: count)
            for did in dids {
                let owners = try (0..<count).filter { try Partition(index: $0, count: count).owns(did: did) }
                #expect(owners.count == 1)
                sizes[Partition.index(of: did, count: count)] += 1
            }
            let mean = Double(dids.count) / Double(count)
            for size in sizes { #expect(abs(Double(size) - mean) < mean * 0.15, "partition sizes \(sizes)") }
        }
        print("partition distribution: 10000 DIDs over 2, 4, 16 partitions")
    }

    static let validTexts: [(String, Int, Int)] = [("0/1", 0, 1), ("0/2", 0, 2), ("1/2", 1, 2), ("15/16", 15, 16), ("1023/1024", 1023, 1024)]

    @Test("K/N parses when 0 ≤ K < N ≤ 1024 and prints back the same", arguments: validTexts)
    func validTextParses(_ text: String, _ index: Int, _ count: Int) throws {
        let partition = try #require(Partition(parsing: text))
        #expect(partition.index == index && partition.count == count)
        #expect(partition.description == text)
    }

    static let invalidTexts = ["", "1", "/", "0/", "/2", "2/2", "3/2", "0/0", "-1/2", "+1/2", "1/-2", " 1/2", "1/2 ", "1 /2",
                               "0/1025", "1/2/3", "a/b", "0x1/2", "1.0/2", "1/2\n", "99999999999999999999/1"]

    @Test("anything but K/N with 0 ≤ K < N ≤ 1024 does not parse", arguments: invalidTexts)
    func invalidTextIsRefused(_ text: String) {
        #expect(Partition(parsing: text) == nil)
    }

    @Test("a partition out of range throws invalid-partition",
          arguments: [(0, 0), (-1, 2), (2, 2), (0, 1025), (5, 3)])
    func outOfRangeThrows(_ index: Int, _ count: Int) {
        #expect(throws: FirehoseSyncError(.invalidPartition, "")) { try Partition(index: index, count: count) }
    }

    @Test("a partition's cursor name is the bare upstream for the whole run and reads back for every partition",
          arguments: ["0/1", "0/2", "1/2", "7/16"])
    func cursorNameRoundTrips(_ text: String) throws {
        let partition = try #require(Partition(parsing: text))
        let upstream = "ws://127.0.0.1:8080"
        let name = CursorKey.name(upstream: upstream, partition: partition)
        #expect((name == upstream) == partition.isWhole)
        let parsed = CursorKey.parse(name)
        #expect(parsed.upstream == upstream && parsed.partition == partition)
    }
}
