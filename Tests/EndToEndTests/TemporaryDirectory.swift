import CustosCore
import CustosJSON
import Foundation

/// A directory removed when the test is done with it.
final class TemporaryDirectory: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("custos-test-\(UUID().uuidString.lowercased())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func file(_ name: String, contents: String) throws -> URL {
        let file = url.appendingPathComponent(name)
        try contents.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// A config file for a persistent SQLite server on a free port.
func persistentConfig(in dir: TemporaryDirectory, extraListener: String = "") throws -> URL {
    try dir.file("custos.hcl", contents: """
        # a persistent server, as an operator would write it
        storage "sqlite" {
          path = "\(dir.url.path)/data/custos.db"
        }
        listener "tcp" {
          address     = "127.0.0.1:0"
          tls_disable = true
          \(extraListener)
        }
        default_lease_ttl = "1h"
        max_lease_ttl     = "24h"
        log_level         = "warn"
        disable_mlock     = true
        """)
}

extension JSONValue {
    /// The strings of a JSON array (`keys`, `warnings`); empty for anything else.
    var testStrings: [String] {
        if case .array(let items) = self { return items.compactMap(\.stringValue) }
        return []
    }
}
