import ATCrypto
import Foundation
import FirehoseTesting
import IPLD
import Testing

/// Real signed commits: every `#commit` and `#sync` in indigo's relay scenarios carries a commit
/// block whose signature must verify with the account's key (vectors README §3).
@Suite struct RelayScenarioSignatureTests {
    static let folder = "indigo/cmd/relay/testing/testdata"

    struct SignedCommit: Sendable, CustomTestStringConvertible {
        let label: String
        let key: String
        let unsigned: [UInt8]
        let signature: [UInt8]
        var testDescription: String { label }
    }

    static func commits() -> [SignedCommit] {
        Vectors.files(under: folder, suffix: ".json").flatMap { url -> [SignedCommit] in
            guard let data = try? Data(contentsOf: url),
                  let scenario = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let account = (scenario["accounts"] as? [[String: Any]])?.first,
                  let identity = account["identity"] as? [String: Any],
                  let keys = identity["keys"] as? [String: Any],
                  let atproto = keys["atproto"] as? [String: Any],
                  let multikey = atproto["publicKeyMultibase"] as? String
            else { return [] }
            let messages = scenario["messages"] as? [[String: Any]] ?? []
            return messages.enumerated().compactMap { index, message -> SignedCommit? in
                let frame = message["frame"] as? [String: Any]
                let body = frame?["body"] as? [String: Any]
                guard let blocks = (body?["blocks"] as? [String: Any])?["$bytes"] as? String,
                      let car = Vectors.base64(blocks),
                      let commit = commitBlock(in: car),
                      case .bytes(let signature)? = commit["sig"]
                else { return nil }
                var unsigned = commit
                unsigned.removeValue(forKey: "sig")
                let type = (frame?["header"] as? [String: Any])?["t"] as? String ?? "?"
                return SignedCommit(label: "\(url.lastPathComponent) message \(index) \(type)",
                                    key: multikey, unsigned: DAGCBOR.encode(.map(unsigned)), signature: signature)
            }
        }
    }

    /// The first block of a CAR v1 that decodes to a commit object (a map with `sig` and `data`).
    static func commitBlock(in car: [UInt8]) -> [String: IPLDValue]? {
        car.withUnsafeBytes { buffer -> [String: IPLDValue]? in
            var offset = 0
            guard let headerLength = try? Varint.decode(buffer, offset: &offset) else { return nil }
            offset += Int(headerLength)
            while offset < buffer.count {
                guard let length = try? Varint.decode(buffer, offset: &offset), length <= buffer.count - offset
                else { return nil }
                let end = offset + Int(length)
                guard (try? CID.parse(buffer, offset: &offset)) != nil, offset <= end else { return nil }
                let block = UnsafeRawBufferPointer(rebasing: buffer[offset..<end])
                offset = end
                if case .map(let map)? = try? DAGCBOR.decode(block), map["sig"] != nil, map["data"] != nil {
                    return map
                }
            }
            return nil
        }
    }

    @Test func everySignedCommitIsFound() {
        let count = Self.commits().count
        print("vectors: \(Self.folder): \(count) signed commits (#commit and #sync)")
        #expect(count == 26)
    }

    @Test(arguments: commits())
    func scenarioCommitSignaturesVerify(_ commit: SignedCommit) throws {
        let key = try PublicKey(multikey: commit.key)
        #expect(key.verify(signature: commit.signature, message: commit.unsigned) == .valid)
        var tampered = commit.unsigned
        tampered[tampered.count - 1] ^= 1
        #expect(key.verify(signature: commit.signature, message: tampered) == .invalid(.mismatch))
    }
}
