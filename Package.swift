// swift-tools-version:6.2
import PackageDescription

// Upcoming features that keep module boundaries honest: `package` access across modules,
// `public` only in the plugin SDK; MemberImportVisibility makes a file import every module
// whose members it uses, instead of seeing them through some other file's import;
// InternalImportsByDefault makes a plain import internal, so a file whose `package`/`public`
// declarations show another module's types says `package import`/`public import`.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "custos",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "custos", targets: ["custos"]),
        .executable(name: "postgresql-database-plugin", targets: ["PostgreSQLDatabasePlugin"]),
        .library(name: "DatabasePluginKit", targets: ["DatabasePluginKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // The CLI; `custos server` assembles and runs the server.
        .executableTarget(
            name: "custos",
            dependencies: [
                "CustosServer", "CustosCore", "DatabaseEngine", "PluginHost", "DatabasePluginProtocol", "HCL", "CustosJSON", "VaultAPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // HTTP: listeners, TLS, the Vault wire envelope, request -> core.
        .target(
            name: "CustosServer",
            dependencies: [
                "CustosCore", "HCL", "CustosJSON", "VaultAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        // The core, free of HTTP: storage, barrier, seal, router, policies, engines.
        .target(
            name: "CustosCore",
            dependencies: [
                "HCL", "SeededRandom", "CustosJSON", "VaultAPI",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // HCL 1 and JSON documents with line and column: policies (core), the server's config
        // file, `custos policy fmt`. Depends on nothing, not even Foundation.
        .target(name: "HCL", swiftSettings: swiftSettings),
        // The one JSON value type, exact for integers: the core, the plugin protocol (which
        // re-exports it to plugin authors) and the CLI. Depends on nothing but Foundation.
        .target(name: "CustosJSON", swiftSettings: swiftSettings),
        // Vault's response shapes, written once: the server encodes them, the CLI decodes them.
        .target(name: "VaultAPI", dependencies: ["CustosJSON"], swiftSettings: swiftSettings),
        // The one seeded generator (SplitMix64), shared by the core's trial generations, the
        // tests and the benchmarks.
        .target(name: "SeededRandom", swiftSettings: swiftSettings),
        // The database secrets engine and the plugin catalog paths: the bridge between core and plugin host.
        .target(
            name: "DatabaseEngine",
            dependencies: [
                "CustosCore", "PluginHost", "DatabasePluginProtocol", "CustosJSON", "VaultAPI",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Servers for tests: in process over in-memory connections (`withInProcessServer`), or as
        // a child process (build products, a Vault client, raw connections); hostile values.
        .target(
            name: "CustosTesting",
            dependencies: [
                "CustosCore", "CustosServer", "SeededRandom", "CustosJSON", "VaultAPI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Plugin side: the wire contract, the SDK, the host.
        .target(name: "DatabasePluginProtocol", dependencies: ["CustosJSON"], swiftSettings: swiftSettings),
        .target(name: "DatabasePluginKit", dependencies: ["DatabasePluginProtocol"], swiftSettings: swiftSettings),
        // posix_spawn_file_actions_addclosefrom_np, which Swift's Glibc module does not declare.
        .target(name: "CPosixSpawn"),
        .target(
            name: "PluginHost",
            dependencies: [
                "DatabasePluginProtocol", "CPosixSpawn",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "noop-database-plugin",
            dependencies: ["DatabasePluginKit"],
            path: "Plugins/Examples/Noop",
            swiftSettings: swiftSettings
        ),
        // A plugin that misbehaves on request, for the host's tests.
        .executableTarget(
            name: "custos-test-plugin",
            dependencies: ["DatabasePluginProtocol"],
            path: "Plugins/Testing",
            swiftSettings: swiftSettings
        ),
        // Benchmarks, run by scripts/bench-*.
        .executableTarget(
            name: "plugin-bench",
            dependencies: [
                "PluginHost", "DatabasePluginProtocol", "CustosCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Benchmarks/PluginBench",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "lease-bench",
            dependencies: ["CustosCore", "CustosJSON", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/LeaseBench",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "postgresql-bench",
            dependencies: ["DatabasePluginKit", "DatabasePluginProtocol", "CLibPQ"],
            path: "Benchmarks/PostgreSQLBench",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "http-floor",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Benchmarks/HTTPFloor",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "acl-bench",
            dependencies: ["CustosCore", "SeededRandom"],
            path: "Benchmarks/ACLBench",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "creds-bench",
            dependencies: [
                "DatabasePluginKit", "CLibPQ",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Benchmarks/CredsBench",
            swiftSettings: swiftSettings
        ),
        .systemLibrary(name: "CLibPQ", path: "Plugins/CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .executableTarget(
            name: "PostgreSQLDatabasePlugin",
            dependencies: [
                "DatabasePluginKit", "CLibPQ",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Plugins/PostgreSQL",
            swiftSettings: swiftSettings
        ),

        .testTarget(
            name: "CustosCoreTests",
            dependencies: [
                "CustosCore", "CustosTesting", "HCL", "SeededRandom", "CustosJSON", "VaultAPI",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "HCLTests", dependencies: ["HCL", "SeededRandom"], swiftSettings: swiftSettings),
        .testTarget(name: "CustosJSONTests", dependencies: ["CustosJSON"], swiftSettings: swiftSettings),
        .testTarget(name: "VaultAPITests", dependencies: ["VaultAPI", "CustosJSON"], swiftSettings: swiftSettings),
        .testTarget(
            name: "DatabaseEngineTests",
            dependencies: [
                "DatabaseEngine", "CustosCore", "CustosTesting", "SeededRandom",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DatabasePluginKitTests",
            dependencies: ["DatabasePluginKit", "noop-database-plugin"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PluginHostTests",
            dependencies: [
                "PluginHost", "DatabasePluginProtocol", "CustosTesting", "custos-test-plugin", "noop-database-plugin",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PostgreSQLPluginTests",
            dependencies: ["PostgreSQLDatabasePlugin", "DatabasePluginKit"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CustosServerTests",
            dependencies: ["CustosServer", "CustosCore", "CustosTesting", "VaultAPI", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["CustosTesting", "CustosCore", "CustosJSON", "VaultAPI", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
    ]
)
