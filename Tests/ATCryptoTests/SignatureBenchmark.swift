import ATCrypto
import Crypto
import Foundation
import Testing

/// A manual throughput measurement, skipped unless `BREAKWATER_BENCH=1`. Run once in release:
/// `BREAKWATER_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter SignatureBenchmark`.
/// It prints figures and asserts nothing about time.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["BREAKWATER_BENCH"] == "1"))
struct SignatureBenchmark {
    @Test(arguments: Curve.allCases)
    func measureVerificationAndSigning(_ curve: Curve) {
        let key = PrivateKey.derive(curve: curve, seed: Array("bench".utf8))
        let message = [UInt8](repeating: 0x5a, count: 200)
        let digest = SHA256.hash(data: message)
        let signature = key.sign(digest: digest)
        let publicKey = key.publicKey

        let verifications = 20_000
        var valid = 0
        let verifyStart = ContinuousClock.now
        for _ in 0..<verifications where publicKey.verify(signature: signature, digest: digest).isValid { valid += 1 }
        let verifyTime = ContinuousClock.now - verifyStart

        let hashedStart = ContinuousClock.now
        for _ in 0..<verifications where publicKey.verify(signature: signature, message: message).isValid { valid += 1 }
        let hashedTime = ContinuousClock.now - hashedStart

        let signatures = 2_000
        var last: [UInt8] = []
        let signStart = ContinuousClock.now
        for index in 0..<signatures { last = key.sign(message: message + [UInt8(truncatingIfNeeded: index)]) }
        let signTime = ContinuousClock.now - signStart

        let parses = 20_000
        let didKey = publicKey.didKey
        let parseStart = ContinuousClock.now
        for _ in 0..<parses { _ = try? PublicKey(didKey: didKey) }
        let parseTime = ContinuousClock.now - parseStart

        func seconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
        print(String(format: "bench %@: verify(digest) %.0f/s, verify(200-byte message) %.0f/s, sign %.1f µs/signature, did:key parse %.1f µs",
                     curve.rawValue,
                     Double(verifications) / seconds(verifyTime),
                     Double(verifications) / seconds(hashedTime),
                     seconds(signTime) / Double(signatures) * 1e6,
                     seconds(parseTime) / Double(parses) * 1e6))
        #expect(valid == 2 * verifications)
        #expect(last.count == 64)
    }
}
