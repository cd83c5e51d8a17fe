import ATRepo
import FirehoseSync
import FirehoseSynth
import IPLD
import Testing

/// A `#commit`'s ops read in place (``RepoOp/readListedInPlace(_:)``, then ``RepoOp/parseList(listed:)``, or checked
/// and composed as they are read by ``RepoOp/readOpsInPlace(_:)``) give what the generic read gives (the `ops` value decoded, then ``RepoOp/parseList(_:)``), ops and rejection alike: on the ops
/// of every frame of the corpus, on ≥ 10,000 mutations of their bytes and on ops edited into every shape the rules
/// name. When the in-place read declines, the frame goes to the generic decode, so only its acceptances are compared.
@Suite("ops in place")
struct OpsInPlaceDifferentialTests {
    /// Whether reading `bytes` (an `ops` array) in place agrees with the generic read; nil when the in-place read
    /// declined.
    static func agree(_ bytes: [UInt8]) -> Bool? {
        let listed: [RepoOp.Listed]? = bytes.withUnsafeBytes { buffer in
            var reader = DAGCBORReader(buffer)
            guard let listed = RepoOp.readListedInPlace(&reader), reader.isAtEnd else { return nil }
            return listed
        }
        guard let listed else { return nil }
        guard case .list(let raw)? = try? DAGCBOR.decode(bytes) else { return false }
        // The frame reader checks and composes the ops as it reads them: it gives what the list read then checked
        // gives, or declines (nil) where that is refused.
        let composed = bytes.withUnsafeBytes { buffer in
            var reader = DAGCBORReader(buffer)
            return RepoOp.readOpsInPlace(&reader).map { "\($0.ops) \($0.composed) \($0.listed)" }
        }
        let expected: String? = switch RepoOp.parseList(listed: listed) {
        case .success(let parsed): "\(parsed.ops) \(parsed.composed) \(listed.count)"
        case .failure: nil
        }
        guard composed == expected else { return false }
        return "\(RepoOp.parseList(listed: listed))" == "\(RepoOp.parseList(raw))"
    }

    /// The `ops` value of every frame of the corpus that has one.
    static let opsValues: [IPLDValue] = DecodeCorpus.frames.compactMap { bytes in
        guard let frame = try? Frame(decoding: bytes), let ops = frame.body["ops"] else { return nil }
        return ops
    }

    @Test func theOpsOfEveryFrameReadInPlaceAsGenerically() {
        var inPlace = 0
        for value in Self.opsValues {
            let verdict = Self.agree(DAGCBOR.encode(value))
            #expect(verdict != false)
            if verdict == true { inPlace += 1 }
        }
        print("ops in place: \(Self.opsValues.count) ops arrays, \(inPlace) read in place")
        #expect(Self.opsValues.count > 500 && inPlace > 500)
    }

    @Test func mutatedOpsReadAlike() {
        var rng = SplitMix64(seed: 31)
        var checked = 0
        var inPlace = 0
        for value in Self.opsValues {
            let bytes = DAGCBOR.encode(value)
            guard bytes.count > 2 else { continue }
            var variants: [[UInt8]] = [bytes + [0x00], Array(bytes.prefix(bytes.count / 2)), Array(bytes.dropLast())]
            for _ in 0..<6 {
                var flipped = bytes
                flipped[rng.below(bytes.count)] ^= UInt8(1 << rng.below(8))
                variants.append(flipped)
            }
            for variant in variants {
                let verdict = Self.agree(variant)
                #expect(verdict != false, "variant of \(bytes.count) bytes")
                if verdict == true { inPlace += 1 }
                checked += 1
            }
        }
        print("ops in place: \(checked) mutated ops arrays, \(inPlace) read in place")
        #expect(checked >= 10_000 && inPlace > 0)
    }

    @Test func editedOpsReadAlike() {
        let link = IPLDValue.link(CID.compute(for: [1, 2, 3]))
        let other = IPLDValue.link(CID.compute(for: [4, 5, 6]))
        let edits: [([IPLDValue]) -> [IPLDValue]] = [
            { _ in [] },
            { $0 + $0 },
            { ops in ops.map { Self.edited($0) { $0["prev"] = nil } } },
            { ops in ops.map { Self.edited($0) { $0["prev"] = .null } } },
            { ops in ops.map { Self.edited($0) { $0["prev"] = link } } },
            { ops in ops.map { Self.edited($0) { $0["cid"] = nil } } },
            { ops in ops.map { Self.edited($0) { $0["cid"] = .null } } },
            { ops in ops.map { Self.edited($0) { $0["cid"] = other } } },
            { ops in ops.map { Self.edited($0) { $0["cid"] = .int(1) } } },
            { ops in ops.map { Self.edited($0) { $0["extra"] = .int(1) } } },
            { ops in ops.map { Self.edited($0) { $0["action"] = .string("delete") } } },
            { ops in ops.map { Self.edited($0) { $0["action"] = .string("update") } } },
            { ops in ops.map { Self.edited($0) { $0["action"] = .string("create") } } },
            { ops in ops.map { Self.edited($0) { $0["action"] = .string("upsert") } } },
            { ops in ops.map { Self.edited($0) { $0["action"] = .int(0) } } },
            { ops in ops.map { Self.edited($0) { $0["path"] = .string("no-slash") } } },
            { ops in ops.map { Self.edited($0) { $0["path"] = .string("app.bsky.feed.post/é") } } },
            { ops in ops.map { Self.edited($0) { $0["path"] = .bytes([0x61]) } } },
            { ops in ops + ops.map { Self.edited($0) { $0["action"] = .string("create"); $0["prev"] = nil } } },
            { ops in ops.map { Self.edited($0) { $0["action"] = .string("delete"); $0["cid"] = .null } }
                + ops.map { Self.edited($0) { $0["action"] = .string("create") } } },
            { ops in ops + [.int(7)] },
        ]
        var checked = 0
        var inPlace = 0
        for value in Self.opsValues.prefix(300) {
            guard case .list(let ops) = value else { continue }
            for edit in edits {
                let verdict = Self.agree(DAGCBOR.encode(.list(edit(ops))))
                #expect(verdict != false, "edited ops")
                if verdict == true { inPlace += 1 }
                checked += 1
            }
        }
        print("ops in place: \(checked) edited ops arrays, \(inPlace) read in place")
        #expect(checked > 1000 && inPlace > 500)
    }

    /// `op` (a map) with `edit` applied.
    static func edited(_ op: IPLDValue, _ edit: (inout [String: IPLDValue]) -> Void) -> IPLDValue {
        guard case .map(var map) = op else { return op }
        edit(&map)
        return .map(map)
    }
}
