public import Foundation

/// Locates and runs the built `breakwater` executable (beside the test bundle in the build folder).
public enum BreakwaterBinary {
    /// The executable's URL, when built.
    public static let url: URL? = {
        var folder = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("breakwater")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        let fallback = Vectors.projectRoot.appendingPathComponent(".build/debug/breakwater")
        return FileManager.default.isExecutableFile(atPath: fallback.path) ? fallback : nil
    }()

    /// The result of a finished run.
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Starts `breakwater` with `arguments`; output goes to the given files (or is discarded). The process gets
    /// this process's environment without its `BREAKWATER_*` variables (so a developer's settings do not leak into
    /// tests), plus `environment`.
    /// `launcher`, when not empty, is a command that runs `breakwater` (e.g. `setpriv --reuid 65534 …` to run it as
    /// another user): its first element is the executable, the rest come before the `breakwater` path.
    public static func start(_ arguments: [String], stdout: URL? = nil, stderr: URL? = nil,
                             environment: [String: String] = [:], launcher: [String] = []) throws -> Process {
        guard let url else { throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "breakwater is not built"]) }
        let process = Process()
        if let first = launcher.first {
            process.executableURL = URL(fileURLWithPath: first)
            process.arguments = Array(launcher.dropFirst()) + [url.path] + arguments
        } else {
            process.executableURL = url
            process.arguments = arguments
        }
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("BREAKWATER_") }
            .merging(environment) { _, given in given }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try stdout.map { try handle($0) } ?? FileHandle.nullDevice
        process.standardError = try stderr.map { try handle($0) } ?? FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs `breakwater` to completion (with `environment` added and through `launcher`, see
    /// ``start(_:stdout:stderr:environment:launcher:)``) and captures its output.
    public static func run(_ arguments: [String], environment: [String: String] = [:], launcher: [String] = []) throws -> Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bw-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out"), err = folder.appendingPathComponent("err")
        let process = try start(arguments, stdout: out, stderr: err, environment: environment, launcher: launcher)
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    static func handle(_ url: URL) throws -> FileHandle {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: url.path) else { throw CocoaError(.fileWriteUnknown) }
        return handle
    }
}
