import IPLD
import Testing

/// Hand-made CARs for each reader rule (Docs/SPEC.md §6).
@Suite struct CARReaderTests {
    static let blockA: [UInt8] = DAGCBOR.encode(.map(["a": .int(1)]))
    static let blockB: [UInt8] = DAGCBOR.encode(.string("hello"))
    static var cidA: CID { CID.compute(for: blockA) }
    static var cidB: CID { CID.compute(for: blockB) }

    static func car(roots: [CID]? = nil, blocks: [(CID, [UInt8])]? = nil) -> [UInt8] {
        CARWriter.write(roots: roots ?? [cidA], blocks: (blocks ?? [(cidA, blockA), (cidB, blockB)]).map { (cid: $0.0, data: $0.1) })
    }

    func expectCARRefusal(_ bytes: [UInt8], _ code: IPLDError.Code, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try CARFile(bytes: bytes)
            Issue.record("expected \(code)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == code, "got \(error)", sourceLocation: sourceLocation)
        }
    }

    /// A CAR whose header is the given value.
    static func car(header: IPLDValue) -> [UInt8] {
        let encoded = DAGCBOR.encode(header)
        return Varint.encode(UInt64(encoded.count)) + encoded
    }

    @Test func validCARIsReadWithOffsets() throws {
        let bytes = Self.car()
        let car = try CARFile(bytes: bytes)
        #expect(car.root == Self.cidA)
        #expect(car.blocks.map(\.cid) == [Self.cidA, Self.cidB])
        #expect(car[Self.cidB]?.data.elementsEqual(Self.blockB) == true)
        let first = car.blocks[0]
        #expect(first.dataOffset == first.offset + 1 + CID.binaryLength)
        #expect(car.blocks[1].offset == first.dataOffset + first.length)
    }

    @Test func versionOtherThanOneIsRefusedWithItsOwnCode() {
        expectCARRefusal(Self.car(header: .map(["roots": .list([.link(Self.cidA)]), "version": .int(2)])), .unsupportedCARVersion)
        // The CARv2 pragma.
        expectCARRefusal([0x0a, 0xa1, 0x67, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x02], .unsupportedCARVersion)
    }

    @Test func emptyOrMissingRootsAreRefused() {
        expectCARRefusal(Self.car(header: .map(["roots": .list([]), "version": .int(1)])), .carMissingRoots)
        expectCARRefusal(Self.car(header: .map(["version": .int(1)])), .carMissingRoots)
    }

    @Test func malformedHeadersAreRefused() {
        expectCARRefusal(Self.car(header: .list([])), .malformedCAR)
        expectCARRefusal(Self.car(header: .map(["roots": .list([.string("x")]), "version": .int(1)])), .malformedCAR)
        expectCARRefusal(Self.car(header: .map(["roots": .list([.link(Self.cidA)]), "version": .int(1), "x": .null])), .malformedCAR)
        expectCARRefusal([0x00], .malformedCAR)
        expectCARRefusal([], .truncated)
        // Header that is not strict DAG-CBOR (non-minimal int).
        expectCARRefusal([0x03, 0xa1, 0x61, 0x61, 0x18], .malformedCAR)
    }

    @Test func blockWhoseBytesDoNotHashToItsCIDIsRefusedAtItsOffset() throws {
        let bytes = Self.car(blocks: [(Self.cidA, Self.blockA), (Self.cidA, Self.blockB)])
        do {
            _ = try CARFile(bytes: bytes)
            Issue.record("expected block-cid-mismatch")
        } catch {
            #expect(error.code == .blockHashMismatch)
            let good = try CARFile(bytes: Self.car(blocks: [(Self.cidA, Self.blockA)]))
            #expect(error.offset == good.blocks[0].dataOffset + good.blocks[0].length)
        }
        // Without verification it parses, and the block reports the mismatch.
        let lax = try CARFile(bytes: bytes, verifyingHashes: false)
        #expect(lax.blocks[1].hashMatches == false)
    }

    @Test func duplicateBlocksAreTolerated() throws {
        let car = try CARFile(bytes: Self.car(blocks: [(Self.cidA, Self.blockA), (Self.cidB, Self.blockB), (Self.cidA, Self.blockA)]))
        #expect(car.blocks.count == 3)
        #expect(car.uniqueBlockCount == 2)
        #expect(car[Self.cidA]?.offset == car.blocks[0].offset)
    }

    @Test func truncationAnywhereIsRefused() {
        let bytes = Self.car()
        let header = try? CARReader(bytes: bytes)
        let headerEnd = header?.offset ?? 0
        for cut in 0..<bytes.count where cut != headerEnd {
            // Cutting exactly after the header leaves a valid CAR with no blocks; after a whole block too.
            if let car = try? CARFile(bytes: Array(bytes[..<cut])) {
                #expect(car.blocks.last.map { $0.dataOffset + $0.length } == cut, "cut \(cut) accepted mid-block")
            }
        }
    }

    @Test func zeroLengthSectionIsRefused() {
        expectCARRefusal(Self.car(blocks: []) + [0x00], .malformedCAR)
    }

    @Test func sectionLengthBeyondInputIsRefused() {
        expectCARRefusal(Self.car(blocks: []) + [0xff, 0xff, 0x03, 0x01], .truncated)
    }

    @Test func unsupportedBlockCIDIsRefused() {
        // CIDv1, dag-pb (0x70), sha2-256.
        var section: [UInt8] = [0x01, 0x70, 0x12, 0x20] + [UInt8](repeating: 0, count: 32) + [0x01]
        section = Varint.encode(UInt64(section.count)) + section
        expectCARRefusal(Self.car(blocks: []) + section, .unsupportedCID)
    }

    @Test func streamingReaderYieldsBlocksOneByOne() throws {
        var reader = try CARReader(bytes: Self.car())
        #expect(reader.roots == [Self.cidA])
        #expect(try reader.nextBlock()?.cid == Self.cidA)
        #expect(try reader.nextBlock()?.cid == Self.cidB)
        #expect(try reader.nextBlock() == nil)
        #expect(reader.isAtEnd)
    }
}
