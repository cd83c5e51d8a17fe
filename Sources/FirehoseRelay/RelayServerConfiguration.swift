/// Settings of a ``RelayServer`` (`breakwater serve`, Docs/CONTRACT.md §1).
public struct RelayServerConfiguration: Sendable {
    /// The `frames.bin` of the recording to serve.
    public var framesPath: String
    /// The identities file served as DID documents (the recording's `identities.json`, or another one).
    public var identitiesPath: String
    /// Folder of full-repo CARs named `did_plc_xxx.car` (as `synth --repos-dir` writes them) for `getRepo`.
    public var reposDirectory: String?
    /// Folder of blobs in the layout of ``BlobAddress`` (`<first two characters of the CID>/<cid>`) for `getBlob`.
    public var blobsDirectory: String? = nil
    /// Address to listen on.
    public var host: String
    /// Port (0: any free port).
    public var port: Int
    /// Events per second per connection (nil: as fast as the client reads).
    public var eventsPerSecond: Double?
    /// Drop each connection after this many frames (to exercise reconnects).
    public var closeAfter: Int?
    /// After this many frames, a connection goes silent: no more frames, no pings, no pongs (a server that
    /// stopped answering; clients must notice and reconnect).
    public var stallAfter: Int?
    /// After this many frames, each connection gets a `ConsumerTooSlow` error frame and is closed, as a relay
    /// does to a subscriber that fell behind (clients reconnect from their cursor).
    public var tooSlowAfter: Int? = nil
    /// Replay from the frame whose seq equals the cursor, as the event-stream spec's text says (`seq ≥ cursor`) and
    /// some PDSes do (arroba), instead of after it (`seq > cursor`, the reference PDS and relay; Docs/SPEC.md §15 item 1).
    public var inclusiveCursor: Bool = false
    /// Serve over TLS (`wss://`, `https://`) with this certificate chain and private key (PEM files).
    public var tls: (certificateChain: String, privateKey: String)? = nil
    /// Period of the server's pings.
    public var pingInterval: Duration
    /// How often the end of the recording is checked for new frames once everything was sent.
    public var tailInterval: Duration
    /// The most frames sent with one write and flush (frames already due go together; a paced frame waits for its time).
    public var writeBatchFrames: Int = 256
    /// The most bytes sent with one write and flush (a single larger frame goes alone).
    public var writeBatchBytes: Int = 1024 * 1024

    /// Creates a configuration serving the frames at `framesPath` and the identities at `identitiesPath`.
    public init(framesPath: String, identitiesPath: String, reposDirectory: String? = nil,
                host: String = "127.0.0.1", port: Int = 0, eventsPerSecond: Double? = nil, closeAfter: Int? = nil,
                pingInterval: Duration = .seconds(30), tailInterval: Duration = .milliseconds(500)) {
        self.framesPath = framesPath
        self.identitiesPath = identitiesPath
        self.reposDirectory = reposDirectory
        self.host = host
        self.port = port
        self.eventsPerSecond = eventsPerSecond
        self.closeAfter = closeAfter
        self.pingInterval = pingInterval
        self.tailInterval = tailInterval
    }
}
