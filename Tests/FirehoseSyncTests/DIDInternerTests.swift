import FirehoseSync
import Testing

/// One string per DID for a reader's frames (``DIDInterner``): the same bytes give the string made before, other bytes
/// another string, a full cache replaces entries without mixing DIDs up, and decoding with an interner gives exactly
/// what decoding without one gives, on every frame of the corpus.
@Suite("DID interner")
struct DIDInternerTests {
    static func intern(_ text: String, in interner: inout DIDInterner) -> String {
        Array(text.utf8).withUnsafeBytes { interner.string($0) }
    }

    @Test func theSameBytesGiveTheStringMadeBeforeAndOtherBytesAnother() {
        var interner = DIDInterner(capacity: 64)
        var made: [String: String] = [:]
        // 1,000 DIDs through 64 places: entries are replaced, never confused.
        for round in 0..<3 {
            for number in 0..<1000 {
                let did = "did:plc:account\(number)"
                let interned = Self.intern(did, in: &interner)
                #expect(interned == did)
                if round == 0 { made[did] = interned }
            }
        }
        // A DID met twice in a row is the same string both times (one allocation, shared storage).
        let first = Self.intern("did:plc:repeated", in: &interner)
        let second = Self.intern("did:plc:repeated", in: &interner)
        #expect(first == second)
        #expect(first.utf8.withContiguousStorageIfAvailable { $0.baseAddress } == second.utf8.withContiguousStorageIfAvailable { $0.baseAddress })
        #expect(Self.intern("did:web:é.example", in: &interner) == "did:web:é.example")
        #expect(Self.intern("", in: &interner) == "")
        print("DID interner: 3,000 look-ups of 1,000 DIDs in 64 places")
    }

    @Test func decodingWithAnInternerGivesWhatDecodingWithoutOneGives() {
        var interner: DIDInterner? = DIDInterner(capacity: 64)
        var commits = 0
        for (index, bytes) in DecodeCorpus.frames.enumerated() {
            let plain = DecodedEvent.decode(bytes, index: index)
            let interned = DecodedEvent.decode(bytes, index: index, interning: &interner)
            #expect("\(plain)" == "\(interned)", "frame \(index)")
            if case .message(.commit, _, _) = interned { commits += 1 }
        }
        print("DID interner: \(DecodeCorpus.frames.count) frames decoded alike, \(commits) commits")
        #expect(commits > 500)
    }
}
