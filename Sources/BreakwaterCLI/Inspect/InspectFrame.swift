import ArgumentParser
import BreakwaterService
import FirehoseIngest
import FirehoseSync
import Foundation
import IPLD

/// `breakwater inspect frame FILE`: decode one event-stream message (header then body) and print both as
/// atproto JSON, with the outcome-line type, the result of the envelope checks and the envelope's conformance warnings.
/// `--recording DIR --index N` takes frame N (0-based, the `i` of outcome lines) of a recording instead of a file;
/// `--car` adds the decoded CAR slice of a `#commit` or `#sync` (``CARSliceView``).
struct InspectFrame: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frame",
        abstract: "Decode one event-stream message (a DAG-CBOR header then a body) and print it as JSON.",
        discussion: "Exits 1 with `error: CODE: message` when the bytes are not one strict two-item frame."
    )

    @Argument(help: "The frame file (exactly one message, as sent on the WebSocket), or - for standard input.")
    var file: String?

    @Option(help: ArgumentHelp("Take the frame from this recording (its folder or frames.bin) instead of a file; needs --index. Env: BREAKWATER_RECORDING.", valueName: "dir"))
    var recording: String?

    @Option(help: ArgumentHelp("With --recording: the 0-based index of the frame (the `i` of outcome lines).", valueName: "n"))
    var index: Int?

    @Flag(help: "Also decode the CAR slice of a #commit or #sync: the commit, the MST nodes with their entries, the records as JSON.")
    var car = false

    /// The recording to take the frame from: `--recording`, else `BREAKWATER_RECORDING` when no FILE is given.
    var recordingPath: String? { file == nil ? EnvironmentOption.value(recording, env: "BREAKWATER_RECORDING") : recording }

    func validate() throws {
        if file != nil && recording != nil { throw UsageError("give either a frame FILE or --recording DIR --index N") }
        if file == nil && recordingPath == nil { throw UsageError("give a frame FILE or --recording DIR --index N") }
        if recordingPath != nil && index == nil { throw UsageError("--recording needs --index N") }
        if recordingPath == nil && index != nil { throw UsageError("--index needs --recording DIR") }
        if let index, index < 0 { throw ValidationError("--index must not be negative") }
    }

    /// The frame's bytes: the file, or frame `index` of the recording.
    func frameBytes() throws -> [UInt8] {
        if let file { return try CLISupport.readInput(file) }
        return try FrameDocument.frame(at: index ?? 0, recording: recordingPath ?? "")
    }

    func run() throws {
        try CLISupport.run {
            let bytes = try frameBytes()
            let frame: Frame
            do {
                frame = try Frame(decoding: bytes)
            } catch let error as FirehoseSyncError {
                throw OperationalError("\(error.code)", error.reason)
            }
            CLISupport.printJSON(FrameDocument.view(frame, bytes: bytes, index: index, includeCAR: car))
        }
    }
}
