import ATCrypto
@testable import ATIdentity
import ATSyntax
import FirehoseTesting
import Foundation
import Testing

/// An identities file's keys are parsed when an event first asks for them, not when the file is read, and give
/// exactly what reading every key up front gave: the same key, or the same reason for having none; the PDS host of
/// every DID is the same too.
@Suite struct StaticIdentityDirectoryLazyKeyTests {
    /// A file with the cases that fail: a short form whose did:key is no key, a document with no `#atproto` key, a
    /// document of another DID, an unusable history key, and a PDS URL that is not an endpoint.
    static let awkwardFile = """
        {"did:plc:aaaaaaaaaaaaaaaaaaaaaaaa": {"signingKey": "did:key:zQ3shNOTAKEY", "pds": "https://pds.example.com",
             "previousKeys": [{"signingKey": "did:key:zBroken", "beforeSeq": 7}]},
         "did:plc:bbbbbbbbbbbbbbbbbbbbbbbb": {"id": "did:plc:bbbbbbbbbbbbbbbbbbbbbbbb", "verificationMethod": [],
             "service": [{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": "https://b.example.com:8443"}]},
         "did:plc:cccccccccccccccccccccccc": {"id": "did:plc:dddddddddddddddddddddddd"},
         "did:plc:eeeeeeeeeeeeeeeeeeeeeeee": {"signingKey": "did:key:zQ3shXjHeiBuRCKmM36cuYnm7YEMzhGnCmCyW92sRJ9pribSF",
             "pds": "ftp://nowhere.example.com"}}
        """

    /// Every bundled recording's identities file, and the awkward one.
    static let files: [(name: String, data: Data)] = {
        var files = [("awkward", Data(awkwardFile.utf8))]
        let replays = Vectors.projectRoot.appendingPathComponent("Replays")
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: replays.path)) ?? []
        for folder in folders.sorted() {
            let url = replays.appendingPathComponent(folder).appendingPathComponent("identities.json")
            if let data = FileManager.default.contents(atPath: url.path) { files.append((folder, data)) }
        }
        return files
    }()

    /// A lookup as text: the key's did:key, or the reason there is none.
    static func text(_ lookup: SigningKeyLookup) -> String {
        switch lookup {
        case .key(let key, let fresh): return "key \(key.didKey) fresh \(fresh)"
        case .unavailable(let why): return "unavailable: \(why)"
        }
    }

    /// What reading every key up front gives for `did` at `seq`: the entry's key history in order, the current key
    /// last, each parsed as the eager reader parsed it.
    static func eagerLookup(_ identities: StaticIdentities, did: DID, seq: Int64?) -> String {
        var history: [(beforeSeq: Int64?, lookup: SigningKeyLookup)] = []
        for previous in identities.previousKeys[did] ?? [] {
            let lookup: SigningKeyLookup
            do { lookup = .key(try PublicKey(didKey: previous.signingKey), fresh: true) } catch { lookup = .unavailable("\(error)") }
            history.append((previous.beforeSeq, lookup))
        }
        history.sort { $0.beforeSeq! < $1.beforeSeq! }
        do {
            history.append((nil, SigningKeyLookup(try identities.resolve(did, fetchedAt: 0).signingKey, fresh: true)))
        } catch {
            history.append((nil, .unavailable("\(error)")))
        }
        let chosen = history.first { entry in
            guard let before = entry.beforeSeq, let seq else { return entry.beforeSeq == nil }
            return seq < before
        } ?? history[history.count - 1]
        return text(chosen.lookup)
    }

    /// The PDS host reading every entry up front gives for `did`.
    static func eagerHost(_ identities: StaticIdentities, did: DID) -> String? {
        (try? identities.resolve(did, fetchedAt: 0))?.pds?.hostLabel
    }

    @Test func lazyKeysAndHostsEqualTheEagerReading() async throws {
        var checked = 0
        for file in Self.files {
            let identities = try StaticIdentities(data: file.data)
            let directory = StaticIdentityDirectory(identities: identities)
            for did in identities.entries.keys {
                let seqs: [Int64?] = [nil, 0] + (identities.previousKeys[did] ?? []).flatMap { [$0.beforeSeq - 1, $0.beforeSeq] }
                for seq in seqs {
                    // Asked twice: the first call parses the key, the second takes what the first kept.
                    for _ in 0..<2 {
                        let lazy = Self.text(await directory.signingKey(for: did.description, seq: seq, fresh: false))
                        #expect(lazy == Self.eagerLookup(identities, did: did, seq: seq), "\(file.name) \(did) seq \(seq.map(String.init) ?? "nil")")
                    }
                }
                #expect(await directory.pdsHost(for: did.description) == Self.eagerHost(identities, did: did), "\(file.name) \(did)")
                checked += 1
            }
        }
        print("lazy identities: \(checked) DIDs in \(Self.files.count) files")
        #expect(checked > Self.files.count)
    }

    @Test func readingAFileParsesNoKey() throws {
        let directory = StaticIdentityDirectory(identities: try StaticIdentities(data: Data(Self.awkwardFile.utf8)))
        for slots in directory.keys.values {
            for slot in slots { #expect(!slot.key.isParsed) }
        }
    }
}
