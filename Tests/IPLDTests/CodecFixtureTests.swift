import FirehoseTesting
import Foundation
import IPLD
import Testing

/// ipld/codec-fixtures (vectors README §2.14): 69 in-model fixtures round-trip byte-exactly; the 59
/// others (floats, non-blessed or v0 CIDs, integers beyond Int64) are refused with the matching code.
@Suite struct CodecFixtureTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let cid: String
        let bytes: [UInt8]
        var testDescription: String { name }
    }

    static let folder = "ipld-codec-fixtures/fixtures"
    static let negativePath = "ipld-codec-fixtures/negative-fixtures/dag-cbor/decode/duplicate-keys.json"
    /// The refusal codes allowed for out-of-model fixtures.
    static let outOfModelCodes: Set<IPLDError.Code> = [.floatForbidden, .unsupportedCID, .integerOutOfRange]

    static func cases() -> [Case] {
        Vectors.files(under: folder, suffix: ".dag-cbor").map { url in
            let name = url.deletingLastPathComponent().lastPathComponent
            let cid = url.deletingPathExtension().lastPathComponent
            let bytes = (try? Data(contentsOf: url)).map { [UInt8]($0) } ?? []
            return Case(name: name, cid: cid, bytes: bytes)
        }
    }

    struct Negative: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        var testDescription: String { name }
    }

    static func negatives() -> [Negative] {
        Fixture.array(negativePath).map {
            Negative(name: $0["name"]?.stringValue ?? "?", bytes: Vectors.hex($0["hex"]?.stringValue ?? "") ?? [])
        }
    }

    @Test func vectorCounts() {
        let all = Self.cases()
        Fixture.report(Self.folder, count: all.count, expected: 128)
        var accepted = 0, refused = 0
        for item in all {
            if (try? DAGCBOR.decode(item.bytes)) != nil { accepted += 1 } else { refused += 1 }
        }
        print("vectors: \(Self.folder): \(accepted) in the atproto model, \(refused) refused")
        #expect(accepted == 69)
        #expect(refused == 59)
        Fixture.report(Self.negativePath, count: Self.negatives().count, expected: 1)
    }

    @Test(arguments: cases())
    func inModelFixturesRoundTripAndOthersAreRefused(_ item: Case) throws {
        // The file name is the CID of the exact bytes.
        let named = try CID(string: item.cid)
        #expect(CID.compute(for: item.bytes) == named)
        do {
            let value = try DAGCBOR.decode(item.bytes)
            let encoded = DAGCBOR.encode(value)
            #expect(encoded == item.bytes)
            #expect(CID.compute(for: encoded) == named)
        } catch {
            #expect(Self.outOfModelCodes.contains(error.code), "\(item.name): unexpected refusal \(error)")
        }
    }

    @Test(arguments: negatives())
    func negativeFixturesAreRefused(_ item: Negative) {
        expectRefusal(item.bytes, .duplicateMapKey, "\(item.name)")
    }
}
