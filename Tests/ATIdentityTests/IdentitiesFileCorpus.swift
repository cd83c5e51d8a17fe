import ATCrypto
@testable import ATIdentity
import ATSyntax
import FirehoseSynth
import FirehoseTesting
import Foundation

/// Identities files to read both ways: the bundled ones, generated ones (short forms with key history, documents) and
/// damaged copies of them.
enum IdentitiesFileCorpus {
    /// One file.
    struct File: Sendable, CustomStringConvertible {
        /// Where it comes from.
        let name: String
        /// Its bytes.
        let data: Data
        var description: String { name }
    }

    /// Every `identities.json` under Replays/ and Tests/, and the awkward file of the lazy-key tests.
    static let bundled: [File] = {
        var files = [File(name: "awkward", data: Data(StaticIdentityDirectoryLazyKeyTests.awkwardFile.utf8))]
        for folder in ["Replays", "Tests"] {
            let root = Vectors.projectRoot.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { continue }
            var found: [File] = []
            for case let url as URL in walker where url.lastPathComponent == "identities.json" {
                if let data = FileManager.default.contents(atPath: url.path) {
                    found.append(File(name: String(url.path.dropFirst(Vectors.projectRoot.path.count + 1)), data: data))
                }
            }
            files += found.sorted { $0.name < $1.name }
        }
        return files
    }()

    /// Generated files: small and large, pretty (as the tools write them) and compact, with and without documents.
    static let generated: [File] = {
        var files: [File] = []
        for (seed, count) in [(1, 3), (2, 8), (3, 20), (4, 60), (5, 2_000)] as [(UInt64, Int)] {
            for documents in [false, true] {
                for pretty in [true, false] {
                    files.append(File(name: "generated seed \(seed) \(count) DIDs\(documents ? " with documents" : "")\(pretty ? "" : " compact")",
                                      data: generate(seed: seed, count: count, documents: documents, pretty: pretty)))
                }
            }
        }
        return files
    }()

    /// Keys to name: K-256 and P-256 keys, and strings that are no key.
    static let keys: [(didKey: String, multikey: String, legacy: String)] = {
        var keys: [(String, String, String)] = []
        for index in 0..<6 {
            let key = PrivateKey.derive(curve: index % 2 == 0 ? .k256 : .p256, seed: Array("identities \(index)".utf8)).publicKey
            keys.append((key.didKey, key.multikey, key.legacyMultibase))
        }
        keys.append(("did:key:zQ3shNOTAKEY", "zQ3shNOTAKEY", "zNOTAKEY"))
        keys.append(("did:key:zBroken", "zBroken", "z1"))
        return keys
    }()

    static let pdsURLs: [String?] = [
        "https://pds1.example.com", "https://pds2.example.com", "https://pds.example.com:8443", "http://localhost:2583",
        "https://UPPER.Example.com/", "ftp://nowhere.example.com", "https://", nil,
    ]

