import ATCrypto
import Foundation
import FirehoseTesting
import Testing

/// Wycheproof ECDSA SHA-256 vectors under the atproto rule (vectors README §2.15):
/// valid and s ≤ n/2 → accept; valid with s > n/2 → refuse as high-S; invalid → refuse.
@Suite struct WycheproofTests {
    static let k256File = "wycheproof/testvectors_v1/ecdsa_secp256k1_sha256_p1363_test.json"
    static let p256File = "wycheproof/testvectors_v1/ecdsa_secp256r1_sha256_p1363_test.json"
    static let bitcoinFile = "wycheproof/testvectors_v1/ecdsa_secp256k1_sha256_bitcoin_test.json"

    struct Case: Sendable, CustomTestStringConvertible {
        let file: String
        let tcId: Int
        let comment: String
        let curve: Curve
        let publicKey: [UInt8]
        let message: [UInt8]
        /// The signature as atproto would receive it (DER already decoded for the bitcoin file;
        /// nil when the DER does not decode strictly).
        let signature: [UInt8]?
        let wycheproofValid: Bool

        var testDescription: String { "\(file.split(separator: "/").last ?? "") #\(tcId) \(comment)" }

        enum Expectation: Equatable { case accept, highS, refuse }

        var expectation: Expectation {
            guard wycheproofValid else { return .refuse }
            guard let signature else { return .refuse }
            return TestSupport.isLowS(signature, halfOrder: curve.halfOrder) ? .accept : .highS
        }
    }

    static func cases(_ file: String, curve: Curve, der: Bool) -> [Case] {
        guard let root = try? Vectors.json(file) as? [String: Any],
              let groups = root["testGroups"] as? [[String: Any]] else { return [] }
        var cases: [Case] = []
        for group in groups {
            let publicKey = (group["publicKey"] as? [String: Any])?["uncompressed"] as? String ?? ""
            for test in group["tests"] as? [[String: Any]] ?? [] {
                let raw = Vectors.hex(test["sig"] as? String ?? "") ?? []
                cases.append(Case(
                    file: file,
                    tcId: test["tcId"] as? Int ?? -1,
                    comment: test["comment"] as? String ?? "",
                    curve: curve,
                    publicKey: Vectors.hex(publicKey) ?? [],
                    message: Vectors.hex(test["msg"] as? String ?? "") ?? [],
                    signature: der ? DER.compactSignature(raw) : raw,
                    wycheproofValid: test["result"] as? String == "valid"))
            }
        }
        return cases
    }

    static func k256Cases() -> [Case] { cases(k256File, curve: .k256, der: false) }
    static func p256Cases() -> [Case] { cases(p256File, curve: .p256, der: false) }
    static func bitcoinCases() -> [Case] { cases(bitcoinFile, curve: .k256, der: true) }

    static func tally(_ cases: [Case]) -> (accept: Int, highS: Int, refuse: Int) {
        (cases.filter { $0.expectation == .accept }.count,
         cases.filter { $0.expectation == .highS }.count,
         cases.filter { $0.expectation == .refuse }.count)
    }

    @Test func everyCaseIsLoadedWithTheExpectedSplit() {
        for (file, cases, expected) in [
            (Self.k256File, Self.k256Cases(), (252, 95, 72, 85)),
            (Self.p256File, Self.p256Cases(), (262, 103, 70, 89)),
            (Self.bitcoinFile, Self.bitcoinCases(), (463, 162, 0, 301)),
        ] {
            let split = Self.tally(cases)
            print("vectors: \(file): \(cases.count) cases (\(split.accept) accept, \(split.highS) high-S refused, \(split.refuse) invalid refused)")
            #expect(cases.count == expected.0)
            #expect(split.accept == expected.1)
            #expect(split.highS == expected.2)
            #expect(split.refuse == expected.3)
        }
    }

    @Test(arguments: k256Cases() + p256Cases() + bitcoinCases())
    func onlyValidLowSSignaturesAreAccepted(_ testCase: Case) throws {
        let key = try PublicKey(curve: testCase.curve, point: testCase.publicKey)
        guard let signature = testCase.signature else {
            #expect(testCase.expectation == .refuse, "strict DER refused a signature Wycheproof calls valid")
            return
        }
        let check = key.verify(signature: signature, message: testCase.message)
        switch testCase.expectation {
        case .accept: #expect(check == .valid)
        case .highS: #expect(check == .invalid(.highS))
        case .refuse: #expect(check != .valid)
        }
    }
}
