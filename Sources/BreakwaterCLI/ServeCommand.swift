import ArgumentParser
import FirehoseIngest
import FirehoseRelay
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// `breakwater serve FILE`: a recording on loopback as a relay and a PLC directory (Docs/CONTRACT.md §1).
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve a recording as a relay (subscribeRepos), a PLC directory (GET /{did}) and getRepo.",
        discussion: "The first line on stdout is `listening on ws://HOST:PORT`. SIGINT/SIGTERM stop the server."
    )

    @Argument(help: "The recording folder or its frames.bin.")
    var file: String

    @Option(help: ArgumentHelp("Address to listen on (default 127.0.0.1). Env: BREAKWATER_SERVE_HOST.", valueName: "host"))
    var host: String?

    @Option(help: "Port (0: any free port).")
    var port: Int = 0

    @Option(help: ArgumentHelp("Identities served as DID documents (default: identities.json beside the recording). Env: BREAKWATER_IDENTITIES.", valueName: "file"))
    var identities: String?

    @Option(help: ArgumentHelp("Folder of full-repo CARs (did_plc_xxx.car) for getRepo. Env: BREAKWATER_REPOS.", valueName: "dir"))
    var repos: String?

    @Option(help: ArgumentHelp("Folder of blobs (<first two characters of the CID>/<cid>) for getBlob. Env: BREAKWATER_BLOBS.", valueName: "dir"))
    var blobs: String?

    @Option(help: "Events per second per connection (default: as fast as the client reads).")
    var rate: Double?

    @Option(help: "Drop each connection after this many frames (to test reconnects).")
    var closeAfter: Int?

    @Option(help: "Go silent after this many frames per connection: no frames, pings or pongs (to test read timeouts).")
    var stallAfter: Int?

    @Option(help: "Send a ConsumerTooSlow error frame and close after this many frames per connection (to test reconnects).")
    var tooSlowAfter: Int?

    @Flag(help: "Replay from the event at the cursor (seq >= cursor, the spec's text; some PDSes do this) instead of after it.")
    var inclusiveCursor = false

    @Option(help: ArgumentHelp("Serve TLS (wss://, https://) with this PEM certificate chain (with --tls-key). Env: BREAKWATER_TLS_CERT.", valueName: "file"))
    var tlsCert: String?

    @Option(help: ArgumentHelp("The PEM private key of --tls-cert. Env: BREAKWATER_TLS_KEY.", valueName: "file"))
    var tlsKey: String?

    @Option(help: ArgumentHelp("Seconds between pings.", valueName: "seconds"))
    var pingInterval: Double = 30

    @OptionGroup(title: "Logging") var logging: LogOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        if let rate, rate <= 0 { throw ValidationError("--rate must be positive") }
        if let closeAfter, closeAfter < 1 { throw ValidationError("--close-after must be at least 1") }
        if let tooSlowAfter, tooSlowAfter < 1 { throw ValidationError("--too-slow-after must be at least 1") }
        if (tlsCertPath == nil) != (tlsKeyPath == nil) { throw UsageError("--tls-cert and --tls-key go together") }
        guard pingInterval > 0 else { throw ValidationError("--ping-interval must be positive") }
    }

    /// The TLS certificate chain: `--tls-cert`, else `BREAKWATER_TLS_CERT`.
    var tlsCertPath: String? { EnvironmentOption.value(tlsCert, env: "BREAKWATER_TLS_CERT") }

    /// The TLS private key: `--tls-key`, else `BREAKWATER_TLS_KEY`.
    var tlsKeyPath: String? { EnvironmentOption.value(tlsKey, env: "BREAKWATER_TLS_KEY") }

    func run() async throws {
        let logger = logging.logger("breakwater.serve")
        let location = RecordingLocation(path: file)
        guard FileManager.default.fileExists(atPath: location.frames.path) else {
            throw OperationalError("file-not-found", "no recording at \(location.frames.path)")
        }
        var configuration = RelayServerConfiguration(
            framesPath: location.frames.path,
            identitiesPath: EnvironmentOption.value(identities, env: "BREAKWATER_IDENTITIES") ?? location.identities.path,
            reposDirectory: EnvironmentOption.value(repos, env: "BREAKWATER_REPOS"),
            host: EnvironmentOption.value(host, env: "BREAKWATER_SERVE_HOST", default: "127.0.0.1"), port: port,
            eventsPerSecond: rate, closeAfter: closeAfter, pingInterval: .milliseconds(Int64(pingInterval * 1000)))
        configuration.stallAfter = stallAfter
        configuration.tooSlowAfter = tooSlowAfter
        configuration.inclusiveCursor = inclusiveCursor
        if let tlsCertPath, let tlsKeyPath { configuration.tls = (tlsCertPath, tlsKeyPath) }
        configuration.blobsDirectory = EnvironmentOption.value(blobs, env: "BREAKWATER_BLOBS")
        let server: RelayServer
        do {
            server = try await RelayServer.bind(configuration: configuration, logger: logger)
        } catch let error as RelayError {
            throw OperationalError(error.code.description, error.reason)
        }
        CLISupport.printOutput("listening on \(server.url)")
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: server)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
