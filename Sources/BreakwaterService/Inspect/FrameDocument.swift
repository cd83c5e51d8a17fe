import FirehoseIngest
package import FirehoseSync
import Foundation
package import IPLD

/// What `inspect frame` shows of one frame: its header, body, event type, envelope verdict, warnings and size, and
/// optionally the decoded CAR slice (``CARSliceView``).
package enum FrameDocument {
    /// Frame `index` of the recording at `recording` (a folder or its frames.bin). Throws `unreadable-file`,
    /// `truncated-recording` or `no-such-frame`.
    package static func frame(at index: Int, recording: String) throws -> [UInt8] {
        let location = RecordingLocation(path: recording)
        var frames: RecordingFrames.SyncIterator
        do {
            frames = try RecordingFrames.SyncIterator(path: location.frames.path)
        } catch {
            throw ServiceError("unreadable-file", "cannot read \(location.frames.path)")
        }
        var position = 0
        while true {
            let next: [UInt8]?
            do {
                next = try frames.next()
            } catch {
                throw ServiceError("truncated-recording", "\(location.frames.path) ends inside frame \(position): \(error)")
            }
            guard let bytes = next else {
                throw ServiceError("no-such-frame", "\(location.frames.path) holds \(position) frames; no index \(index)")
            }
            if position == index { return bytes }
            position += 1
        }
    }

    /// The document of `frame` (decoded from `bytes`; `index` is its place in a recording, when known).
    package static func view(_ frame: Frame, bytes: [UInt8], index: Int?, includeCAR: Bool) -> IPLDValue {
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
        if includeCAR {
            if case .bytes(let slice)? = frame.body["blocks"] {
                var commit: CID? = nil
                if case .link(let cid)? = frame.body["commit"] { commit = cid }
                output["car"] = CARSliceView.view(slice, commit: commit)
            } else {
                output["car"] = .null
            }
        }
        return .map(output)
    }
}
