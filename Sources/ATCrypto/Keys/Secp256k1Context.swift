import CSecp256k1

/// The libsecp256k1 context for signing and public key creation, the only operations that need one with
/// precomputed tables (parsing, serializing and verifying use the library's own `secp256k1_context_static`).
///
/// Created and randomized (side-channel blinding) once, on first use, and never mutated afterwards: libsecp256k1
/// documents that functions taking a `const secp256k1_context*` are safe to call concurrently on one context.
/// Blinding does not change any output (signatures stay deterministic, RFC 6979).
nonisolated(unsafe) let secp256k1SigningContext: OpaquePointer = {
    guard let context = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) else {
        // Only fails when memory allocation fails; nothing can work after that.
        fatalError("secp256k1_context_create failed")
    }
    var seed = [UInt8](repeating: 0, count: 32)
    var generator = SystemRandomNumberGenerator()
    for index in seed.indices { seed[index] = UInt8.random(in: 0...255, using: &generator) }
    _ = secp256k1_context_randomize(context, seed)
    return context
}()
