import ATIdentity
import ArgumentParser
import ATCrypto
import ATRepo
import FirehoseIngest
import FirehoseStore
import FirehoseSync
import Foundation
import IPLD

/// `breakwater bench` (hidden): measurements for `Scripts/bench.sh` (issue 08). Not part of the user-facing
/// contract; its output is `key=value` lines for the script.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measurements for Scripts/bench.sh (signature bound, per-stage costs).",
        shouldDisplay: false,
        subcommands: [BenchSignatures.self, BenchStages.self]
    )
}

/// CPU time of the calling thread, in seconds (the machine is shared, so wall time would measure the neighbours).
func threadCPUSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// The `#commit` frames of a recording, with the signing key each must be checked with.
struct BenchCommits {
    let keys: StaticIdentityDirectory
    var reader: RecordingFrames.SyncIterator

    init(recording: String) throws {
        let location = RecordingLocation(path: recording)
        keys = try IdentityLoading.staticKeys(path: location.identities.path, required: true)
        reader = try RecordingFrames.SyncIterator(path: location.frames.path)
    }

    /// The next frame that decodes as a `#commit`, with its bytes; nil at the end.
    mutating func next() throws -> (bytes: [UInt8], event: CommitEvent)? {
        while let bytes = try reader.next() {
            guard let frame = try? Frame(decoding: bytes),
                  case .success(.commit(let event)) = FirehoseMessage.classify(frame) else { continue }
            return (bytes, event)
        }
        return nil
    }

    func key(for event: CommitEvent) async -> PublicKey? {
        if case .key(let key, _) = await keys.signingKey(for: event.repo, seq: event.seq, fresh: false) { return key }
        return nil
    }
}

/// `breakwater bench signatures REC`: single-core ECDSA verifications per second on the recording's own keys,
/// messages (unsigned commit bytes, hashed as in the pipeline) and signatures: the bound of issue 08.
struct BenchSignatures: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "signatures", abstract: "Single-core signature bound.")

    @Argument(help: "Recording folder.")
    var recording: String

    @Option(help: "Signatures collected per curve.")
    var limit: Int = 4000

    @Option(help: "Minimum CPU seconds measured per curve.")
    var seconds: Double = 2

    func run() async throws {
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
        for curve in [Curve.k256, .p256] {
            let set = samples[curve] ?? []
            guard !set.isEmpty else {
                print("\(curve.rawValue)_per_second=0")
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
            guard valid == count else { throw OperationalError("bench-failed", "a sampled signature stopped verifying") }
            print("\(curve.rawValue)_samples=\(set.count)")
            print("\(curve.rawValue)_per_second=\(Int(Double(count) / elapsed))")
        }
    }
}

/// `breakwater bench stages REC`: the cost per `#commit` of each verification stage, run one stage at a time
/// over chunks of commits (so the timer is read twice per stage and chunk, not per commit): frame decode and
/// envelope checks; CAR parse with every block hashed; commit decode and signature; forward check and
/// inversion; the SQLite write of the account states and outcomes (batches of 1,000).
struct BenchStages: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stages", abstract: "Per-stage cost per commit.")

    @Argument(help: "Recording folder.")
    var recording: String

    @Option(help: "Commits measured (the first N of the recording).")
    var limit: Int = 50_000

    @Option(help: "SQLite database to write into (a fresh file).")
    var db: String

    func run() async throws {
        var commits = try BenchCommits(recording: recording)
        let store = try DatabaseAccess.writable(db)
        var totals = [Double](repeating: 0, count: 5)
        var measured = 0
        var failures = 0
        var done = false
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
            var cars: [CARFile?] = []
            cars.reserveCapacity(events.count)
            for event in events { cars.append(try? CARFile(bytes: event.blocks)) }
            totals[1] += threadCPUSeconds() - t
            // 3. Commit block decode, unsigned bytes, signature.
            t = threadCPUSeconds()
            var signed: [Commit?] = []
            signed.reserveCapacity(events.count)
            for (index, event) in events.enumerated() {
                guard let car = cars[index], let bytes = car.data(for: event.commit),
                      let commit = try? Commit(block: Array(bytes), cid: event.commit, hashVerified: true),
                      commit.verifySignature(with: chunk[index].key).isValid
                else { signed.append(nil); failures += 1; continue }
                signed.append(commit)
            }
            totals[2] += threadCPUSeconds() - t
            // 4. Forward check and inversion.
            t = threadCPUSeconds()
            for (index, event) in events.enumerated() {
                guard let car = cars[index], let commit = signed[index] else { continue }
                if case .invalid = CommitProof.verify(data: commit.data, prevData: event.prevData, ops: event.ops, blocks: car) {
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
            measured += events.count
        }
        let names = ["decode", "car", "signature", "proof", "store"]
        print("commits=\(measured)")
        print("failures=\(failures)")
        for (name, total) in zip(names, totals) {
            print("\(name)_us=\(String(format: "%.2f", measured > 0 ? total / Double(measured) * 1e6 : 0))")
        }
    }
}
