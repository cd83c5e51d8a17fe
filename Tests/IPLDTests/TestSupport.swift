import FirehoseTesting
import Foundation
import IPLD
import Testing

/// Helpers shared by the IPLD test suites.
enum Fixture {
    /// Raw bytes of a vector file, or empty when missing (count assertions then fail).
    static func bytes(_ relativePath: String) -> [UInt8] {
        (try? Vectors.data(relativePath)).map { [UInt8]($0) } ?? []
    }

    /// A vector file parsed with our own JSON parser (number literals kept), or null when unreadable.
    static func json(_ relativePath: String) -> JSONValue {
        (try? JSONParser.parse(bytes(relativePath))) ?? .null
    }

    /// The elements of a top-level JSON array file.
    static func array(_ relativePath: String) -> [JSONValue] {
        json(relativePath).arrayValue ?? []
    }

    /// Prints and checks the number of cases a test ran from a file.
    static func report(_ relativePath: String, count: Int, expected: Int) {
        print("vectors: \(relativePath): \(count) cases")
        #expect(count == expected, "\(relativePath): expected \(expected) cases, found \(count)")
    }
}

/// Decodes, expecting a specific refusal code.
func expectRefusal(_ bytes: [UInt8], _ code: IPLDError.Code, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        let value = try DAGCBOR.decode(bytes)
        Issue.record("expected \(code), decoded \(value) \(comment.map { "(\($0))" } ?? "")", sourceLocation: sourceLocation)
    } catch {
        #expect(error.code == code, "\(comment.map { "\($0): " } ?? "")got \(error)", sourceLocation: sourceLocation)
    }
}

/// A small deterministic PRNG (SplitMix64) so property tests are reproducible without dependencies.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
