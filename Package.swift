// swift-tools-version: 6.0
import PackageDescription

// Layers, each depending only on those below it (see docs/architecture.md):
// crmq (CLI) -> Rendering -> Session -> CRM, Loading -> Arrow, Engine -> Semantics -> Syntax -> Diagnostics -> Source
let package = Package(
    name: "crmq",
    products: [
        .executable(name: "crmq", targets: ["crmq"]),
        .executable(name: "crmq-bench", targets: ["crmq-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Markdown to HTML for notebook prose.
        .package(url: "https://github.com/JohnSundell/Ink.git", exact: "0.6.0"),
        // The PostgreSQL backend's client (docs/backends.md).
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.0"),
        // The Spark Connect client: gRPC over HTTP/2, the protocol's messages (generated once,
        // committed: scripts/generate-spark-protocol).
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
    ],
    targets: [
        .systemLibrary(name: "CLibEdit", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        .target(name: "CrmqSource"),
        .target(name: "CrmqDiagnostics", dependencies: ["CrmqSource"]),
        .target(name: "CrmqSyntax", dependencies: ["CrmqSource", "CrmqDiagnostics"]),
        .target(name: "CrmqSemantics", dependencies: ["CrmqSource", "CrmqDiagnostics", "CrmqSyntax"]),
        // The allocator policy the engine wants (mallopt), which Swift's Glibc module does not export.
        .target(name: "CAllocator"),
        // Inline C kernels Swift cannot express: a prefetch hint (the purchase pass) and SIMD
        // byte masks (the CSV scanner).
        .target(name: "CKernels"),
        // Signal-time clean-up of temporary files and the SIGBUS guard of file mappings:
        // signal handlers that must not allocate, written in C.
        .target(name: "CCrmqSystem"),
        .target(name: "CrmqEngine", dependencies: ["CrmqSource", "CrmqDiagnostics", "CrmqSemantics", "CAllocator"]),
        // LZ4 frames and Zstandard, the codecs of compressed Arrow IPC bodies (Debian's C libraries).
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        // Arrow IPC (files and streams) read into tables: `load` of Feather/Arrow files, and
        // the results a Spark Connect server sends.
        .target(name: "CrmqArrow", dependencies: ["CrmqSemantics", "CrmqEngine", "CLZ4", "CZstd"]),
        .target(
            name: "CrmqLoading",
            dependencies: ["CrmqDiagnostics", "CrmqSemantics", "CrmqEngine", "CCrmqSystem", "CrmqArrow", "CKernels"]),
        .target(name: "CrmqCRM", dependencies: [
            "CrmqSource", "CrmqDiagnostics", "CrmqSyntax", "CrmqSemantics", "CrmqEngine", "CrmqLoading", "CKernels",
        ]),
        // Plans compiled to SQL, with the dialect differences in one place (PostgreSQL; Spark SQL).
        .target(name: "CrmqSQL", dependencies: ["CrmqSource", "CrmqSemantics", "CrmqEngine"]),
        // The PostgreSQL backend: connection settings, the remote catalog, plans compiled to
        // SQL (a dialect layer Spark SQL will share), rows decoded into tables.
        .target(
            name: "CrmqPostgres",
            dependencies: [
                "CrmqSource", "CrmqDiagnostics", "CrmqSemantics", "CrmqEngine", "CrmqSQL",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]),
        // The Spark Connect client (docs/backends.md): SQL to a Spark Connect server, Arrow back.
        .target(
            name: "CrmqSpark",
            dependencies: [
                "CrmqArrow", "CrmqEngine", "CrmqSemantics", "CrmqSQL",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            exclude: ["Protocol/spark_connect.proto"]),
        .target(
            name: "CrmqSession",
            dependencies: [
                "CrmqSource", "CrmqDiagnostics", "CrmqSyntax", "CrmqSemantics", "CrmqEngine", "CrmqLoading", "CrmqCRM",
                "CrmqSQL",
            ]),
        .target(
            name: "CrmqRendering",
            dependencies: [
                "CrmqSource", "CrmqDiagnostics", "CrmqSemantics", "CrmqEngine", "CrmqLoading", "CrmqSession",
                .product(name: "Ink", package: "Ink"),
            ]),
        .executableTarget(
            name: "crmq",
            dependencies: [
                "CrmqSession", "CrmqRendering", "CrmqCRM", "CrmqEngine", "CrmqLoading", "CrmqDiagnostics", "CrmqPostgres", "CrmqSpark", "CrmqSQL", "CLibEdit", "CCrmqSystem",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // The demo dataset travels with the binary (crmq_crmq.resources/demo beside it);
            // datasets/demo is a symbolic link to it.
            resources: [.copy("Resources/demo")]),
        // The benchmark harness (scripts/bench, docs/performance.md): the session API in-process.
        .executableTarget(name: "crmq-bench", dependencies: ["CrmqSession", "CrmqEngine", "CrmqLoading", "CrmqPostgres", "CrmqSpark"]),

        .testTarget(name: "CrmqDiagnosticsTests", dependencies: ["CrmqDiagnostics"]),
        .testTarget(name: "CrmqSyntaxTests", dependencies: ["CrmqSyntax"]),
        .testTarget(name: "CrmqSemanticsTests", dependencies: ["CrmqSyntax", "CrmqSemantics", "CrmqCRM"]),
        .testTarget(name: "CrmqEngineTests", dependencies: ["CrmqSemantics", "CrmqEngine"]),
        .testTarget(name: "CrmqLoadingTests", dependencies: ["CrmqEngine", "CrmqLoading"]),
        .testTarget(name: "CrmqSparkTests", dependencies: ["CrmqSpark", "CrmqEngine", "CrmqSemantics"]),
        .testTarget(name: "CrmqArrowTests", dependencies: ["CrmqArrow", "CrmqEngine", "CrmqSemantics"], resources: [.copy("files")]),
        .testTarget(name: "CrmqRenderingTests", dependencies: ["CrmqSession", "CrmqRendering"]),
        .testTarget(
            name: "CrmqPostgresTests",
            dependencies: ["CrmqPostgres", "CrmqSQL", "CrmqSemantics", "CrmqEngine", "CrmqSyntax", "CrmqSession", "CrmqLoading"]),
        .testTarget(
            name: "CrmqSessionTests",
            dependencies: ["CrmqSession", "CrmqSource", "CrmqSyntax", "CrmqSemantics", "CrmqEngine", "CrmqCRM", "CrmqSQL"]),
        .testTarget(name: "CrmqCRMTests", dependencies: ["CrmqCRM", "CrmqEngine", "CrmqLoading", "CrmqSession"]),
        .testTarget(
            name: "GoldenTests",
            dependencies: ["CrmqSession", "CrmqRendering", "CrmqPostgres", "CrmqSQL", "CrmqSpark", "CrmqArrow", "CrmqSemantics"],
            exclude: ["cases", "data"]),
        .testTarget(name: "EndToEndTests", dependencies: ["crmq"]),
    ]
)

// The libFuzzer targets (Fuzz/, docs/safety.md): executables whose main runs libFuzzer's
// driver (LLVMFuzzerRunDriver), so they link only with `-sanitize=fuzzer`. They exist only
// when scripts/fuzz asks (CRMQ_FUZZ=1, in its own scratch folder .build-fuzz), so
// `swift build` and `swift test` never see them.
if Context.environment["CRMQ_FUZZ"] == "1" {
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("syntax", ["CrmqSyntax", "CrmqRendering"]),
        ("checker", ["CrmqSyntax", "CrmqSemantics", "CrmqSession", "CrmqLoading"]),
        ("statements", ["CrmqSession", "CrmqRendering", "CrmqLoading", "CrmqSyntax"]),
        ("csv", ["CrmqLoading", "CrmqEngine", "CrmqRendering"]),
        ("arrow", ["CrmqArrow", "CrmqEngine", "CrmqRendering"]),
        ("history", ["CrmqSession"]),
    ]
    package.targets.append(.target(name: "CFuzzDriver", path: "Fuzz/CFuzzDriver"))
    for target in fuzzTargets {
        let name = "crmq-fuzz-" + target.name
        package.targets.append(
            .executableTarget(name: name, dependencies: target.dependencies + ["CFuzzDriver"], path: "Fuzz/" + target.name))
        package.products.append(.executable(name: name, targets: [name]))
    }
}
