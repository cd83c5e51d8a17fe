import Foundation

/// Where a command's closing summary goes: stdout, unless `--events -` already takes stdout for the outcome lines;
/// then stderr, so that the lines stay machine-readable and the summary is still shown.
package struct SummaryOutput {
    /// Whether the outcome lines go to stdout.
    package let eventsOnStdout: Bool

    /// For the events path of `--events` (or `BREAKWATER_EVENTS`).
    package init(eventsPath: String?) {
        eventsOnStdout = eventsPath == "-"
    }

    /// Writes `text` and a newline to stdout, or to stderr when the outcome lines take stdout.
    package func write(_ text: String) {
        let data = Data((text + "\n").utf8)
        if eventsOnStdout {
            FileHandle.standardError.write(data)
        } else {
            FileHandle.standardOutput.write(data)
        }
    }
}
