import FirehoseIngest
import FirehoseRelay
import Foundation

extension RelayServerConfiguration {
    /// A configuration serving `recording` (its `identities.json` unless `identitiesPath` is given).
    init(recording: RecordingLocation, identitiesPath: String? = nil, reposDirectory: String? = nil,
         host: String = "127.0.0.1", port: Int = 0, eventsPerSecond: Double? = nil, closeAfter: Int? = nil,
         pingInterval: Duration = .seconds(30), tailInterval: Duration = .milliseconds(500)) {
        self.init(framesPath: recording.frames.path, identitiesPath: identitiesPath ?? recording.identities.path,
                  reposDirectory: reposDirectory, host: host, port: port, eventsPerSecond: eventsPerSecond,
                  closeAfter: closeAfter, pingInterval: pingInterval, tailInterval: tailInterval)
    }
}
