package import ATCrypto
package import FirehoseIngest
package import FirehoseSync
package import ATIdentity
import Foundation
import IPLD

/// The `#commit` frames of a recording, with the signing key each must be checked with.
package struct BenchCommits {
    package let keys: StaticIdentityDirectory
    package var reader: RecordingFrames.SyncIterator

    package init(recording: String) throws {
        let location = RecordingLocation(path: recording)
        keys = try IdentitiesFileLoader.load(path: location.identities.path, required: true)
        reader = try RecordingFrames.SyncIterator(path: location.frames.path)
    }

    /// The next frame that decodes as a `#commit`, with its bytes; nil at the end.
    package mutating func next() throws -> (bytes: [UInt8], event: CommitEvent)? {
        while let bytes = try reader.next() {
            guard let frame = try? Frame(decoding: bytes),
                  case .success(.commit(let event)) = FirehoseMessage.classify(frame) else { continue }
            return (bytes, event)
        }
        return nil
    }

    package func key(for event: CommitEvent) async -> PublicKey? {
        if case .key(let key, _) = await keys.signingKey(for: event.repo, seq: event.seq, fresh: false) { return key }
        return nil
    }
}
