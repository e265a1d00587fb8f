import CustosTesting
import Foundation

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
