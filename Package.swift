// swift-tools-version: 6.1
import PackageDescription

/// Strict settings applied to every target (ARCHITECTURE.md, "Examples to follow" 10).
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Breakwater",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "breakwater", targets: ["BreakwaterCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        // System library over Debian's libsecp256k1 (K-256 signatures).
        .systemLibrary(
            name: "CSecp256k1",
            pkgConfig: "libsecp256k1",
            providers: [.apt(["libsecp256k1-dev"])]
        ),
        // Validated atproto syntax types. Standard library only.
        .target(name: "ATSyntax", swiftSettings: strictSettings),
        // Strict DAG-CBOR, CIDs, multibase, CAR v1, atproto JSON.
        .target(
            name: "IPLD",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        // Keys, did:key/Multikey, low-S signature verification and signing.
        .target(
            name: "ATCrypto",
            dependencies: ["IPLD", "CSecp256k1", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        // Commits, MST (partial trees, inversion, diffs), repository CARs.
        .target(
            name: "ATRepo",
            dependencies: ["IPLD", "ATSyntax", "ATCrypto", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        // DID documents, resolver protocol, cache policy, static identities.
        .target(
            name: "ATIdentity",
            dependencies: ["ATSyntax", "ATCrypto", "IPLD"],
            swiftSettings: strictSettings
        ),
        // The executable `breakwater`.
        .executableTarget(
            name: "BreakwaterCLI",
            dependencies: [
                "ATSyntax", "IPLD", "ATCrypto", "ATRepo", "ATIdentity",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        // Test support: fixture locator and builders (tests only).
        .target(
            name: "FirehoseTesting",
            dependencies: ["IPLD"],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "ATSyntaxTests", dependencies: ["ATSyntax", "FirehoseTesting"], swiftSettings: strictSettings),
        .testTarget(name: "IPLDTests", dependencies: ["IPLD", "FirehoseTesting"], swiftSettings: strictSettings),
        .testTarget(name: "ATCryptoTests", dependencies: ["ATCrypto", "IPLD", "FirehoseTesting"], swiftSettings: strictSettings),
        .testTarget(name: "ATRepoTests", dependencies: ["ATRepo", "ATCrypto", "IPLD", "ATSyntax", "FirehoseTesting"], swiftSettings: strictSettings),
        .testTarget(name: "ATIdentityTests", dependencies: ["ATIdentity", "ATCrypto", "FirehoseTesting"], swiftSettings: strictSettings),
    ]
)
