import ATCrypto
import ATIdentity
import ATSyntax
import BreakwaterNet
import Foundation
import IPLD
import Logging
import Synchronization

/// A settable clock in µs since the epoch.
final class TestClock: Sendable {
    private let micros: Mutex<Int64>
    init(_ start: Int64 = 1_700_000_000_000_000) { micros = Mutex(start) }
    var now: Int64 { micros.withLock { $0 } }
    func advance(_ duration: Duration) {
        let (seconds, atto) = duration.components
        micros.withLock { $0 += seconds * 1_000_000 + atto / 1_000_000_000_000 }
    }
    var closure: @Sendable () -> Int64 { { self.now } }
}

/// Keys and DID documents for identity tests.
enum IdentityFixtures {
    static func key(_ seed: UInt8, curve: Curve = .k256) -> PrivateKey {
        PrivateKey.derive(curve: curve, seed: [0x1D, seed])
    }

    static func did(_ name: String) -> DID {
        let padded = (name + String(repeating: "a", count: 24)).prefix(24)
        return try! DID("did:plc:\(padded)")
    }

    /// A PLC-style DID document for `did` with `key` as `#atproto` (a Multikey unless `legacy`).
    static func document(_ did: DID, key: PublicKey?, id: String? = nil, legacy: Bool = false,
                         type: String? = nil, multibase: String? = nil) -> [String: Any] {
        var methods: [[String: Any]] = []
        if let key {
            let keyType: String
            let encoded: String
            if legacy {
                keyType = key.curve == .k256 ? "EcdsaSecp256k1VerificationKey2019" : "EcdsaSecp256r1VerificationKey2019"
                encoded = "z" + Base58.encode(key.uncompressed)
            } else {
                keyType = "Multikey"
                encoded = String(key.didKey.dropFirst("did:key:".count))
            }
            methods.append(["id": "\(did)#atproto", "type": type ?? keyType, "controller": did.description,
                            "publicKeyMultibase": multibase ?? encoded])
        }
        return [
            "@context": ["https://www.w3.org/ns/did/v1"],
            "id": id ?? did.description,
            "alsoKnownAs": ["at://alice.test"],
            "verificationMethod": methods,
            "service": [["id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": "https://pds.example.com"]],
        ]
    }

    /// A client configuration for tests on loopback: short limits.
    static func configuration(totalTimeout: Duration = .seconds(5)) -> GuardedHTTPConfiguration {
        GuardedHTTPConfiguration(connectTimeout: .seconds(2), totalTimeout: totalTimeout, allowHTTPLoopback: true,
                                  perHostLimit: HostRateLimiter.Limit(perSecond: 1_000, burst: 1_000))
    }

    static let logger = Logger(label: "breakwater.identity.test")

    /// Runs `body` with a client, shutting it down afterwards.
    static func withClient<T>(_ configuration: GuardedHTTPConfiguration = configuration(),
                              _ body: (GuardedHTTPClient) async throws -> T) async throws -> T {
        let client = GuardedHTTPClient(configuration: configuration, logger: logger)
        do {
            let result = try await body(client)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }

    /// The outcome of `body`.
    static func capture<T>(_ body: () async throws(ATIdentityError) -> T) async -> Result<T, ATIdentityError> {
        do throws(ATIdentityError) { return .success(try await body()) } catch { return .failure(error) }
    }
}
