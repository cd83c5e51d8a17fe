import CSecp256k1

/// The one long-lived libsecp256k1 context shared by every secp256k1 operation in the process.
///
/// libsecp256k1 documents that functions taking a `const secp256k1_context*` (parse, serialize,
/// verify, sign, public key creation) are safe to call concurrently on one context; only
/// `secp256k1_context_randomize` mutates it, and that runs once here, before the context is shared.
enum Secp256k1Context {
    /// The shared context, created and randomized (side-channel blinding for signing) on first use.
    nonisolated(unsafe) static let shared: OpaquePointer = {
        guard let context = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) else {
            // Only fails when memory allocation fails; nothing can work after that.
            fatalError("secp256k1_context_create failed")
        }
        var seed = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in seed.indices { seed[index] = UInt8.random(in: 0...255, using: &generator) }
        // Blinding does not change any output (signatures stay deterministic, RFC 6979).
        _ = secp256k1_context_randomize(context, seed)
        return context
    }()
}
