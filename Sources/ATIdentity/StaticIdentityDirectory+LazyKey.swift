import ATCrypto
import Synchronization

extension StaticIdentityDirectory {
    /// One key of an identities file, parsed into a usable public key the first time an event asks for it: reading
    /// the file does no curve arithmetic, and a key no event needs is never parsed. The result, a key or the reason
    /// there is none, is kept, so each key is parsed once whichever worker asks.
    final class LazyKey: Sendable {
        /// What the key is parsed from.
        enum Source: Sendable {
            /// The entry's `#atproto` key as resolved from the file (or why it has none).
            case reference(Result<SigningKeyReference, ATIdentityError>)
            /// The `did:key` of a short-form entry, read as ``StaticIdentities/resolve(_:fetchedAt:)`` reads it.
            case shortForm(String)
            /// A `did:key` of the entry's key history.
            case didKey(String)
            /// A lookup given ready-made.
            case ready(SigningKeyLookup)
        }

        private let source: Source
        private let parsed = Mutex<SigningKeyLookup?>(nil)

        /// A key to parse from `source` when first asked for.
        init(_ source: Source) {
            self.source = source
        }

        /// Whether the key has been parsed (asked for at least once).
        var isParsed: Bool { parsed.withLock { $0 != nil } }

        /// The key, parsed on the first call (as the eager reader parsed it: the same key or the same reason).
        var lookup: SigningKeyLookup {
            parsed.withLock { cached in
                if let cached { return cached }
                let lookup: SigningKeyLookup
                switch source {
                case .reference(let reference):
                    lookup = SigningKeyLookup(reference, fresh: true)
                case .shortForm(let didKey):
                    let reference: Result<SigningKeyReference, ATIdentityError>
                    do throws(ATIdentityError) {
                        reference = .success(try SigningKeyReference(didKey: didKey))
                    } catch {
                        reference = .failure(error)
                    }
                    lookup = SigningKeyLookup(reference, fresh: true)
                case .didKey(let didKey):
                    do { lookup = .key(try PublicKey(didKey: didKey), fresh: true) } catch { lookup = .unavailable("\(error)") }
                case .ready(let ready):
                    lookup = ready
                }
                cached = lookup
                return lookup
            }
        }
    }

    /// One key of a DID's history: the key, parsed when first used, and the first seq it no longer applies to (nil:
    /// current).
    struct Slot: Sendable {
        /// The key.
        let key: LazyKey
        /// The first seq this key no longer applies to; nil for the current key.
        let beforeSeq: Int64?
    }
}
