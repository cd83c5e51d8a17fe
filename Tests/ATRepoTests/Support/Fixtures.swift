import ATRepo
import FirehoseTesting
import Foundation
import IPLD

/// Helpers shared by the ATRepo tests.
enum Fixture {
    static func cid(_ text: String) -> CID {
        do { return try CID(string: text) } catch { fatalError("bad CID in fixture: \(text)") }
    }

    static func key(_ text: String) -> [UInt8] { Array(text.utf8) }

    static func object(_ path: String) -> [String: Any] {
        (try? Vectors.json(path) as? [String: Any]) ?? [:]
    }

    static func array(_ path: String) -> [[String: Any]] {
        (try? Vectors.json(path) as? [[String: Any]]) ?? []
    }

    /// Decodes `{cid: base64}` block maps.
    static func blocks(_ value: Any?) -> BlockMap {
        var map = BlockMap()
        for (cidText, encoded) in (value as? [String: String]) ?? [:] {
            guard let bytes = Vectors.base64(encoded) else { fatalError("bad base64 for \(cidText)") }
            map.insert(bytes, for: cid(cidText))
        }
        return map
    }

    static func tree(_ keys: [String], value: CID) throws -> MST {
        try MST(sorted: keys.map(key).sorted { $0.lexicographicallyPrecedes($1) }.map { ($0, value) })
    }
}

/// A small deterministic PRNG (SplitMix64) for the property tests.
struct SeededGenerator: RandomNumberGenerator {
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
