import ATCrypto
import ATSyntax
import FirehoseSync
import FirehoseTesting
import Foundation

/// Six real commits of one account that chain (`Replays/indigo-post-lifecycle`), its signing key, and a key that
/// is not its own: the material of the account machine's and commit checker's rule tests.
enum PostLifecycle {
    static let did = "did:plc:44ybard66vv44zksje25o7dz"
    static let folder = Vectors.projectRoot.appendingPathComponent("Replays/indigo-post-lifecycle")

    /// The account's `#atproto` key (the recording's identities file).
    static let key = try! PublicKey(didKey: "did:key:zQ3shULQPBZrbHpyf48oS68ZudUDQNdtWrhV8dafhaTFFUeGP")
    /// A K-256 key that signed none of the commits.
    static let otherKey = PrivateKey.derive(curve: .k256, seed: Array(repeating: 7, count: 32)).publicKey

    /// The commits in stream order.
    static let commits: [CommitEvent] = {
        let frames = try! RecordedFrameFile.frames(at: folder.appendingPathComponent("frames.bin"))
        return frames.enumerated().compactMap { index, bytes in
            if case .message(.commit(let event), _, _) = DecodedEvent.decode(bytes, index: index) { return event }
            return nil
        }
    }()

    /// Now, for the future-rev rule (the commits are from 2025).
    static var now: VerificationTime { VerificationTime(micros: Int64(Date().timeIntervalSince1970 * 1_000_000)) }

    /// The instant a commit's rev names (µs since the epoch).
    static func revMicros(_ event: CommitEvent) -> Int64 { Int64(try! TID(event.rev).microseconds) }
}

extension AccountMachine.Answer {
    /// The step, nil for a fresh-key request.
    var step: StepResult? {
        if case .step(let step) = self { return step }
        return nil
    }
}
