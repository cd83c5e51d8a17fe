import FirehoseTesting
import Foundation
import IPLD
import Testing

/// CAR v1 vectors: atproto's car-file-fixtures (both directions) and every `.car` file under vectors.
@Suite struct CARVectorTests {
    struct WriteCase: Sendable, CustomTestStringConvertible {
        let index: Int
        let root: String
        let blocks: [(cid: String, bytes: String)]
        let car: String
        var testDescription: String { "car fixture #\(index) \(root)" }
    }

    struct FileCase: Sendable, CustomTestStringConvertible {
        let path: String
        var testDescription: String { path }
    }

    static let fixturePath = "atproto/packages/repo/tests/car-file-fixtures.json"

    static func writeCases() -> [WriteCase] {
        Fixture.array(fixturePath).enumerated().map { index, item in
            WriteCase(index: index, root: item["root"]?.stringValue ?? "",
                      blocks: (item["blocks"]?.arrayValue ?? []).map { ($0["cid"]?.stringValue ?? "", $0["bytes"]?.stringValue ?? "") },
                      car: item["car"]?.stringValue ?? "")
        }
    }

    static func carFiles() -> [FileCase] {
        let root = Vectors.root.path + "/"
        return Vectors.files(under: ".", suffix: ".car").map { FileCase(path: $0.standardizedFileURL.path.replacingOccurrences(of: root, with: "")) }
    }

    @Test func vectorCounts() {
        Fixture.report(Self.fixturePath, count: Self.writeCases().count, expected: 1)
        Fixture.report("**/*.car", count: Self.carFiles().count, expected: 8)
    }

    @Test(arguments: writeCases())
    func writingRootAndBlocksGivesTheFixtureCAR(_ item: WriteCase) throws {
        let root = try CID(string: item.root)
        var blocks: [(cid: CID, data: [UInt8])] = []
        for block in item.blocks {
            blocks.append((try CID(string: block.cid), try #require(Base64.decode(block.bytes))))
        }
        let expected = try #require(Base64.decode(item.car))
        #expect(CARWriter.write(roots: [root], blocks: blocks) == expected)
    }

    @Test(arguments: writeCases())
    func readingTheFixtureCARGivesRootAndBlocksInOrder(_ item: WriteCase) throws {
        let car = try CARFile(bytes: try #require(Base64.decode(item.car)))
        #expect(car.roots == [try CID(string: item.root)])
        #expect(car.blocks.count == item.blocks.count)
        for (block, expected) in zip(car.blocks, item.blocks) {
            #expect(block.cid == (try CID(string: expected.cid)))
            #expect(Array(block.data) == Base64.decode(expected.bytes))
        }
    }

    @Test(arguments: carFiles())
    func everyBlockHashesToItsCIDAndDAGCBORBlocksRoundTrip(_ item: FileCase) throws {
        let bytes = Fixture.bytes(item.path)
        let car = try CARFile(bytes: bytes)
        var cborBlocks = 0
        for block in car.blocks {
            #expect(block.hashMatches)
            #expect(bytes[block.dataOffset..<(block.dataOffset + block.length)] == block.data)
            guard block.cid.codec == .dagCBOR else { continue }
            let value = try block.decode()
            #expect(DAGCBOR.encode(value)[...] == block.data, "\(block.cid) re-encodes differently")
            cborBlocks += 1
        }
        print("vectors: \(item.path): \(car.blocks.count) blocks, \(cborBlocks) DAG-CBOR, \(car.roots.count) roots")
        if item.path.hasSuffix("calabro.car") {
            #expect(car.blocks.count == 5_517)
        }
        // The streaming reader yields the same blocks.
        var reader = try CARReader(bytes: bytes)
        var streamed = 0
        while let block = try reader.nextBlock() {
            #expect(block == car.blocks[streamed])
            streamed += 1
        }
        #expect(streamed == car.blocks.count)
        // Writing the same roots and blocks back gives the same file.
        #expect(CARWriter.write(roots: car.roots, blocks: car.blocks.map { ($0.cid, Array($0.data)) }) == bytes)
    }
}
