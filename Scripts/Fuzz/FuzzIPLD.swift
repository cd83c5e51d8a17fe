// Fuzz entry point for the IPLD readers (strict DAG-CBOR, CAR v1, JSON → data model).
// Compiled by Scripts/fuzz.sh together with Sources/IPLD/**/*.swift into one module, either with
// libFuzzer (`-sanitize=fuzzer`) or, with -D FUZZ_LOOP, as a deterministic mutation loop.
//
// Oracles: no crash, no hang (libFuzzer -timeout), bounded memory (-rss_limit_mb / -malloc_limit_mb),
// and every accepted DAG-CBOR item re-encodes to exactly the input bytes.

#if FUZZ_LOOP
import Glibc
#endif

/// Runs every reader over one input. Returns normally unless an oracle fails (then traps).
func fuzzOne(_ buffer: UnsafeRawBufferPointer) {
    let bytes = [UInt8](buffer)
    if let value = try? DAGCBOR.decode(buffer) {
        let encoded = DAGCBOR.encode(value)
        if encoded != bytes { fatalError("accepted DAG-CBOR does not re-encode to the same bytes") }
        let json = AtprotoJSON.serialize(value)
        _ = try? AtprotoJSON.value(fromJSON: Array(json.utf8))
    }
    for verifying in [false, true] {
        if var reader = try? CARReader(bytes: bytes, verifyingHashes: verifying) {
            while let block = try? reader.nextBlock() {
                if block.data.startIndex < 0 || block.data.endIndex > bytes.count { fatalError("block slice out of range") }
                _ = try? block.decode()
            }
        }
    }
    _ = try? CARFile(bytes: bytes)
    if let json = try? JSONParser.parse(buffer) {
        _ = try? AtprotoJSON.record(from: json)
    }
}

#if FUZZ_LOOP
/// Deterministic mutation loop: `fuzz-loop ITERATIONS SEED CORPUS_FILES…`.
@main
struct FuzzLoop {
    static func main() {
        let arguments = CommandLine.arguments
        let iterations = arguments.count > 1 ? Int(arguments[1]) ?? 100_000 : 100_000
        var state = arguments.count > 2 ? UInt64(arguments[2]) ?? 1 : 1
        var corpus: [[UInt8]] = []
        for path in arguments.dropFirst(3) {
            if let data = readFile(path) { corpus.append(data) }
        }
        if corpus.isEmpty { corpus = [[0xa0]] }
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        for seed in corpus { seed.withUnsafeBytes { fuzzOne($0) } }
        for iteration in 0..<iterations {
            var input = corpus[Int(next() % UInt64(corpus.count))]
            for _ in 0..<(1 + Int(next() % 4)) {
                let position = input.isEmpty ? 0 : Int(next() % UInt64(input.count))
                switch next() % 5 {
                case 0 where !input.isEmpty: input[position] = UInt8(truncatingIfNeeded: next())
                case 1 where !input.isEmpty: input[position] ^= 1 << UInt8(next() % 8)
                case 2 where !input.isEmpty: input.removeSubrange(position...)
                case 3: input.insert(UInt8(truncatingIfNeeded: next()), at: position)
                default: if !input.isEmpty { input.remove(at: position) }
                }
            }
            input.withUnsafeBytes { fuzzOne($0) }
            if iteration % 10_000 == 0 { print("fuzz-loop: \(iteration) inputs") }
        }
        print("fuzz-loop: \(iterations) inputs, no failure")
    }

    static func readFile(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            out.append(contentsOf: chunk[..<count])
            if out.count > 4_000_000 { break }
        }
        return out
    }
}
#else
@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzOne(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#endif
