// Fuzz entry point for the whole verification path. Compiled by Scripts/fuzz.sh together with the sources of
// ATSyntax, IPLD, ATCrypto, ATRepo, ATIdentity and FirehoseSync (as one module, their imports of each other
// removed) into one libFuzzer binary; `BREAKWATER_FUZZ_TARGET` chooses the target:
//   frame     one frame through DecodedEvent.decode + AccountMachine.process (FuzzFrameTarget.swift)
//   proof     MST node decoding, tree loading and CommitProof.verify (FuzzProofTarget.swift)
//   sliceproof  SliceProof against CommitProof on the same inputs (FuzzSliceProofTarget.swift)
//   identity  DID documents, identities files (the one-pass reader against the generic path), signing keys
//             (FuzzIdentityTarget.swift)
//   car       the CAR slice: CARFile, block lookups, the commit block (FuzzCARTarget.swift)
//   decode    the in-place decoders against the generic ones (FuzzDecodeTarget.swift)
//
// Oracles: no crash, no trap, no hang (libFuzzer -timeout), bounded memory (-rss_limit_mb / -malloc_limit_mb),
// and each target's own checks (fuzzRequire), which trap with a message when they fail.

import Glibc

/// The target this process fuzzes, from `BREAKWATER_FUZZ_TARGET` (default `frame`).
let fuzzTarget: String = {
    guard let value = getenv("BREAKWATER_FUZZ_TARGET") else { return "frame" }
    return String(cString: value)
}()

/// Traps with `message` when `condition` is false (an oracle failure: libFuzzer saves the input).
@inline(__always)
func fuzzRequire(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("oracle failed: \(message())") }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = [UInt8](UnsafeRawBufferPointer(start: data, count: size))
    switch fuzzTarget {
    case "frame": fuzzFrame(bytes)
    case "proof": fuzzProof(bytes)
    case "sliceproof": fuzzSliceProof(bytes)
    case "identity": fuzzIdentity(bytes)
    case "car": fuzzCAR(bytes)
    case "decode": fuzzDecode(bytes)
    default: fatalError("unknown BREAKWATER_FUZZ_TARGET \(fuzzTarget): frame, proof, sliceproof, identity, car or decode")
    }
    return 0
}
