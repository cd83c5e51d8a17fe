package import ATCrypto
import ATRepo
import FirehoseSync
import IPLD

/// `bench signatures`: single-core ECDSA verifications per second on a recording's own keys, messages (unsigned
/// commit bytes, hashed as in the pipeline) and signatures.
package enum SignatureBound {
    /// One curve's figure.
    package struct Result: Sendable {
        /// The curve.
        package let curve: Curve
        /// The signatures sampled (0: the recording has none of this curve).
        package let samples: Int
        /// Verifications per CPU second.
        package let perSecond: Int
    }

    /// Collects up to `limit` valid signatures per curve from `recording`, then verifies them over and over for at
    /// least `seconds` CPU seconds per curve.
    package static func measure(recording: String, limit: Int, seconds: Double) async throws -> [Result] {
        var commits = try BenchCommits(recording: recording)
        var samples: [Curve: [(key: PublicKey, message: [UInt8], signature: [UInt8])]] = [.k256: [], .p256: []]
        while let (_, event) = try commits.next() {
            guard let key = await commits.key(for: event), samples[key.curve, default: []].count < limit,
                  let car = try? CARFile(bytes: event.blocks), let bytes = car.data(for: event.commit),
                  let commit = try? Commit(block: Array(bytes)) else { continue }
            let message = commit.unsignedBytes
            guard key.verify(signature: commit.signature, message: message).isValid else { continue }
            samples[key.curve, default: []].append((key, message, commit.signature))
            if samples.values.allSatisfy({ $0.count >= limit }) { break }
        }
        var results: [Result] = []
        for curve in [Curve.k256, .p256] {
            let set = samples[curve] ?? []
            guard !set.isEmpty else {
                results.append(Result(curve: curve, samples: 0, perSecond: 0))
                continue
            }
            var count = 0
            var valid = 0
            let start = threadCPUSeconds()
            var elapsed = 0.0
            repeat {
                for sample in set where sample.key.verify(signature: sample.signature, message: sample.message).isValid {
                    valid += 1
                }
                count += set.count
                elapsed = threadCPUSeconds() - start
            } while elapsed < seconds
            guard valid == count else { throw ServiceError("bench-failed", "a sampled signature stopped verifying") }
            results.append(Result(curve: curve, samples: set.count, perSecond: Int(Double(count) / elapsed)))
        }
        return results
    }
}
