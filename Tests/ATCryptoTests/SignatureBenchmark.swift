import ATCrypto
import Crypto
import Foundation
import Testing

/// A manual throughput measurement, skipped unless `BREAKWATER_BENCH=1`. Run once in release:
/// `BREAKWATER_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter SignatureBenchmark`.
/// It prints figures (per-thread CPU time, so a loaded machine does not skew them) and asserts
/// nothing about time.
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
        let verifyStart = threadCPUSeconds()
        for _ in 0..<verifications where publicKey.verify(signature: signature, digest: digest).isValid { valid += 1 }
        let verifyTime = threadCPUSeconds() - verifyStart

        let hashedStart = threadCPUSeconds()
        for _ in 0..<verifications where publicKey.verify(signature: signature, message: message).isValid { valid += 1 }
        let hashedTime = threadCPUSeconds() - hashedStart

        let signatures = 2_000
        var last: [UInt8] = []
        let signStart = threadCPUSeconds()
        for index in 0..<signatures { last = key.sign(message: message + [UInt8(truncatingIfNeeded: index)]) }
        let signTime = threadCPUSeconds() - signStart

        let parses = 20_000
        let didKey = publicKey.didKey
        let parseStart = threadCPUSeconds()
        for _ in 0..<parses { _ = try? PublicKey(didKey: didKey) }
        let parseTime = threadCPUSeconds() - parseStart

        print(String(format: "bench %@: verify(digest) %.0f/s, verify(200-byte message) %.0f/s, sign %.1f µs/signature, did:key parse %.1f µs",
                     curve.rawValue,
                     Double(verifications) / verifyTime,
                     Double(verifications) / hashedTime,
                     signTime / Double(signatures) * 1e6,
                     parseTime / Double(parses) * 1e6))
        #expect(valid == 2 * verifications)
        #expect(last.count == 64)
    }
}

/// CPU time consumed by the calling thread, in seconds.
private func threadCPUSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}
