import FirehoseSync
public import Logging
import Foundation
import NIOCore
import NIOHTTP1
public import NIOPosix
import NIOSSL
import NIOWebSocket
public import ServiceLifecycle
import Synchronization

/// `breakwater serve`: a recording served on loopback as a relay and a PLC directory (Docs/CONTRACT.md §1), over
/// SwiftNIO HTTP/1.1 with WebSocket upgrade.
///
/// Every WebSocket client gets its own reader over the file, positioned by its cursor, and its frames are
/// written through the channel's backpressure (a slow client slows its own reader; nothing is buffered beyond
/// the channel's write watermarks). Frames are sent exactly as recorded.
public final class RelayServer: Service, Sendable {
    /// The settings.
    public let configuration: RelayServerConfiguration
    /// The address actually bound.
    public let host: String
    /// The port actually bound (useful with port 0).
    public let port: Int
    let index: RecordingIndex
    let documents: DIDDocuments
    let logger: Logger
    private let listener: Mutex<NIOAsyncChannel<EventLoopFuture<Connection>, Never>?>

    /// What an accepted connection turned into.
    enum Connection: Sendable {
        case stream(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>, cursor: Int64?)
        case http(NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>)
    }

    private init(configuration: RelayServerConfiguration, host: String, port: Int, index: RecordingIndex, documents: DIDDocuments,
                 logger: Logger, listener: NIOAsyncChannel<EventLoopFuture<Connection>, Never>) {
        self.configuration = configuration
        self.host = host
        self.port = port
        self.index = index
        self.documents = documents
        self.logger = logger
        self.listener = Mutex(listener)
    }

    /// The WebSocket URL clients connect to (`wss://` when serving TLS).
    public var url: String { "\(configuration.tls == nil ? "ws" : "wss")://\(host.contains(":") ? "[\(host)]" : host):\(port)" }

    /// Scans the recording and binds the listening socket (serving starts with ``run()``).
    public static func bind(configuration: RelayServerConfiguration, logger: Logger,
                            group: MultiThreadedEventLoopGroup = .singleton) async throws -> RelayServer {
        let framesPath = configuration.framesPath
        let index = try RecordingIndex.scan(path: framesPath)
        if index.truncatedBytes > 0 {
            logger.warning("recording ends inside a frame; serving the complete frames", metadata: ["serve.truncated-bytes": "\(index.truncatedBytes)"])
        }
        let documents = try DIDDocuments(path: configuration.identitiesPath)
        let tls = try configuration.tls.map { try RelayServer.tlsContext(certificateChain: $0.certificateChain, privateKey: $0.privateKey) }
        let listener: NIOAsyncChannel<EventLoopFuture<Connection>, Never>
        do {
            listener = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelOption(.backlog, value: 256)
                .bind(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                        return try RelayServer.configure(channel)
                    }
                }
        } catch {
            throw RelayError(.cannotBind, "cannot listen on \(configuration.host):\(configuration.port): \(error)")
        }
        guard let address = listener.channel.localAddress, let port = address.port else {
            throw RelayError(.cannotBind, "no local address after binding \(configuration.host):\(configuration.port)")
        }
        return RelayServer(configuration: configuration, host: address.ipAddress ?? configuration.host, port: port,
                           index: index, documents: documents, logger: logger, listener: listener)
    }

    /// Serves until cancelled or a graceful shutdown; can be called once.
    public func run() async throws {
        guard let listener = listener.withLock({ value -> NIOAsyncChannel<EventLoopFuture<Connection>, Never>? in
            defer { value = nil }
            return value
        }) else { return }
        logger.info("serving", metadata: ["serve.url": "\(url)", "serve.frames": "\(index.frames)",
                                          "serve.last-seq": "\(index.lastSeq.map(String.init) ?? "none")"])
        do {
            try await cancelWhenGracefulShutdown {
                try await withThrowingDiscardingTaskGroup { group in
                    try await listener.executeThenClose { inbound in
                        for try await connection in inbound {
                            group.addTask { await self.handle(connection) }
                        }
                    }
                }
            }
        } catch is CancellationError {
            // Stopping is the normal end of a server.
        }
        logger.info("stopped", metadata: ["serve.url": "\(url)"])
    }

    private func handle(_ connection: EventLoopFuture<Connection>) async {
        do {
            switch try await connection.get() {
            case .stream(let channel, let cursor): try await serveStream(channel, cursor: cursor)
            case .http(let channel): try await serveHTTP(channel)
            }
        } catch {
            logger.debug("connection ended", metadata: ["serve.error": "\(error)"])
        }
    }

    /// The server-side TLS context for a PEM certificate chain and private key.
    static func tlsContext(certificateChain: String, privateKey: String) throws -> NIOSSLContext {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificateChain).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: privateKey, format: .pem)
            return try NIOSSLContext(configuration: .makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key)))
        } catch {
            throw RelayError(.cannotBind, "cannot use the TLS certificate \(certificateChain) and key \(privateKey): \(error)")
        }
    }

    /// The pipeline of an accepted connection: HTTP/1.1, upgraded to WebSocket on the subscription path.
    private static func configure(_ channel: any Channel) throws -> EventLoopFuture<Connection> {
        let upgrader = NIOTypedWebSocketServerUpgrader<Connection>(
            shouldUpgrade: { channel, head in
                let request = RequestTarget(head.uri)
                guard request.path == SubscribeRepos.path, case .success = request.cursor else {
                    return channel.eventLoop.makeSucceededFuture(nil)
                }
                return channel.eventLoop.makeSucceededFuture(HTTPHeaders())
            },
            upgradePipelineHandler: { channel, head in
                channel.eventLoop.makeCompletedFuture {
                    let cursor = (try? RequestTarget(head.uri).cursor.get()) ?? nil
                    return .stream(try NIOAsyncChannel(wrappingChannelSynchronously: channel), cursor: cursor)
                }
            }
        )
        let configuration = NIOTypedHTTPServerUpgradeConfiguration<Connection>(
            upgraders: [upgrader],
            notUpgradingCompletionHandler: { channel in
                channel.eventLoop.makeCompletedFuture {
                    .http(try NIOAsyncChannel(wrappingChannelSynchronously: channel))
                }
            }
        )
        return try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(
            configuration: .init(upgradeConfiguration: configuration))
    }
}

extension RequestTarget {
    /// The `cursor` parameter: absent, a non-negative integer, or invalid.
    var cursor: Result<Int64?, RelayError> {
        guard let text = query["cursor"] else { return .success(nil) }
        guard let value = Int64(text), value >= 0 else {
            return .failure(RelayError(.invalidURL, "cursor must be a non-negative integer"))
        }
        return .success(value)
    }
}
