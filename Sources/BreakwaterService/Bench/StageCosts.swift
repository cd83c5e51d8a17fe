import ATCrypto
import ATRepo
import FirehoseIngest
package import FirehoseStore
import FirehoseSync
import IPLD

/// `bench stages`: the cost per `#commit` of each verification stage, run one stage at a time over chunks of
/// commits (so the timer is read twice per stage and chunk, not per commit): frame decode and envelope checks; CAR
/// parse with every block hashed; commit decode and signature; forward check and inversion (``SliceProof``, one
/// arena for the run); the SQLite write of the account states and outcomes (batches of 1,000). The first three stages are measured again through the generic
/// decoders the in-place ones replaced (`Frame` and `classify`, `CARFile`, `Commit` with its re-encoded unsigned
/// bytes), and the signature alone over a digest computed beforehand, for comparison.
package enum StageCosts {
    /// The stages, in the order of ``Result/microsecondsPerCommit``.
    package static let names = ["decode", "car", "signature", "proof", "store",
                                "decode_generic", "car_generic", "signature_generic", "signature_bare"]

    /// What was measured.
    package struct Result: Sendable {
        /// Commits measured.
        package let commits: Int
        /// Commits whose signature or proof failed.
        package let failures: Int
        /// CPU µs per commit, per stage (``names``).
        package let microsecondsPerCommit: [Double]
    }

    /// Measures the first `limit` commits of `recording`, writing into `store`.
    package static func measure(recording: String, limit: Int, store: SQLiteStateStore) async throws -> Result {
        var commits = try BenchCommits(recording: recording)
        var totals = [Double](repeating: 0, count: names.count)
        var measured = 0
        var failures = 0
        var done = false
        let proofArena = SliceProofArena()  // one per worker, as the pipeline holds it
        while !done {
            var chunk: [(bytes: [UInt8], key: PublicKey)] = []
            while chunk.count < 1000, measured + chunk.count < limit {
                guard let (bytes, event) = try commits.next() else { done = true; break }
                if let key = await commits.key(for: event) { chunk.append((bytes, key)) }
            }
            if measured + chunk.count >= limit { done = true }
            guard !chunk.isEmpty else { break }
            // 1. Frame decode and envelope checks.
            var t = threadCPUSeconds()
            var events: [CommitEvent] = []
            events.reserveCapacity(chunk.count)
            for (index, item) in chunk.enumerated() {
                if case .message(.commit(let event), _, _) = DecodedEvent.decode(item.bytes, index: index) { events.append(event) }
            }
            totals[0] += threadCPUSeconds() - t
            // 2. CAR parse, every block hashed against its CID.
            t = threadCPUSeconds()
            var cars: [CARSlice?] = []
            cars.reserveCapacity(events.count)
            for event in events { cars.append(try? CARSlice(bytes: event.blocks)) }
            totals[1] += threadCPUSeconds() - t
            // 3. Commit block read in place, signing digest, signature.
            t = threadCPUSeconds()
            var signed: [CommitView?] = []
            signed.reserveCapacity(events.count)
            for (index, event) in events.enumerated() {
                guard let car = cars[index], let bytes = car.data(for: event.commit),
                      let commit = try? CommitView(block: Array(bytes), cid: event.commit, hashVerified: true),
                      commit.verifySignature(with: chunk[index].key).isValid
                else { signed.append(nil); failures += 1; continue }
                signed.append(commit)
            }
            totals[2] += threadCPUSeconds() - t
            // 4. Forward check and inversion.
            t = threadCPUSeconds()
            for (index, event) in events.enumerated() {
                guard let car = cars[index], let commit = signed[index] else { continue }
                if case .invalid = SliceProof.verify(data: commit.data, prevData: event.prevData, ops: event.ops, blocks: car,
                                                     arena: proofArena) {
                    failures += 1
                }
            }
            totals[3] += threadCPUSeconds() - t
            // 5. Store: account states and outcomes, as the pipeline's writer batches them.
            t = threadCPUSeconds()
            var batch = StoreBatch()
            for (index, event) in events.enumerated() {
                let line = OutcomeLine(index: measured + index, seq: event.seq, type: .commit, did: event.repo, rev: event.rev,
                                       outcome: .verified, reason: nil, detail: nil)
                batch.outcomes.append(RecordedOutcome(line: line, frame: nil, processedAt: 0))
                batch.accounts[event.repo] = AccountState(did: event.repo, rev: event.rev, data: signed[index]?.data,
                                                          commit: event.commit, lastSeq: event.seq)
            }
            batch.cursor = ("bench", Int64(measured + events.count))
            try store.write(batch)
            totals[4] += threadCPUSeconds() - t
            measureGeneric(chunk, events: events, into: &totals)
            measured += events.count
        }
        return Result(commits: measured, failures: failures,
                      microsecondsPerCommit: totals.map { measured > 0 ? $0 / Double(measured) * 1e6 : 0 })
    }

    /// Stages 1–3 through the generic decoders, and the bare signature check over digests computed beforehand.
    private static func measureGeneric(_ chunk: [(bytes: [UInt8], key: PublicKey)], events: [CommitEvent], into totals: inout [Double]) {
        var t = threadCPUSeconds()
        var decoded = 0
        for (index, item) in chunk.enumerated() {
            if case .message(.commit, _, _) = DecodedEvent.decodeGeneric(item.bytes, index: index) { decoded += 1 }
        }
        totals[5] += threadCPUSeconds() - t
        t = threadCPUSeconds()
        var cars: [CARFile?] = []
        cars.reserveCapacity(events.count)
        for event in events { cars.append(try? CARFile(bytes: event.blocks)) }
        totals[6] += threadCPUSeconds() - t
        t = threadCPUSeconds()
        var verified = 0
        for (index, event) in events.enumerated() {
            guard let car = cars[index], let bytes = car.data(for: event.commit),
                  let commit = try? Commit(block: Array(bytes), cid: event.commit, hashVerified: true),
                  chunk[index].key.verify(signature: commit.signature, message: commit.unsignedBytes).isValid else { continue }
            verified += 1
        }
        totals[7] += threadCPUSeconds() - t
        var views: [(view: CommitView, key: PublicKey)] = []
        for (index, event) in events.enumerated() {
            if let car = cars[index], let bytes = car.data(for: event.commit),
               let view = try? CommitView(block: Array(bytes), cid: event.commit, hashVerified: true) { views.append((view, chunk[index].key)) }
        }
        t = threadCPUSeconds()
        var bare = 0
        for (view, key) in views where view.verifySignature(with: key).isValid { bare += 1 }
        totals[8] += threadCPUSeconds() - t
        precondition(decoded == events.count && verified == bare, "the generic and in-place decoders disagree")
    }
}
