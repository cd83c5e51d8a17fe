// Times full decoding of a CAR: parse, SHA-256 of every block checked against its CID, and every
// DAG-CBOR block decoded strictly. Built by Scripts/bench-car.sh against the release IPLD objects.
import Foundation
import IPLD

@main
struct CARDecodeBench {
    static func main() throws {
        let arguments = CommandLine.arguments
        guard arguments.count > 1 else {
            print("usage: car-decode-bench FILE.car [ROUNDS]")
            exit(2)
        }
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: arguments[1])))
        let rounds = arguments.count > 2 ? Int(arguments[2]) ?? 20 : 20
        var best = Duration.seconds(1_000)
        var total = Duration.zero
        var blocks = 0
        let clock = ContinuousClock()
        for _ in 0..<rounds {
            let elapsed = try clock.measure {
                let car = try CARFile(bytes: bytes)
                var decoded = 0
                for block in car.blocks where block.cid.codec == .dagCBOR {
                    _ = try block.decode()
                    decoded += 1
                }
                blocks = decoded
            }
            best = min(best, elapsed)
            total += elapsed
        }
        let bestMs = Double(best.components.attoseconds) / 1e15 + Double(best.components.seconds) * 1e3
        let meanMs = (Double(total.components.attoseconds) / 1e15 + Double(total.components.seconds) * 1e3) / Double(rounds)
        print(String(format: "%@: %d bytes, %d DAG-CBOR blocks hashed+decoded; best %.2f ms, mean %.2f ms over %d rounds (%.0f blocks/s, %.0f MB/s)",
                     arguments[1], bytes.count, blocks, bestMs, meanMs, rounds, Double(blocks) / (bestMs / 1e3),
                     Double(bytes.count) / (bestMs / 1e3) / 1e6))
    }
}
