import Crypto
import FirehoseTesting
import Foundation
import IPLD
import Testing

/// `SHA256Hasher` (libcrypto on a stack context, the verification path's one hash) gives swift-crypto's SHA-256 on
/// every input: random bytes of every length 0…4096, the same bytes fed in random pieces, and every block of every
/// CAR and DAG-CBOR file under the vectors.
@Suite struct SHA256HasherDifferentialTests {
    struct FileCase: Sendable, CustomTestStringConvertible {
        let path: String
        var testDescription: String { path }
    }

    static let longestRandomInput = 4096

    static func vectorFiles() -> [FileCase] {
        let root = Vectors.root.standardizedFileURL.path + "/"
        let files = Vectors.files(under: ".", suffix: ".car") + Vectors.files(under: ".", suffix: ".dag-cbor")
        return files.map { FileCase(path: $0.standardizedFileURL.path.replacingOccurrences(of: root, with: "")) }
    }

    static func reference(_ bytes: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: bytes)) }

    @Test func vectorFileCount() {
        let count = Self.vectorFiles().count
        print("SHA256HasherDifferentialTests: \(count) vector files (.car and .dag-cbor)")
        #expect(count >= 8 + 128)
    }

    @Test func oneShotHashEqualsSwiftCryptoForEveryLengthUpTo4096() {
        var generator = SeededGenerator(seed: 0x5348_4132_3536)
        var checked = 0
        for length in 0...Self.longestRandomInput {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(SHA256Hasher.hash(bytes).bytes == Self.reference(bytes), "length \(length)")
            checked += 1
        }
        print("SHA256HasherDifferentialTests: \(checked) random lengths")
        #expect(checked == Self.longestRandomInput + 1)
    }

    @Test func shortHashEqualsSwiftCryptoForEveryLengthUpTo200() {
        var generator = SeededGenerator(seed: 0x7368_6f72_7421)
        var checked = 0
        for length in 0...200 {
            for _ in 0..<8 {
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let digest = bytes.withUnsafeBytes { SHA256Hasher.hashShort($0) }
                #expect(digest.bytes == Self.reference(bytes), "length \(length)")
                #expect(digest == SHA256Hasher.hash(bytes), "length \(length)")
                checked += 1
            }
        }
        print("SHA256HasherDifferentialTests: \(checked) short-hash cases (lengths 0…200)")
        #expect(checked == 201 * 8)
    }

    @Test func hashingInRandomPiecesEqualsOneShotForEveryLengthUpTo4096() {
        var generator = SeededGenerator(seed: 0x7069_6563_6573)
        for length in 0...Self.longestRandomInput {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var hasher = SHA256Hasher()
            var start = 0
            bytes.withUnsafeBytes { buffer in
                while start < length {
                    let end = min(length, start + Int.random(in: 0...130, using: &generator))
                    hasher.update(UnsafeRawBufferPointer(rebasing: buffer[start..<end]))
                    start = end
                }
            }
            #expect(hasher.finalize().bytes == Self.reference(bytes), "length \(length)")
        }
    }

    @Test(arguments: vectorFiles())
    func everyBlockOfTheVectorFileHashesAsSwiftCrypto(_ file: FileCase) throws {
        let bytes = [UInt8](try Data(contentsOf: Vectors.url(file.path)))
        var blocks: [[UInt8]] = [bytes]
        if file.path.hasSuffix(".car"), var reader = try? CARReader(bytes: bytes, verifyingHashes: false) {
            while let block = try? reader.nextBlock() { blocks.append(Array(block.data)) }
        }
        for block in blocks {
            #expect(SHA256Hasher.hash(block).bytes == Self.reference(block))
            #expect(CID.compute(for: block).digest == Self.reference(block))
        }
    }

    @Test func digestOfSwiftCryptoCopiesIntoTheSameHash() {
        let message: [UInt8] = Array("abc".utf8)
        let copied = SHA256.hash(data: message).withUnsafeBytes { SHA256Hash(copying: $0) }
        #expect(copied == SHA256Hasher.hash(message))
        #expect(copied.bytes == TestSupport.bytes("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
    }
}
