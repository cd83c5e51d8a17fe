import ATCrypto
@testable import ATIdentity
import ATSyntax
import FirehoseSynth
import FirehoseTesting
import Foundation
import Testing

/// The one-pass reader of identities files (``IdentitiesFileReader``, behind ``StaticIdentityDirectory/init(data:)`` and
/// ``StaticIdentityDirectory/init(path:required:)``) reads what the generic path (Foundation's JSON decoder into
/// ``IdentityJSON``, then ``StaticIdentities``) reads: on every bundled identities file, generated ones and damaged
/// copies of them, both refuse with the same code and text, or both accept with the same key slots, hosts and lookup
/// answers; the one-pass reader never accepts a file the generic path refuses.
@Suite("identities file, one pass")
struct IdentitiesFileReaderDifferentialTests {
    /// How the two readings of one file compare.
    enum Outcome: Equatable {
        case refusedByBoth
        case readInOnePass(genericEntries: Int)
        case leftToTheGenericPath
        case disagree(String)
    }

    /// Tallies of outcomes.
    struct Tally: CustomStringConvertible {
        var cases = 0, refused = 0, onePass = 0, genericEntries = 0, leftToGeneric = 0
        var disagreements: [String] = []

        mutating func add(_ outcome: Outcome, _ name: String) {
            cases += 1
            switch outcome {
            case .refusedByBoth: refused += 1
            case .readInOnePass(let entries): onePass += 1; genericEntries += entries
            case .leftToTheGenericPath: leftToGeneric += 1
            case .disagree(let why): disagreements.append("\(name): \(why)")
            }
        }

        var description: String {
            "\(cases) cases: \(refused) refused by both, \(onePass) read in one pass (\(genericEntries) entries through the "
                + "generic reader), \(leftToGeneric) left to the generic path, \(disagreements.count) disagreements"
        }
    }

    /// Reads `data` both ways and compares.
    static func compare(_ data: Data) async -> Outcome {
        let old = Result { () throws(ATIdentityError) in try StaticIdentityDirectory(genericData: data) }
        let new = Result { () throws(ATIdentityError) in try StaticIdentityDirectory(data: data) }
        let tables = data.withUnsafeBytes { IdentitiesFileReader.read($0) }
        switch (old, new) {
        case (.failure(let a), .failure(let b)):
            guard a.code == .invalidIdentitiesFile, a.code == b.code, a.description == b.description else {
                return .disagree("errors differ: \(a) | \(b)")
            }
            return tables == nil ? .refusedByBoth : .disagree("read in one pass, refused by the generic path: \(a)")
        case (.success(let a), .success(let b)):
            guard b.keys.values.allSatisfy({ $0.allSatisfy { !$0.key.isParsed } }) else { return .disagree("a key was parsed while reading") }
            guard snapshot(a) == snapshot(b) else { return .disagree("tables differ") }
            guard await answers(a) == answers(b) else { return .disagree("lookup answers differ") }
            guard let tables else { return .leftToTheGenericPath }
            guard snapshot(StaticIdentityDirectory(slots: tables.slots, hosts: tables.hosts)) == snapshot(a) else {
                return .disagree("one-pass tables differ")
            }
            return .readInOnePass(genericEntries: tables.genericEntries)
        default:
            return .disagree("one accepts what the other refuses")
        }
    }

    /// Every DID's slots (in order, each key parsed) and host.
    static func snapshot(_ directory: StaticIdentityDirectory) -> [String] {
        directory.keys.keys.sorted().map { did in
            let slots = directory.keys[did, default: []].map { slot in
                "\(slot.beforeSeq.map(String.init) ?? "current"): \(StaticIdentityDirectoryLazyKeyTests.text(slot.key.lookup))"
            }
            return "\(did) host \(directory.hosts[did] ?? "none") keys \(slots.joined(separator: ", "))"
        } + directory.hosts.keys.filter { directory.keys[$0] == nil }.sorted().map { "host of an absent DID \($0)" }
    }

