import ArgumentParser
import FirehoseSync
import IPLD

/// `breakwater inspect frame FILE`: decode one event-stream message (header then body) and print both as
/// atproto JSON, with the outcome-line type, the result of the envelope checks and the envelope's conformance warnings.
struct InspectFrame: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frame",
        abstract: "Decode one event-stream message (a DAG-CBOR header then a body) and print it as JSON.",
        discussion: "Exits 1 with `error: CODE: message` when the bytes are not one strict two-item frame."
    )

    @Argument(help: "The frame file (exactly one message, as sent on the WebSocket), or - for standard input.")
    var file: String

    func run() throws {
        try CLISupport.run {
            let bytes = try CLISupport.readInput(file)
            let frame: Frame
            do {
                frame = try Frame(decoding: bytes)
            } catch let error as FirehoseSyncError {
                throw CLIFailure(code: "\(error.code)", message: error.reason)
            }
            var header: [String: IPLDValue] = ["op": .int(frame.op)]
            if let type = frame.type { header["t"] = .string(type) }
            var envelope: IPLDValue = .null
            var warnings: [ConformanceWarning] = []
            switch FirehoseMessage.classify(frame) {
            case .success(let message):
                envelope = .string("ok")
                switch message {
                case .commit(let event): warnings = event.warnings
                case .sync(let event): warnings = event.warnings
                case .identity(let event): warnings = event.warnings
                case .account(let event): warnings = event.warnings
                default: break
                }
            case .failure(let rejection): envelope = .string("\(rejection.reason.rawValue): \(rejection.detail)")
            }
            CLISupport.printJSON(.map([
                "header": .map(header),
                "body": .map(frame.body),
                "type": .string(FirehoseMessage.eventType(of: frame).rawValue),
                "envelope": envelope,
                "warnings": .list(warnings.map { .string($0.rawValue) }),
                "bytes": .int(Int64(bytes.count)),
            ]))
        }
    }
}