    /// A file of `count` identities drawn from `seed`.
    static func generate(seed: UInt64, count: Int, documents: Bool, pretty: Bool) -> Data {
        var rng = SplitMix64(seed: seed)
        var object: [String: IdentityJSON] = [:]
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        for _ in 0..<count {
            let did = "did:plc:" + String((0..<24).map { _ in alphabet[Int(rng.next() % 32)] })
            let key = keys[Int(rng.next() % UInt64(keys.count))]
            let pds = pdsURLs[Int(rng.next() % UInt64(pdsURLs.count))]
            var fields: [String: IdentityJSON] = [:]
            if documents && rng.next() % 3 == 0 {
                let id = rng.next() % 8 == 0 ? "did:plc:" + String(repeating: "d", count: 24) : did
                let legacy = rng.next() % 4 == 0
                fields["id"] = .string(id)
                fields["alsoKnownAs"] = .array([.string("at://user\(rng.next() % 100).example.com")])
                fields["verificationMethod"] = .array([.object([
                    "id": .string(rng.next() % 2 == 0 ? "#atproto" : did + "#atproto"),
                    "type": .string(legacy ? "EcdsaSecp256k1VerificationKey2019" : "Multikey"),
                    "controller": .string(id), "publicKeyMultibase": .string(legacy ? key.legacy : key.multikey),
                ])])
                if let pds {
                    fields["service"] = .array([.object([
                        "id": .string("#atproto_pds"), "type": .string("AtprotoPersonalDataServer"), "serviceEndpoint": .string(pds),
                    ])])
                }
            } else {
                fields["signingKey"] = .string(key.didKey)
                if let pds { fields["pds"] = .string(pds) }
                if rng.next() % 2 == 0 { fields["privateKey"] = .string(String(format: "%064llx", rng.next())) }
            }
            let historyCount = Int(rng.next() % 8)
            if historyCount > 0 && historyCount <= 3 {
                fields["previousKeys"] = .array((0..<historyCount).map { _ in
                    var item: [String: IdentityJSON] = [
                        "signingKey": .string(keys[Int(rng.next() % UInt64(keys.count))].didKey),
                        "beforeSeq": .int(Int64(rng.next() % 50) - 5),
                    ]
                    if rng.next() % 2 == 0 { item["privateKey"] = .string("00ff") }
                    return .object(item)
                })
            }
            object[did] = .object(fields)
        }
        return IdentityJSON.object(object).encoded(pretty: pretty)
    }

    // MARK: - Damaged copies

    /// The ways a file is damaged.
    enum Damage: String, CaseIterable, Sendable {
        case truncation, byteFlip, escape, duplicateKey, wrongType, number, nesting, framing
    }

    /// The files damaged copies are made of: the bundled ones and the small generated ones.
    static var damageBases: [File] { bundled + generated.filter { $0.data.count < 20_000 } }

