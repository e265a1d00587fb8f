// creds-bench: dynamic database credentials through a real server over HTTP, beside the same
// SQL run straight against PostgreSQL. Run through scripts/bench-creds, which starts PostgreSQL
// and the server, unseals it, mounts `database/` and configures the connection `bench`.
// Prints figures; asserts nothing.
// Environment: CUSTOS_ADDR, CUSTOS_TOKEN (root), CUSTOS_TEST_PG_URL (superuser),
// CUSTOS_BENCH_SERVER_PID, CUSTOS_BENCH_IDLE_RSS_KIB (VmRSS right after unseal).
import Foundation

let environment = ProcessInfo.processInfo.environment
guard let address = environment["CUSTOS_ADDR"], let token = environment["CUSTOS_TOKEN"],
      let url = environment["CUSTOS_TEST_PG_URL"], let pid = environment["CUSTOS_BENCH_SERVER_PID"].flatMap(Int32.init) else {
    FileHandle.standardError.write(Data("usage: run through scripts/bench-creds\n".utf8))
    exit(2)
}
let http = CustosHTTP(address: address, token: token)
let bench = CredsBenchmark(http: http, conninfo: url, serverPID: pid,
                           idleKiB: environment["CUSTOS_BENCH_IDLE_RSS_KIB"].flatMap(Int.init))
Report.line("creds-bench: \(ProcessInfo.processInfo.activeProcessorCount) cores shared by server, plugin, PostgreSQL and this driver")
Report.line("load average at start: \(Report.loadAverage)")
Report.line("ratio = custos ops/s / raw ops/s; latencies per request; raw = the plugin's SQL over libpq, one connection per client")
do {
    try await bench.configureRoles()
    try await bench.perConcurrencyRows()
    try await bench.revokePrefixPhase()
    try await bench.memoryPhase()
} catch {
    Report.line("creds-bench failed: \(error)")
    try? await http.shutdown()
    exit(1)
}
Report.line("")
Report.line("load average at end: \(Report.loadAverage)")
try await http.shutdown()
