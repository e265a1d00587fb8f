// plugin-bench: host <-> plugin round trips through the real supervisor and a real plugin process,
// at 1 and 16 concurrent callers. Prints calls/s, p50 and p99; asserts nothing.
//
//   plugin-bench [--plugin PATH] [--calls N] [--concurrency 1,16]
// PATH defaults to custos-test-plugin next to this executable (its normal mode is a no-op plugin).
import CustosCore
import DatabasePluginProtocol
import Foundation
import Logging
import NIOCore
import NIOPosix
import PluginHost

struct BenchOptions {
    var pluginPath: String
    var calls = 50_000
    var concurrencies = [1, 16]

    static func parse(_ arguments: [String]) -> BenchOptions {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var options = BenchOptions(
            pluginPath: executable.deletingLastPathComponent().appendingPathComponent("custos-test-plugin").path)
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--plugin": options.pluginPath = iterator.next() ?? options.pluginPath
            case "--calls": options.calls = iterator.next().flatMap(Int.init) ?? options.calls
            case "--concurrency":
                options.concurrencies = (iterator.next() ?? "").split(separator: ",").compactMap { Int($0) }
            default:
                FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
                exit(2)
            }
        }
        return options
    }
}

struct LatencySummary {
    var callsPerSecond: Double
    var p50: Duration
    var p99: Duration

    init(latencies: [Duration], elapsed: Duration) {
        let sorted = latencies.sorted()
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        callsPerSecond = Double(sorted.count) / seconds
        p50 = sorted[sorted.count / 2]
        p99 = sorted[min(sorted.count - 1, sorted.count * 99 / 100)]
    }
}

func microseconds(_ duration: Duration) -> String {
    let value = Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
    return String(format: "%.1f us", value)
}

/// `calls` RenewUser round trips spread over `concurrency` callers.
func measure(_ client: PluginClient, calls: Int, concurrency: Int) async throws -> LatencySummary {
    let request = RenewUserRequest(
        connection: "bench", username: "v-bench-user", expiration: Date().addingTimeInterval(3600))
    let perCaller = calls / concurrency
    let clock = ContinuousClock()
    let start = clock.now
    let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
        for _ in 0..<concurrency {
            group.addTask {
                var latencies: [Duration] = []
                latencies.reserveCapacity(perCaller)
                for _ in 0..<perCaller {
                    let began = clock.now
                    try await client.renewUser(request)
                    latencies.append(began.duration(to: clock.now))
                }
                return latencies
            }
        }
        return try await group.reduce(into: []) { $0 += $1 }
    }
    return LatencySummary(latencies: latencies, elapsed: start.duration(to: clock.now))
}

let options = BenchOptions.parse(Array(CommandLine.arguments.dropFirst()))
// As `custos server` does (RequestExecutor): tasks run on NIO's event loops, unless opted out.
if ProcessInfo.processInfo.environment["CUSTOS_NIO_EXECUTOR"] != "0" {
    _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
}
guard FileManager.default.isExecutableFile(atPath: options.pluginPath) else {
    FileHandle.standardError.write(Data("plugin not found: \(options.pluginPath) (build it, or pass --plugin)\n".utf8))
    exit(1)
}
var logger = Logger(label: "plugin-bench")
logger.logLevel = .warning
let pluginURL = URL(fileURLWithPath: options.pluginPath).resolvingSymlinksInPath()
let catalog = try PluginCatalog(
    storage: InMemoryPluginCatalogStorage(), pluginDirectory: pluginURL.deletingLastPathComponent().path,
    builtins: [.init(name: "bench", path: pluginURL.path)])
// Plugin launches run in a background task host, as in the server.
let background = BackgroundTaskHost()
async let backgroundRun: Void = background.run()
let supervisor = PluginSupervisor(launchSpecs: catalog, logger: logger, runInBackground: background.submitter)
let client = supervisor.client(for: "bench")
let info = try await client.info()
_ = try await client.initialize(
    InitializeRequest(connection: "bench", config: ["path": "/dev/null"], verifyConnection: false))
print("plugin: \(info.name) \(info.version) (\(pluginURL.lastPathComponent))")
_ = try await measure(client, calls: 2_000, concurrency: 4)  // warm-up
for concurrency in options.concurrencies {
    let summary = try await measure(client, calls: options.calls, concurrency: concurrency)
    let latency = "p50 \(microseconds(summary.p50)), p99 \(microseconds(summary.p99))"
    print("concurrency \(concurrency): \(Int(summary.callsPerSecond)) calls/s, \(latency)")
}
await supervisor.shutdown()
