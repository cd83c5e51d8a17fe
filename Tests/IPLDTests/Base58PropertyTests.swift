import IPLD
import Testing

/// base58btc decodes what it encodes (leading zero bytes as leading `1`s included), and refuses characters outside
/// its alphabet and input over 1,024 characters: checked on 2,000 random byte strings against a plain model of the
/// leading zeros.
@Suite("base58btc")
struct Base58PropertyTests {
    @Test func decodingInvertsEncoding() {
        var random = SplitMix64(seed: 58)
        func next() -> UInt64 { random.next() }
        var checked = 0
        for _ in 0..<2000 {
            let zeros = Int(next() % 4)
            let length = Int(next() % 48)
            let bytes = [UInt8](repeating: 0, count: zeros) + (0..<length).map { _ in UInt8(truncatingIfNeeded: next()) }
            let text = Base58.encode(bytes)
            #expect(text.prefix { $0 == "1" }.count == bytes.prefix { $0 == 0 }.count)
            #expect(Base58.decode(text) == bytes, "\(bytes)")
            checked += 1
        }
        #expect(Base58.decode("0OIl") == nil)
        #expect(Base58.decode("z0") == nil)
        #expect(Base58.decode(String(repeating: "z", count: 1025)) == nil)
        #expect(Base58.decode("") == [])
        print("base58btc: \(checked) random byte strings round-trip")
    }
}
