import IPLD
import Testing

/// The in-place readers and writers of the 36-byte binary CID agree with the general ones: `CID.readBinary` accepts
/// exactly the 36-byte inputs that `CID.parse` reads to their end, with the same CID, and `CID.write(to:)` writes
/// the bytes `CID.append(to:)` appends.
@Suite struct CIDBinaryFormTests {
    /// A valid dag-cbor and a valid raw CID, then each of their first four bytes set to every value, then random
    /// bytes after a valid header.
    static func cases() -> [[UInt8]] {
        var out: [[UInt8]] = []
        let valid = [CID.compute(for: [0x61]).bytes, CID.compute(for: [0x62], codec: .raw).bytes]
        out += valid
        for bytes in valid {
            for position in 0..<4 {
                for value in 0...255 {
                    var changed = bytes
                    changed[position] = UInt8(value)
                    out.append(changed)
                }
            }
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<256 {
            out.append([0x01, [0x71, 0x55].randomElement(using: &generator)!, 0x12, 0x20] + (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        }
        return out
    }

    @Test func readBinaryAcceptsExactlyWhatParseReadsToTheEnd() {
        var checked = 0
        var accepted = 0
        for bytes in Self.cases() {
            let fast = bytes.withUnsafeBytes { CID.readBinary($0, at: 0) }
            var offset = 0
            let parsed = try? bytes.withUnsafeBytes { buffer throws(IPLDError) in try CID.parse(buffer, offset: &offset) }
            let reference = offset == bytes.count ? parsed : nil
            #expect(fast == reference, "\(bytes.prefix(4))")
            if fast != nil { accepted += 1 }
            checked += 1
        }
        print("CIDBinaryFormTests: \(checked) 36-byte inputs read, \(accepted) accepted")
        #expect(checked > 2000)
        #expect(accepted >= 258)
    }

    @Test func writeWritesWhatAppendAppends() {
        var checked = 0
        for bytes in Self.cases() {
            guard let cid = try? CID(bytes: bytes) else { continue }
            var appended: [UInt8] = []
            cid.append(to: &appended)
            var written = [UInt8](repeating: 0, count: CID.binaryLength)
            written.withUnsafeMutableBytes { cid.write(to: $0.baseAddress!) }
            #expect(written == appended)
            #expect(written == bytes)
            checked += 1
        }
        print("CIDBinaryFormTests: \(checked) CIDs written")
        #expect(checked >= 258)
    }
}
