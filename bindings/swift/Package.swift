// swift-tools-version:5.7
// The Swift (iOS) binding of Pumpurs: a thin, idiomatic wrapper over the C
// ABI (bindings/c/include/pumpurs.h, libpumpurs). Requests and responses
// are serialized protobuf bytes (Data); the app decodes them with
// swift-protobuf. Not built on the project's Linux machines (no Swift
// toolchain): see README.md.
import PackageDescription

let package = Package(
    name: "Pumpurs",
    platforms: [.iOS(.v13), .macOS(.v11)],
    products: [
        .library(name: "Pumpurs", targets: ["Pumpurs"]),
    ],
    targets: [
        // The C header as a Swift module; links libpumpurs (the app supplies
        // it: the XCFramework of README.md, or -L for a macOS build).
        .systemLibrary(name: "CPumpurs", path: "Sources/CPumpurs"),
        .target(name: "Pumpurs", dependencies: ["CPumpurs"], path: "Sources/Pumpurs"),
    ]
)
