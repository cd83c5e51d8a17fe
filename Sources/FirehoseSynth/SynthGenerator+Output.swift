import ATCrypto
import ATIdentity
import ATRepo
import ATSyntax
public import Foundation
import IPLD

extension SynthGenerator {
    /// The identities file (Docs/CONTRACT.md §2, short form) of every created account except the ghost, with the
    /// test-only private keys and, after key rotations, `previousKeys` with the seq before which each applied.
    public func identitiesJSON() throws -> Data {
        var identities = StaticIdentities()
        for account in accounts where account.created {
            let did = try DID(account.did)
            identities.entries[did] = .short(try StaticIdentities.ShortForm(
                signingKey: account.key.publicKey.didKey, pds: account.host, privateKey: Self.hex(account.key.scalar)))
            if !account.previousKeys.isEmpty {
                identities.previousKeys[did] = account.previousKeys.map { previous in
                    StaticIdentities.PreviousKey(signingKey: previous.key.publicKey.didKey, beforeSeq: previous.beforeSeq,
                                                 privateKey: Self.hex(previous.key.scalar))
                }
            }
        }
        return identities.encoded()
    }

    /// Each created account's final full-repository CAR: the last commit, then every node in pre-order with
    /// records interleaved (Docs/SPEC.md §6).
    public func repositoryCARs() throws -> [(did: String, car: [UInt8])] {
        guard configuration.keepsRecords else {
            throw ATRepoError(.invalidRepository, "synth was configured not to keep records (SynthConfiguration.keepsRecords)")
        }
        var out: [(did: String, car: [UInt8])] = []
        for account in accounts where account.created {
            guard let commit = account.lastCommit else { continue }
            var writer = CARWriter(roots: [commit.cid])
            writer.append(cid: commit.cid, data: commit.bytes)
            var failure: (any Error)? = nil
            do {
                try account.tree.preorder { node, record in
                    if let node { writer.append(cid: node.cid, data: node.bytes) }
                    if let record {
                        if let bytes = account.recordBlocks[record] {
                            writer.append(cid: record, data: bytes)
                        } else {
                            failure = ATRepoError(.invalidRepository, "synth lost record \(record)")
                        }
                    }
                }
            }
            if let failure { throw failure }
            out.append((account.did, writer.bytes))
        }
        return out
    }

    /// Summary counts.
    public var eventCount: Int { index }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xf)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
