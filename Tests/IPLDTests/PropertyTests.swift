import IPLD
import Testing

/// Seeded property tests: random values round-trip; random mutations never crash the readers.
@Suite struct PropertyTests {
    static func randomString(_ rng: inout SplitMix64) -> String {
        let pool: [String] = ["", "a", "b", "ab", "$type", "text", "é", "e\u{301}", "水", "𐅑", "\n\"\\", "\u{0}", "zz", "key"]
        if Bool.random(using: &rng) { return pool.randomElement(using: &rng)! }
        let count = Int.random(in: 0...12, using: &rng)
        return String((0..<count).map { _ in Character(Unicode.Scalar(UInt8.random(in: 0x20...0x7e, using: &rng))) })
    }

    static func randomValue(_ rng: inout SplitMix64, depth: Int) -> IPLDValue {
        let pick = Int.random(in: 0..<(depth > 4 ? 7 : 9), using: &rng)
        switch pick {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2:
            let edges: [Int64] = [0, 23, 24, 255, 256, 65_535, 65_536, 4_294_967_295, 4_294_967_296, .max, .min, -1, -24, -25, -256, -257]
            return .int(Bool.random(using: &rng) ? edges.randomElement(using: &rng)! : Int64.random(in: .min ... .max, using: &rng))
        case 3: return .string(randomString(&rng))
        case 4: return .bytes((0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
        case 5: return .link(CID.compute(for: [UInt8.random(in: 0...255, using: &rng)], codec: Bool.random(using: &rng) ? .dagCBOR : .raw))
        case 6: return .string(String(repeating: "x", count: Int.random(in: 0...300, using: &rng)))
        case 7: return .list((0..<Int.random(in: 0...5, using: &rng)).map { _ in randomValue(&rng, depth: depth + 1) })
        default:
            var map: [String: IPLDValue] = [:]
            for _ in 0..<Int.random(in: 0...6, using: &rng) { map[randomString(&rng)] = randomValue(&rng, depth: depth + 1) }
            return .map(map)
        }
    }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func randomValuesRoundTripByteExactly(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        for _ in 0..<1_000 {
            let value = Self.randomValue(&rng, depth: 0)
            let bytes = DAGCBOR.encode(value)
            let decoded = try DAGCBOR.decode(bytes)
            #expect(decoded == value)
            #expect(DAGCBOR.encode(decoded) == bytes)
            // JSON round trip too, unless a map has `$`-keys (those read back as $link/$bytes/$type objects).
            if Self.hasDollarKeys(value) { continue }
            #expect(try AtprotoJSON.value(fromJSON: Array(AtprotoJSON.serialize(value).utf8)) == value)
        }
    }

    static func hasDollarKeys(_ value: IPLDValue) -> Bool {
        switch value {
        case .map(let entries): return entries.contains { $0.key.hasPrefix("$") || hasDollarKeys($0.value) }
        case .list(let items): return items.contains(where: hasDollarKeys)
        default: return false
        }
    }

    static func seedCorpus() -> [[UInt8]] {
        var rng = SplitMix64(seed: 99)
        var corpus = (0..<20).map { _ in DAGCBOR.encode(randomValue(&rng, depth: 0)) }
        corpus.append(DAGCBOR.encode(.map(["$type": .string("app.bsky.feed.post"), "text": .string("hi"),
                                           "ref": .link(CID.compute(for: [1])), "n": .list([.int(1), .bytes([1, 2])])])))
        return corpus
    }

    @Test(arguments: [UInt64(11), 12])
    func mutatedBlocksNeverCrashTheReader(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let corpus = Self.seedCorpus()
        var refused = 0
        for _ in 0..<5_000 {
            var bytes = corpus.randomElement(using: &rng)!
            Self.mutate(&bytes, &rng)
            do {
                let value = try DAGCBOR.decode(bytes)
                // Anything accepted is canonical.
                #expect(DAGCBOR.encode(value) == bytes)
            } catch {
                refused += 1
            }
        }
        #expect(refused > 0)
    }

    @Test(arguments: [UInt64(21), 22])
    func mutatedCARsNeverCrashTheReader(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let corpus = Self.seedCorpus()
        var writer = CARWriter(roots: [CID.compute(for: corpus[0])])
        for block in corpus { writer.append(data: block) }
        let car = writer.bytes
        var refused = 0
        for _ in 0..<3_000 {
            var bytes = car
            Self.mutate(&bytes, &rng)
            do {
                let file = try CARFile(bytes: bytes)
                for block in file.blocks { #expect(block.hashMatches) }
            } catch {
                refused += 1
            }
        }
        #expect(refused > 0)
    }

    static func mutate(_ bytes: inout [UInt8], _ rng: inout SplitMix64) {
        let edits = Int.random(in: 1...4, using: &rng)
        for _ in 0..<edits {
            switch Int.random(in: 0..<6, using: &rng) {
            case 0 where !bytes.isEmpty: bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            case 1 where !bytes.isEmpty: bytes[Int.random(in: 0..<bytes.count, using: &rng)] ^= 1 << UInt8.random(in: 0...7, using: &rng)
            case 2 where !bytes.isEmpty: bytes.removeSubrange(Int.random(in: 0..<bytes.count, using: &rng)...)
            case 3: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: Int.random(in: 0...bytes.count, using: &rng))
            case 4 where !bytes.isEmpty: bytes.remove(at: Int.random(in: 0..<bytes.count, using: &rng))
            default:
                let interesting: [UInt8] = [0x00, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1f, 0x5f, 0x7f, 0x9f, 0xbf, 0xd8, 0x2a, 0xf7, 0xf9, 0xff]
                if !bytes.isEmpty { bytes[Int.random(in: 0..<bytes.count, using: &rng)] = interesting.randomElement(using: &rng)! }
            }
        }
    }
}
