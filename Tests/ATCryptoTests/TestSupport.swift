import Foundation
import FirehoseTesting

/// Small helpers shared by the ATCrypto tests.
enum TestSupport {
    /// Lowercase hex of bytes.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// Decodes trusted hex written in a test (crashes the test on a typo, which is what we want).
    static func bytes(_ hex: String) -> [UInt8] {
        guard let bytes = Vectors.hex(hex) else { fatalError("bad hex literal in test: \(hex)") }
        return bytes
    }

    /// Loads a JSON array of objects from the vectors folder (empty on failure, so count tests fail).
    static func objects(_ path: String) -> [[String: Any]] {
        (try? Vectors.json(path)) as? [[String: Any]] ?? []
    }

    /// Whether a 64-byte r‖s signature has s ≤ halfOrder (both 32-byte big-endian).
    static func isLowS(_ signature: [UInt8], halfOrder: [UInt8]) -> Bool {
        guard signature.count == 64 else { return false }
        let s = Array(signature[32..<64])
        return s.lexicographicallyPrecedes(halfOrder) || s == halfOrder
    }
}

/// SplitMix64: a tiny seeded PRNG so random tests are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }
}