    /// What the directory answers for each DID (and one absent) at seqs around each key change: `contains`,
    /// `pdsHost(for:)`, `signingKey(for:seq:fresh:)`.
    static func answers(_ directory: StaticIdentityDirectory) async -> [String] {
        var answers: [String] = []
        for did in directory.keys.keys.sorted() + ["did:plc:absentabsentabsentabsent"] {
            var seqs: [Int64?] = [nil, 0, .min, .max]
            for slot in directory.keys[did] ?? [] {
                if let before = slot.beforeSeq { seqs += [before &- 1, before, before &+ 1] }
            }
            answers.append("\(did) contains \(directory.contains(did)) host \(await directory.pdsHost(for: did) ?? "none")")
            for seq in seqs {
                let lookup = await directory.signingKey(for: did, seq: seq, fresh: false)
                answers.append("  seq \(seq.map(String.init) ?? "nil"): \(StaticIdentityDirectoryLazyKeyTests.text(lookup))")
            }
        }
        return answers
    }

    @Test(arguments: ["bundled", "generated"])
    func everyFileIsReadInOnePassAsTheGenericPathReadsIt(_ group: String) async {
        let files = group == "bundled" ? IdentitiesFileCorpus.bundled : IdentitiesFileCorpus.generated
        var tally = Tally()
        for file in files { tally.add(await Self.compare(file.data), file.name) }
        print("identities files, \(group): \(tally)")
        #expect(tally.disagreements.isEmpty, "\(tally.disagreements)")
        #expect(files.count > 4 && tally.onePass == files.count, "every file is read in one pass")
        if group == "generated" { #expect(tally.genericEntries > 0, "documents go through the generic reader") }
    }

    @Test(arguments: IdentitiesFileCorpus.Damage.allCases)
    func damagedFilesAreReadOrRefusedAsTheGenericPathDoes(_ damage: IdentitiesFileCorpus.Damage) async {
        var rng = SplitMix64(seed: 0x1D_E471 &+ UInt64(IdentitiesFileCorpus.Damage.allCases.firstIndex(of: damage) ?? 0))
        var tally = Tally()
        for file in IdentitiesFileCorpus.damageBases {
            for variant in IdentitiesFileCorpus.damaged(file, damage, rng: &rng) {
                tally.add(await Self.compare(variant), "\(damage) of \(file.name): \(String(decoding: variant.prefix(200), as: UTF8.self))")
            }
        }
        print("identities files, \(damage): \(tally)")
        #expect(tally.disagreements.isEmpty, "\(tally.disagreements.prefix(5))")
        #expect(tally.cases > 100 && tally.refused > 0)
    }

    @Test func aFileIsReadWholeAsFileManagerReadsIt() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("identities-read-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var checked = 0
        for (index, file) in (IdentitiesFileCorpus.bundled + IdentitiesFileCorpus.generated).enumerated() {
            let path = folder.appendingPathComponent("\(index).json").path
            try file.data.write(to: URL(fileURLWithPath: path))
            #expect(IdentitiesFileReader.contents(atPath: path).map { Data($0) } == FileManager.default.contents(atPath: path), "\(file.name)")
            let byPath = try StaticIdentityDirectory(path: path, required: true)
            #expect(Self.snapshot(byPath) == Self.snapshot(try StaticIdentityDirectory(data: file.data)), "\(file.name)")
            checked += 1
        }
        #expect(IdentitiesFileReader.contents(atPath: folder.appendingPathComponent("missing.json").path) == nil)
        #expect(IdentitiesFileReader.contents(atPath: folder.path) == nil, "a directory is not a file")
        #expect(IdentitiesFileReader.contents(atPath: "/proc/self/status").map { !$0.isEmpty } == true, "a file of unknown size is read to its end")
        #expect(throws: ATIdentityError(.invalidIdentitiesFile, "")) { try StaticIdentityDirectory(path: folder.path, required: true) }
        print("identities files: \(checked) files read by path")
    }
}
