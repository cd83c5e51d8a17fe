import ArgumentParser
import BreakwaterService
import FirehoseIngest
import FirehoseSync
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// `breakwater record`: write what a relay sends as a recording (Docs/CONTRACT.md §1–§2).
struct Record: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the frames a relay sends, exactly as received, plus identities, into a recording folder.",
        discussion: """
            Frames are appended to DIR/frames.bin and flushed at least every second; SIGINT/SIGTERM keep everything \
            that arrived. An existing recording is continued: without --cursor, record resumes after the highest seq \
            already in frames.bin (said on stderr), so no frame is recorded twice; an incomplete last frame (a crash) \
            is trimmed first. identities.json gets an entry for every DID seen: \
            from --identities, else resolved (PLC directory, did:web) when the DID first appears and again after its \
            #identity events, with key history (previousKeys) when a key changed during the recording.
            """
    )

    @OptionGroup var live: LiveOptions

    @OptionGroup(title: "Logging") var logging: LogOptions

    @Option(help: ArgumentHelp("The recording folder (created if needed; required). Env: BREAKWATER_OUT.", valueName: "dir"))
    var out: String?

    @Option(help: ArgumentHelp("Seconds between progress lines on stderr (0: none).", valueName: "seconds"))
    var progress: Double = 5

    func validate() throws {
        if live.relay.count > 1 { throw UsageError("record takes one --relay") }
        _ = try outFolder()
    }

    /// The recording folder: `--out`, else `BREAKWATER_OUT`; a usage error when neither is given.
    func outFolder() throws -> String {
        guard let folder = EnvironmentOption.value(out, env: "BREAKWATER_OUT") else {
            throw UsageError("missing --out <dir> (or BREAKWATER_OUT)")
        }
        return folder
    }

    /// The cursor to subscribe from: `--cursor`, else the highest seq already recorded in `folder` (nil for a new
    /// recording: the relay's live end). Trims an incomplete last frame and says what it resumes on stderr.
    func resumeCursor(folder: String) throws -> Int64? {
        let resume = try RecordingResume(folder: folder, cursor: live.cursor)
        for line in resume.notes { note(line) }
        return resume.cursor
    }

    /// A line for the user on stderr: `record: TEXT`, or with JSON logs a JSON log record.
    private func note(_ text: String) {
        if logging.format == .json {
            logging.logger("breakwater.record").notice("\(text)")
        } else {
            FileHandle.standardError.write(Data("record: \(text)\n".utf8))
        }
    }

    func run() async throws {
        let logger = logging.logger("breakwater.record")
        let relay = try live.relayURL()
        let plc = try live.plcURL()
        let out = try outFolder()
        let cursor = try resumeCursor(folder: out)
        let identities = try IdentityWiring.recordingIdentitySource(plc: plc, identities: live.identitiesPath, logger: logger)
        let record = try RecordService(
            subscription: try live.subscription(logger: logger), folder: out, identities: identities.source, cursor: cursor,
            maxEvents: live.maxEvents, duration: live.durationLimit, progressInterval: progress,
            progressLogger: logging.format == .json ? logger : nil, logger: logger)
        let outcome: RecordService.Outcome
        do {
            outcome = try await record.run()
        } catch {
            await identities.shutdown()
            throw error
        }
        await identities.shutdown()
        let missing = outcome.missingIdentities
        note("\(outcome.frames) frames from \(relay) → \(out)" + (missing.isEmpty ? "" : "; \(missing.count) DIDs without an identity entry"))
        if let failure = outcome.result?.failure { throw failure }
    }
}
