import CustosCore
import Foundation

/// The secrets engine types this build of Custos can mount.
enum BuiltinEngines {
    static let all: [SecretsEngineType] = [KVEngine.type]

    /// Engines for end-to-end tests only, never in production: enabled by the environment.
    static let testOnly: [SecretsEngineType] = [FileLeaseTestEngine.type]

    /// What the server registers: `all`, plus `testOnly` when `CUSTOS_ENABLE_TEST_ENGINES=1`.
    static var enabled: [SecretsEngineType] {
        ProcessInfo.processInfo.environment["CUSTOS_ENABLE_TEST_ENGINES"] == "1" ? all + testOnly : all
    }
}
