import DatabasePluginKit
import Foundation
import Synchronization

// NewUser throughput through the plugin process vs the same transactions over libpq directly,
// and default revocations per second. Prints figures; asserts nothing.
// Usage: postgresql-bench PLUGIN_PATH   (CUSTOS_TEST_PG_URL: a superuser URL)

guard CommandLine.arguments.count == 2, let url = ProcessInfo.processInfo.environment["CUSTOS_TEST_PG_URL"] else {
    FileHandle.standardError.write(Data("usage: CUSTOS_TEST_PG_URL=postgresql://... postgresql-bench PLUGIN_PATH\n".utf8))
    exit(2)
}
let pluginPath = CommandLine.arguments[1]
try await PostgreSQLBenchmark(pluginPath: pluginPath, url: url).run()
