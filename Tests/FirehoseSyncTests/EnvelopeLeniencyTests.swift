import ATRepo
import FirehoseSync
import IPLD
import Testing

/// Unsigned envelope metadata is read leniently (Docs/CONTRACT.md §3 step 2): each deviation a warning, never a
/// rejection; what is signed or proven stays strict.
@Suite("Envelope leniency with conformance warnings")
struct EnvelopeLeniencyTests {
    static let did = "did:plc:44ybard66vv44zksje25o7dz"
    static let cidA = CID.compute(for: [0xa1, 0x61, 0x61, 0x01])
    static let cidB = CID.compute(for: [0xa1, 0x61, 0x62, 0x02])

    static func body(ops: [RepoOp] = [RepoOp(action: .create, path: "app.bsky.feed.post/3lmxjza3nva27", cid: cidA)]) -> [String: IPLDValue] {
        CommitEvent(seq: 7, repo: did, rev: "3lmxjza3nva27", since: nil, commit: cidA, blocks: [1, 2, 3], ops: ops,
                    prevData: nil, time: "2025-04-16T12:00:00.000Z").body
    }

    /// Every variation seen on the live network, and the warning it must earn.
    nonisolated(unsafe) static let variations: [(String, (inout [String: IPLDValue]) -> Void, [ConformanceWarning])] = [
        ("lexicon form", { _ in }, []),
        ("since \"\"", { $0["since"] = .string("") }, [.sinceEmpty]),
        ("time without zone", { $0["time"] = .string("2026-07-04T14:38:07.546") }, [.timeNonstandard]),
        ("time with 9 fraction digits, no zone", { $0["time"] = .string("2026-07-04T14:38:07.546123456") }, [.timeNonstandard]),
        ("time without fraction or zone", { $0["time"] = .string("2026-07-04T14:38:07") }, [.timeNonstandard]),
        ("time with lowercase z", { $0["time"] = .string("2026-07-04T14:38:07.546z") }, [.timeNonstandard]),
        ("time with -00:00", { $0["time"] = .string("2026-07-04T14:38:07-00:00") }, [.timeNonstandard]),
        ("time with +02:00", { $0["time"] = .string("2026-07-04T16:38:07.546+02:00") }, []),
        ("time absent", { $0["time"] = nil }, [.timeMissing]),
        ("time null", { $0["time"] = .null }, [.timeMissing]),
        ("time unreadable", { $0["time"] = .string("yesterday") }, [.timeUnreadable]),
        ("time not a string", { $0["time"] = .int(1_720_000_000) }, [.timeUnreadable]),
        ("blobs absent", { $0["blobs"] = nil }, [.blobsAbsent]),
        ("rebase and tooBig absent", { $0["rebase"] = nil; $0["tooBig"] = nil }, [.rebaseAbsent, .tooBigAbsent]),
        ("all at once", { $0["since"] = .string(""); $0["time"] = nil; $0["blobs"] = nil; $0["rebase"] = nil; $0["tooBig"] = nil },
         [.blobsAbsent, .rebaseAbsent, .sinceEmpty, .timeMissing, .tooBigAbsent]),
    ]

