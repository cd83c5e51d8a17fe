// swift-tools-version: 6.1
import PackageDescription

/// Strict settings applied to every target.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// The verification path's targets also get, in release builds only: cross-module optimization (generic hot
/// code specialised across module boundaries) and exclusivity checks off (dynamic `inout` access tracking on
/// every class property access). Bounds and overflow checks stay on: `-Ounchecked` is never used, because
/// they are part of reading hostile input (Docs/ARCHITECTURE.md, "Decisions").
let hotPathSettings: [SwiftSetting] = strictSettings + [
    .unsafeFlags(["-cross-module-optimization", "-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "Breakwater",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "breakwater", targets: ["BreakwaterCLI"]),
        // The verification modules, for the micro-benchmark package in Scripts/Benchmarks (not a public API).
        .library(name: "BreakwaterModules", targets: ["ATSyntax", "IPLD", "ATCrypto", "ATRepo", "FirehoseSync", "FirehoseSynth"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.4"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // System library over Debian's libsecp256k1 (K-256 signatures).
        .systemLibrary(
            name: "CSecp256k1",
            pkgConfig: "libsecp256k1",
            providers: [.apt(["libsecp256k1-dev"])]
        ),
        // System library over the distro's libcrypto: SHA-256 on a stack context (IPLD's SHA256Hasher).
        .systemLibrary(name: "CLibCryptoSHA256", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // Validated atproto syntax types. Standard library only.
        .target(name: "ATSyntax", swiftSettings: hotPathSettings),
        // Strict DAG-CBOR, CIDs, multibase, CAR v1, atproto JSON.
        .target(
            name: "IPLD",
            dependencies: ["CLibCryptoSHA256"],
            swiftSettings: hotPathSettings
        ),
        // Keys, did:key/Multikey, low-S signature verification and signing.
        .target(
            name: "ATCrypto",
            dependencies: ["IPLD", "CSecp256k1", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: hotPathSettings
        ),
        // Commits, MST (partial trees, inversion, diffs), repository CARs.
        .target(
            name: "ATRepo",
            dependencies: ["IPLD", "ATCrypto"],
            swiftSettings: hotPathSettings
        ),
        // DID documents, resolver protocol, cache policy, static identities.
        .target(
            name: "ATIdentity",
            dependencies: ["ATSyntax", "ATCrypto", "IPLD"],
            swiftSettings: hotPathSettings
        ),
        // Event frames, per-account state machine, the commit verifier, policies, recordings codec.
        .target(
            name: "FirehoseSync",
            dependencies: ["ATSyntax", "IPLD", "ATCrypto", "ATRepo", "ATIdentity", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: hotPathSettings
        ),
        // Pure audit logic: relay health and the live and recorded relay comparisons.
        .target(
            name: "FirehoseAudit",
            dependencies: ["FirehoseSync", "ATSyntax", "IPLD", .product(name: "DequeModule", package: "swift-collections")],
            swiftSettings: strictSettings
        ),
        // SQLite persistence behind the `StateStore` protocol.
        .target(
            name: "FirehoseStore",
            dependencies: [
                "FirehoseSync", "ATRepo", "ATIdentity", "ATCrypto", "ATSyntax", "IPLD", .product(name: "GRDB", package: "GRDB.swift"),
                // The SQLite C API under GRDB (Debian's libsqlite3), for the batch write's direct binds.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: hotPathSettings
        ),
        // PostgreSQL persistence behind the same ports as SQLite (`StateStore`, `LeaseStore`), for shared and
        // partitioned deployments.
        .target(
            name: "FirehosePostgres",
            dependencies: [
                "FirehoseSync", "ATRepo", "ATCrypto", "ATIdentity", "ATSyntax", "IPLD",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // The live and replay pipeline: sources, sharded verification workers, batched store writes.
        .target(
            name: "FirehoseIngest",
            dependencies: [
                "FirehoseSync", "FirehoseAudit", "ATIdentity", "IPLD", "ATSyntax",
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: hotPathSettings
        ),
        // The network: the firehose subscription, the guarded HTTP client (PLC, did:web, getRepo, getBlob,
        // webhook) and the HTTP server of the status API and metrics.
        .target(
            name: "BreakwaterNet",
            dependencies: [
                "FirehoseSync", "ATIdentity", "ATSyntax", "IPLD",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // `breakwater serve`: a recording served on loopback as a relay, a PLC directory, getRepo and getBlob.
        .target(
            name: "FirehoseRelay",
            dependencies: [
                "FirehoseSync", "ATIdentity", "ATSyntax", "IPLD",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // Deterministic synthetic traffic with labelled faults (`breakwater synth`).
        .target(
            name: "FirehoseSynth",
            dependencies: ["FirehoseSync", "ATIdentity", "ATRepo", "ATCrypto", "ATSyntax", "IPLD"],
            swiftSettings: strictSettings
        ),
        // The application layer: the consume service, the replay runner, resync wiring, status and metrics routes.
        .target(
            name: "BreakwaterService",
            dependencies: [
                "ATSyntax", "IPLD", "ATCrypto", "ATRepo", "ATIdentity", "FirehoseSync", "FirehoseAudit", "FirehoseStore", "FirehoseIngest", "FirehoseSynth",
                "BreakwaterNet", "FirehosePostgres",
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSettings
        ),
        // The executable `breakwater`: parsing, exit codes, rendering, logging bootstrap.
        .executableTarget(
            name: "BreakwaterCLI",
            dependencies: [
                "ATSyntax", "IPLD", "ATCrypto", "ATRepo", "ATIdentity", "FirehoseSync", "FirehoseAudit", "FirehoseStore", "FirehoseIngest", "FirehoseSynth",
                "BreakwaterNet", "FirehoseRelay", "BreakwaterService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings,
            plugins: ["BuildStamp"]
        ),
        // Writes the commit, build date and toolchain into the executable (`breakwater version`); no network.
        .plugin(name: "BuildStamp", capability: .buildTool()),
        // Test support: fixture locator and builders (tests only).
        .target(
            name: "FirehoseTesting",
            dependencies: ["ATIdentity", "FirehoseSync", "FirehoseSynth", "ATRepo", "ATCrypto", "IPLD"],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "ATSyntaxTests", dependencies: ["ATSyntax", "FirehoseTesting"], swiftSettings: strictSettings),
        .testTarget(name: "IPLDTests", dependencies: ["IPLD", "FirehoseTesting"], swiftSettings: strictSettings),
        .testTarget(name: "ATCryptoTests", dependencies: ["ATCrypto", "IPLD", "FirehoseTesting", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: strictSettings),
        .testTarget(name: "ATRepoTests", dependencies: ["ATRepo", "ATCrypto", "IPLD", "FirehoseTesting"], swiftSettings: strictSettings),
        .testTarget(name: "FirehoseSyncTests", dependencies: ["FirehoseSync", "ATIdentity", "FirehoseSynth", "FirehoseTesting", "IPLD", "ATRepo", "ATCrypto", "ATSyntax"], swiftSettings: strictSettings),
        .testTarget(name: "FirehoseAuditTests", dependencies: ["FirehoseAudit", "FirehoseSync", "ATSyntax", "IPLD"], swiftSettings: strictSettings),
        .testTarget(name: "FirehoseStoreTests", dependencies: ["FirehoseStore", "FirehoseSync", "FirehoseTesting", "IPLD", "ATRepo", "ATCrypto", "ATIdentity", "ATSyntax"], swiftSettings: strictSettings),
        .testTarget(
            name: "FirehoseIngestTests",
            dependencies: [
                "FirehoseIngest", "FirehoseAudit", "FirehoseStore", "FirehoseSync", "FirehoseSynth", "FirehoseTesting", "IPLD", "ATRepo", "ATCrypto",
                "ATIdentity", "BreakwaterNet", "FirehoseRelay", "FirehosePostgres", "BreakwaterService",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BreakwaterCLITests",
            dependencies: ["FirehoseTesting", "FirehoseSynth", "FirehoseSync", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "FirehoseSynthTests", dependencies: ["FirehoseSynth", "ATIdentity", "FirehoseIngest", "FirehoseStore", "FirehoseSync", "ATCrypto", "ATRepo", "IPLD"], swiftSettings: strictSettings),
        .testTarget(
            name: "BreakwaterNetTests",
            dependencies: [
                "BreakwaterNet", "ATIdentity", "ATCrypto", "ATSyntax", "IPLD", "FirehoseSync", "FirehoseStore", "FirehoseTesting",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "FirehosePostgresTests",
            dependencies: ["FirehosePostgres", "FirehoseStore", "FirehoseSync", "FirehoseTesting", "IPLD", "ATSyntax", "ATIdentity", "ATCrypto", "ATRepo"],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "ATIdentityTests", dependencies: ["ATIdentity", "ATSyntax", "ATCrypto", "FirehoseSynth", "FirehoseTesting"], swiftSettings: strictSettings),
    ]
)
