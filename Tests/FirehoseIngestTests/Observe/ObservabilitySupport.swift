import FirehoseTesting
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Helpers for the observability tests: HTTP requests, JSON log lines, a consume process.
enum Observe {
    struct Answer: Sendable {
        var status: Int
        var contentType: String?
        var body: Data

        var text: String { String(decoding: body, as: UTF8.self) }
        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
    }

    /// One HTTP request over a fresh connection.
    static func request(_ url: String, method: String = "GET") async throws -> Answer {
        var request = URLRequest(url: try #require(URL(string: url)))
        request.httpMethod = method
        request.timeoutInterval = 10
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        return Answer(status: http.statusCode, contentType: http.value(forHTTPHeaderField: "Content-Type"), body: data)
    }

    /// The JSON objects among the lines of a `--log-format json` stderr file.
    static func logLines(_ file: URL) -> [[String: Any]] {
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
    }

    /// Waits for a log line whose message contains `message` and returns its `http.url`.
    static func listeningURL(_ stderr: URL, message: String, process: Process) async throws -> String {
        for _ in 0..<400 {
            if let line = logLines(stderr).first(where: { ($0["message"] as? String)?.contains(message) == true }),
               let url = line["http.url"] as? String {
                return url
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ObserveFailure("no '\(message)' log line: \((try? String(contentsOf: stderr, encoding: .utf8)) ?? "")")
    }

    /// Waits for `process` to exit (terminating it after `seconds`); its exit status, nil when it had to be stopped.
    static func wait(_ process: Process, seconds: Double) async throws -> Int32? {
        let end = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while process.isRunning, ContinuousClock.now < end { try await Task.sleep(for: .milliseconds(50)) }
        guard !process.isRunning else {
            process.terminate()
            return nil
        }
        return process.terminationReason == .exit ? process.terminationStatus : nil
    }

    /// A temporary folder.
    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bw-observe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// A recording under Replays/.
    static func replay(_ name: String) -> URL { Vectors.projectRoot.appendingPathComponent("Replays/\(name)") }

    /// The expected outcome lines of a recording.
    static func expected(_ recording: URL) throws -> [ExpectedOutcome] {
        try ExpectedOutcomes.load(recording.appendingPathComponent("expected.jsonl"))
    }
}

struct ObserveFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
