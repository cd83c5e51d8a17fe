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
        let location = RecordingLocation(path: recordingPath ?? "")
        var frames: RecordingFrames.SyncIterator
        do {
            frames = try RecordingFrames.SyncIterator(path: location.frames.path)
        } catch {
            throw CLIFailure(code: "unreadable-file", message: "cannot read \(location.frames.path)")
        }
        var position = 0
        while true {
            let next: [UInt8]?
            do {
                next = try frames.next()
            } catch {
                throw CLIFailure(code: "truncated-recording", message: "\(location.frames.path) ends inside frame \(position): \(error)")
            }
            guard let bytes = next else {
                throw CLIFailure(code: "no-such-frame", message: "\(location.frames.path) holds \(position) frames; no index \(index ?? 0)")
            }
            if position == index { return bytes }
            position += 1
        }
    }

    func run() throws {
        try CLISupport.run {
            let bytes = try frameBytes()
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
                warnings = message.warnings
            case .failure(let rejection): envelope = .string("\(rejection.reason.rawValue): \(rejection.detail)")
            }
            var output: [String: IPLDValue] = [
                "header": .map(header),
                "body": .map(frame.body),
                "type": .string(FirehoseMessage.eventType(of: frame).rawValue),
                "envelope": envelope,
                "warnings": .list(warnings.map { .string($0.rawValue) }),
                "bytes": .int(Int64(bytes.count)),
            ]
            if let index { output["index"] = .int(Int64(index)) }
            if car {
                if case .bytes(let slice)? = frame.body["blocks"] {
                    var commit: CID? = nil
                    if case .link(let cid)? = frame.body["commit"] { commit = cid }
                    output["car"] = CARSliceView.view(slice, commit: commit)
                } else {
                    output["car"] = .null
                }
            }
            CLISupport.printJSON(.map(output))
        }
    }
}
