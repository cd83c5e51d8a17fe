import FirehoseSynth
import IPLD
import Testing

/// The in-place CAR index (``CARSlice``) reads what ``CARFile`` reads: on every CAR slice of the recordings, vectors
/// and synth frames, every `.car` vector and mutations of them, both accept with the same roots, sections and lookups,
/// or both refuse with the same error.
@Suite("CAR slice index")
struct CARSliceDifferentialTests {
    /// Whether `CARSlice` and `CARFile` agree on `bytes`; true also says whether both accepted.
    static func agree(_ bytes: [UInt8]) -> (agree: Bool, accepted: Bool) {
        let old: Result<CARFile, IPLDError> = Result { () throws(IPLDError) in try CARFile(bytes: bytes) }
        let new: Result<CARSlice, IPLDError> = Result { () throws(IPLDError) in try CARSlice(bytes: bytes) }
        switch (old, new) {
        case (.failure(let a), .failure(let b)):
            return (a.code == b.code && a.description == b.description, false)
        case (.success(let a), .success(let b)):
            guard a.roots == b.roots, a.blocks.count == b.sections.count else { return (false, true) }
            for (block, section) in zip(a.blocks, b.sections) {
                guard block.cid == section.cid, block.data.indices == section.data,
                      a.data(for: block.cid) == b.data(for: section.cid), b.contains(block.cid) else { return (false, true) }
            }
            for root in a.roots where a.data(for: root) != b.data(for: root) || a.contains(root) != b.contains(root) {
                return (false, true)
            }
            let absent = CID.compute(for: bytes + [1])
            return (b.data(for: absent) == nil && !b.contains(absent), true)
        default:
            return (false, false)
        }
    }

    @Test func everyCARIsIndexedAsCARFileReadsIt() {
        let cars = DecodeCorpus.slices + DecodeCorpus.carFiles
        var accepted = 0
        var tabled = 0
        for (index, bytes) in cars.enumerated() {
            let verdict = Self.agree(bytes)
            #expect(verdict.agree, "CAR \(index) of \(bytes.count) bytes")
            if verdict.accepted { accepted += 1 }
            if let slice = try? CARSlice(bytes: bytes), slice.sections.count > CARSlice.scanLimit { tabled += 1 }
        }
        print("CAR slice: \(cars.count) CARs, \(accepted) accepted by both, \(tabled) with a lookup table")
        #expect(cars.count > 1000 && accepted > 0 && tabled > 0)
    }

    /// The `blocks` of a frame are indexed where they lie: a CAR inside a larger buffer reads exactly as the same bytes
    /// on their own (same verdict and error, roots, sections and block bytes).
    @Test func aCARInsideALargerBufferIsIndexedAsTheSameBytesAlone() {
        var rng = SplitMix64(seed: 41)
        var checked = 0
        var accepted = 0
        for bytes in DecodeCorpus.slices + DecodeCorpus.carFiles {
            var variants = [bytes]
            if bytes.count > 8 {
                var flipped = bytes
                flipped[rng.below(bytes.count)] ^= UInt8(1 << rng.below(8))
                variants += [flipped, Array(bytes.dropLast())]
            }
            for variant in variants {
                let lead = 1 + rng.below(64)
                let buffer = [UInt8](repeating: 0xa7, count: lead) + variant + [0x00, 0x01]
                let inPlace: Result<CARSlice, IPLDError> = Result { () throws(IPLDError) in
                    try CARSlice(bytes: buffer[lead..<(lead + variant.count)])
                }
                let alone: Result<CARSlice, IPLDError> = Result { () throws(IPLDError) in try CARSlice(bytes: variant) }
                checked += 1
                switch (inPlace, alone) {
                case (.failure(let a), .failure(let b)):
                    #expect(a.code == b.code && a.description == b.description)
                case (.success(let a), .success(let b)):
                    accepted += 1
                    #expect(a.roots == b.roots && a.sections.map(\.cid) == b.sections.map(\.cid))
                    for section in b.sections {
                        #expect(a.data(for: section.cid).map { Array($0) } == b.data(for: section.cid).map { Array($0) })
                    }
                default:
                    Issue.record("a CAR of \(variant.count) bytes read differently inside a buffer")
                }
            }
        }
        print("CAR slice in place: \(checked) CARs inside larger buffers, \(accepted) accepted")
        #expect(checked > 1000 && accepted > 0)
    }

    @Test func mutatedCARsAreIndexedAlike() {
        var rng = SplitMix64(seed: 23)
        var checked = 0
        var refused = 0
        for bytes in DecodeCorpus.slices.prefix(2000) where bytes.count > 8 {
            var variants: [[UInt8]] = [bytes + [0x00], bytes + [0x01, 0x00], Array(bytes.prefix(bytes.count / 2)), Array(bytes.dropLast())]
            for _ in 0..<4 {
                var flipped = bytes
                flipped[rng.below(bytes.count)] ^= UInt8(1 << rng.below(8))
                variants.append(flipped)
            }
            for variant in variants {
                let verdict = Self.agree(variant)
                #expect(verdict.agree, "variant of \(bytes.count) bytes")
                if !verdict.accepted { refused += 1 }
                checked += 1
            }
        }
        print("CAR slice: \(checked) mutated CARs, \(refused) refused by both")
        #expect(checked > 10_000 && refused > 0)
    }

    @Test func duplicateBlocksAreFoundAtTheirFirstSectionWithAndWithoutTheTable() throws {
        for count in [3, CARSlice.scanLimit + 1, 40] {
            var blocks: [(cid: CID, data: [UInt8])] = (0..<count).map { index in
                let data = DAGCBOR.encode(.int(Int64(index)))
                return (CID.compute(for: data), data)
            }
            blocks.append(blocks[1])
            blocks.append(blocks[count - 1])
            let bytes = CARWriter.write(roots: [blocks[0].cid], blocks: blocks)
            #expect(Self.agree(bytes).agree, "\(count) blocks and two duplicates")
            let slice = try CARSlice(bytes: bytes)
            #expect(slice.position(of: blocks[1].cid) == 1)
            #expect(slice.position(of: blocks[count - 1].cid) == count - 1)
        }
    }
}
