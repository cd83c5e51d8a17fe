import FirehoseIngest
import FirehoseSync
import FirehoseTesting
import Foundation
import IPLD
import Testing

/// The streaming CAR file reader used by `mirror import`.
@Suite struct CARFileStreamTests {
    static func write(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bw-car-\(UUID().uuidString).car").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func readAll(_ stream: CARFileStream) throws -> [(cid: CID, bytes: [UInt8])] {
        var out: [(cid: CID, bytes: [UInt8])] = []
        for _ in 0..<1_000_000 {
            guard let block = try stream.nextBlock() else { break }
            out.append(block)
        }
        return out
    }

    @Test func streamedBlocksEqualTheInMemoryReader() throws {
        let path = Vectors.url("shrike/benches/fixtures/calabro.car").path
        let file = try CARFile(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
        let stream = try CARFileStream(path: path)
        #expect(stream.roots == file.roots)
        let blocks = try Self.readAll(stream)
        #expect(blocks.count == file.blocks.count)
        #expect(blocks.map(\.cid) == file.blocks.map(\.cid))
        #expect(blocks.map(\.bytes) == file.blocks.map { Array($0.data) })
    }

    @Test func aTruncatedFileIsReportedNotSilentlyShortened() throws {
        let full = [UInt8](try Vectors.data("indigo/testing/testdata/greenground.repo.car"))
        let path = try Self.write(Array(full.dropLast(5)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let stream = try CARFileStream(path: path)
        do {
            _ = try Self.readAll(stream)
            Issue.record("a truncated CAR must fail")
        } catch let error as IPLDError {
            #expect(error.code == .truncated)
        }
    }

    @Test func aBlockThatDoesNotHashToItsCIDIsRefused() throws {
        var bytes = [UInt8](try Vectors.data("indigo/testing/testdata/greenground.repo.car"))
        bytes[bytes.count - 3] ^= 0x40
        let path = try Self.write(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let stream = try CARFileStream(path: path)
        do {
            _ = try Self.readAll(stream)
            Issue.record("a tampered block must fail")
        } catch let error as IPLDError {
            #expect(error.code == .blockHashMismatch)
        }
    }

    @Test func aHeaderThatIsNotCARv1IsRefused() throws {
        let path = try Self.write([0x0a, 0xa1, 0x67, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x02])
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: IPLDError.self) { try CARFileStream(path: path) }
    }
}