    /// Damaged copies of `file`, drawn from `rng`.
    static func damaged(_ file: File, _ damage: Damage, rng: inout SplitMix64) -> [Data] {
        let bytes = [UInt8](file.data)
        guard bytes.count > 4 else { return [] }
        func position() -> Int { Int(rng.next() % UInt64(bytes.count)) }
        /// Positions just after an opening brace (the first one is the top level).
        let braces = bytes.indices.filter { bytes[$0] == UInt8(ascii: "{") }.map { $0 + 1 }
        func inner() -> Int { braces.count > 1 ? braces[1 + Int(rng.next() % UInt64(braces.count - 1))] : braces.first ?? 0 }
        func inserting(_ text: String, at index: Int) -> Data { Data(bytes[..<index] + Array(text.utf8) + bytes[index...]) }
        /// The ranges of string values (after a colon).
        let values: [Range<Int>] = {
            var ranges: [Range<Int>] = []
            var index = 0
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: ":") {
                    var start = index + 1
                    while start < bytes.count, bytes[start] == UInt8(ascii: " ") { start += 1 }
                    if start < bytes.count, bytes[start] == UInt8(ascii: "\"") {
                        var end = start + 1
                        while end < bytes.count, bytes[end] != UInt8(ascii: "\"") { end += 1 }
                        ranges.append(start..<min(end + 1, bytes.count))
                        index = end
                    }
                }
                index += 1
            }
            return ranges
        }()
        func replacingValue(with text: String) -> Data? {
            guard !values.isEmpty else { return nil }
            let range = values[Int(rng.next() % UInt64(values.count))]
            return Data(bytes[..<range.lowerBound] + Array(text.utf8) + bytes[range.upperBound...])
        }
        let existingDID = (try? StaticIdentities(data: file.data))?.entries.keys.sorted().first?.description ?? "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa"
        switch damage {
        case .truncation:
            return (0..<8).map { _ in Data(bytes.prefix(position())) } + [Data(bytes.dropLast()), Data(bytes.dropFirst())]
        case .byteFlip:
            return (0..<10).map { _ in
                var flipped = bytes
                flipped[position()] ^= UInt8(1 << (rng.next() % 8))
                return Data(flipped)
            }
        case .escape:
            let escapes = ["\\u0041", "\\/", "\\n", "\\\\", "\\\"", "\\x", "\\u12", "\\uD800", "\\u0000", "é", "\u{01}", "\u{7F}", "\t"]
            return escapes.compactMap { escape in
                guard !values.isEmpty else { return nil }
                let range = values[Int(rng.next() % UInt64(values.count))]
                guard range.count > 2 else { return nil }
                return inserting(escape, at: range.lowerBound + 1 + Int(rng.next() % UInt64(range.count - 2)))
            }
        case .duplicateKey:
            let members = ["\"pds\": \"https://dup.example.com\", ", "\"signingKey\": \"\(keys[1].didKey)\", ", "\"privateKey\": \"00\", ",
                           "\"previousKeys\": [], ", "\"beforeSeq\": 3, ", "\"id\": \"\(existingDID)\", ", "\"handle\": \"x.test\", ",
                           "\"pds\": null, ", "\"privateKey\": null, "]
            return members.map { inserting($0, at: inner()) } + [
                inserting("\"\(existingDID)\": {\"signingKey\": \"\(keys[0].didKey)\"}, ", at: braces.first ?? 0),
                inserting("\"not a did\": {\"signingKey\": \"\(keys[0].didKey)\"}, ", at: braces.first ?? 0),
                // Several wrong entries: the error names the same one whichever reading reports it.
                inserting("\"not a did\": {}, \"did:plc:bad1\": {\"signingKey\": 5}, \"did:plc:bad2\": [], \"also not\": 1, ",
                          at: braces.first ?? 0),
                inserting("\"did:plc:bad3\": {\"pds\": 1}, \"did:plc:bad4\": {\"signingKey\": \"x\"}, \"did:plc:bad5\": null, ",
                          at: braces.first ?? 0),
            ]
        case .wrongType:
            return ["5", "true", "false", "null", "[]", "{}", "\"x\"", "-1.5", "[\"a\"]", "{\"signingKey\": 1}"].compactMap { replacingValue(with: $0) }
        case .number:
            let numbers = ["99999999999999999999", "9223372036854775807", "-9223372036854775808", "9223372036854775808", "1e400",
                           "1.0", "-0", "0123", "1e2", "-", "1.", ".5", "+1", "0x10", "123456789012345678", "1234567890123456789",
                           "-123456789012345678", "0", "7", "1E+2", "-1e-2"]
            return numbers.map { number in
                inserting("\"previousKeys\": [{\"signingKey\": \"\(keys[2].didKey)\", \"beforeSeq\": \(number)}], ", at: inner())
            }
        case .nesting:
            return [1, 2, 63, 64, 65, 200, 600, 5_000].map { depth in
                inserting("\"x\": " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + ", ", at: inner())
            } + [Data((String(repeating: "[", count: 10_000)).utf8), Data(("{\"a\":" + String(repeating: "{\"a\":", count: 2_000)).utf8),
                 inserting("\"id\": " + String(repeating: "{\"a\": ", count: 70) + "1" + String(repeating: "}", count: 70) + ", ", at: inner())]
        case .framing:
            return [Data([0xEF, 0xBB, 0xBF] + bytes), Data(bytes + Array("x".utf8)), Data(bytes + [0]), Data(bytes + Array("}".utf8)),
                    Data(Array(" \t\r\n".utf8) + bytes + Array("\r\n ".utf8)), Data(), Data("[]".utf8), Data("null".utf8),
                    Data("{}".utf8), Data(" { } ".utf8), Data("\"did:plc:x\"".utf8), Data(bytes + bytes),
                    Data(bytes.map { $0 == UInt8(ascii: "\n") ? UInt8(ascii: "\r") : $0 }),
                    Data(bytes.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\n") }),
                    inserting(",", at: max(bytes.lastIndex(of: UInt8(ascii: "}")) ?? 0, 0))]
        }
    }
}
