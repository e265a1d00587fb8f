package import Foundation

/// Finds executables built with the package (`custos`, plugins) from inside a test process.
package enum BuildProducts {
    package struct MissingProduct: Error, CustomStringConvertible {
        package var name: String
        package var searched: [String]
        package var description: String {
            "built product \"\(name)\" not found (searched \(searched.joined(separator: ", "))); run `swift build` first"
        }
    }

    /// The build directory: `CUSTOS_BUILD_DIR`, else the directory holding the running test binary.
    package static var directories: [URL] {
        var candidates: [URL] = []
        if let dir = ProcessInfo.processInfo.environment["CUSTOS_BUILD_DIR"] {
            candidates.append(URL(fileURLWithPath: dir))
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        candidates.append(executable.deletingLastPathComponent())
        // macOS-style bundles: .../debug/xyzPackageTests.xctest/Contents/MacOS/xyzPackageTests
        var url = executable
        while url.pathComponents.count > 1 {
            url = url.deletingLastPathComponent()
            if url.pathExtension == "xctest" { candidates.append(url.deletingLastPathComponent()) }
        }
        candidates.append(Bundle.main.bundleURL)
        return candidates
    }

    package static func url(of name: String) throws -> URL {
        let dirs = directories
        for dir in dirs {
            let candidate = dir.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw MissingProduct(name: name, searched: dirs.map(\.path))
    }
}