    @Test("unsigned metadata deviations are warnings, not rejections", arguments: 0..<variations.count)
    func unsignedMetadataDeviationIsAWarning(_ index: Int) throws {
        let (name, mutate, warnings) = Self.variations[index]
        var body = Self.body()
        mutate(&body)
        let event = try CommitEvent.parse(body).get()
        #expect(event.warnings.sorted() == warnings, "\(name)")
        if warnings.contains(.sinceEmpty) { #expect(event.since == nil) }
        if warnings.contains(.timeMissing) || warnings.contains(.timeUnreadable) { #expect(event.time == nil && event.timeMicros == nil) }
        #expect(!event.tooBig && !event.rebase)
    }

    @Test func aTimeWithoutZoneIsReadAsUTC() throws {
        var body = Self.body()
        body["time"] = .string("2026-07-04T14:38:07.546")
        let event = try CommitEvent.parse(body).get()
        var strict = Self.body()
        strict["time"] = .string("2026-07-04T14:38:07.546Z")
        #expect(event.timeMicros == (try CommitEvent.parse(strict).get()).timeMicros)
        #expect(event.timeMicros != nil)
    }

    /// Wrong types stay malformed: leniency is about absent or differently written metadata, not anything at all.
    @Test(arguments: ["since", "blobs", "rebase", "tooBig"])
    func aWrongTypeIsStillMalformed(field: String) {
        var body = Self.body()
        body[field] = .int(3)
        guard case .failure(let rejection) = CommitEvent.parse(body) else {
            Issue.record("\(field) as an integer accepted")
            return
        }
        #expect(rejection.reason == .malformedEvent)
    }

    @Test func trueDeprecatedFlagsAreStillRejected() {
        for field in ["tooBig", "rebase"] {
            var body = Self.body()
            body[field] = .bool(true)
            #expect(CommitEvent.parse(body).failureReason == .deprecatedFlag)
        }
    }

    @Test(arguments: ["#sync", "#identity", "#account"])
    func otherEventTypesReadTimeLeniently(type: String) throws {
        let base: [String: IPLDValue] = switch type {
        case "#sync": ["seq": .int(3), "did": .string(Self.did), "rev": .string("3lbbbbbbbbb22"), "blocks": .bytes([])]
        case "#identity": ["seq": .int(3), "did": .string(Self.did)]
        default: ["seq": .int(3), "did": .string(Self.did), "active": .bool(true)]
        }
        let cases: [(IPLDValue?, ConformanceWarning?)] = [
            (.string("2026-07-04T14:38:07.546Z"), nil), (.string("2026-07-04T14:38:07.546"), .timeNonstandard),
            (nil, .timeMissing), (.string("soon"), .timeUnreadable),
        ]
        for (time, expected) in cases {
            var body = base
            body["time"] = time
            let message = try FirehoseMessage.classify(Frame(op: 1, type: type, body: body)).get()
            let warnings: [ConformanceWarning]
            switch message {
            case .sync(let e): warnings = e.warnings
            case .identity(let e): warnings = e.warnings
            case .account(let e): warnings = e.warnings
            default: warnings = [.timeUnreadable, .timeMissing]
            }
            #expect(warnings == (expected.map { [$0] } ?? []), "\(type) time \(String(describing: time))")
        }
    }

    // MARK: - Ops on one path

    static let path = "app.bsky.actor.status/self"

    @Test func deleteThenCreateComposesIntoAnUpdate() throws {
        for createPrev in [nil, Self.cidA] {
            let body = Self.body(ops: [
                RepoOp(action: .delete, path: Self.path, cid: nil, prev: Self.cidA),
                RepoOp(action: .create, path: Self.path, cid: Self.cidB, prev: createPrev),
            ])
            let event = try CommitEvent.parse(body).get()
            #expect(event.ops == [RepoOp(action: .update, path: Self.path, cid: Self.cidB, prev: Self.cidA)])
            #expect(event.listedOpCount == 2)
            #expect(event.warnings == [.deleteCreateSamePath])
        }
    }

    @Test func theComposedUpdateKeepsTheDeletesPlaceAmongOtherOps() throws {
        let other = RepoOp(action: .create, path: "app.bsky.feed.like/3lmxjza3nva27", cid: Self.cidA)
        let body = Self.body(ops: [
            RepoOp(action: .delete, path: Self.path, cid: nil, prev: Self.cidA), other,
            RepoOp(action: .create, path: Self.path, cid: Self.cidB),
        ])
        let event = try CommitEvent.parse(body).get()
        #expect(event.ops == [RepoOp(action: .update, path: Self.path, cid: Self.cidB, prev: Self.cidA), other])
        #expect(event.listedOpCount == 3)
    }

    static let repetitions: [(String, [RepoOp], Reason)] = [
        ("create with prev alone", [RepoOp(action: .create, path: path, cid: cidB, prev: cidA)], .invalidOp),
        ("delete then create with another prev", [
            RepoOp(action: .delete, path: path, cid: nil, prev: cidA), RepoOp(action: .create, path: path, cid: cidB, prev: cidB),
        ], .invalidOp),
        ("create then delete", [
            RepoOp(action: .create, path: path, cid: cidB), RepoOp(action: .delete, path: path, cid: nil, prev: cidB),
        ], .duplicatePath),
        ("update then update", [
            RepoOp(action: .update, path: path, cid: cidB, prev: cidA), RepoOp(action: .update, path: path, cid: cidA, prev: cidB),
        ], .duplicatePath),
        ("delete twice", [
            RepoOp(action: .delete, path: path, cid: nil, prev: cidA), RepoOp(action: .delete, path: path, cid: nil, prev: cidA),
        ], .duplicatePath),
        ("delete, create, create", [
            RepoOp(action: .delete, path: path, cid: nil, prev: cidA), RepoOp(action: .create, path: path, cid: cidB),
            RepoOp(action: .create, path: path, cid: cidA),
        ], .duplicatePath),
        ("delete, create, delete", [
            RepoOp(action: .delete, path: path, cid: nil, prev: cidA), RepoOp(action: .create, path: path, cid: cidB),
            RepoOp(action: .delete, path: path, cid: nil, prev: cidB),
        ], .duplicatePath),
    ]

    @Test("other repetitions of a path keep their reasons", arguments: 0..<repetitions.count)
    func anyOtherRepetitionKeepsItsReason(_ index: Int) {
        let (name, ops, reason) = Self.repetitions[index]
        #expect(CommitEvent.parse(Self.body(ops: ops)).failureReason == reason, "\(name)")
    }
}

extension Result where Failure == Rejection {
    /// The rejection's reason, nil on success.
    var failureReason: Reason? {
        if case .failure(let rejection) = self { return rejection.reason }
        return nil
    }
}
