// lease-bench: how the expiration manager scales. Run through scripts/bench-leases (release).
// For each lease count, in a fresh SQLite file, through plain SQLiteStorage or (--barrier) the
// encrypting Barrier over it (restore reads keys only, so the barrier adds AES-GCM only to the
// burst and revoke-prefix figures):
//   - restore: time from `restore()` to the queue holding every lease, and how long the call
//     itself blocks (serving does not wait for the restore); resident memory after it;
//   - burst: 10k leases registered to expire within the same second on top of the stored ones,
//     lateness of their revocations (real clock) p50/p99/max, and the latency of lease
//     registrations a client makes meanwhile (the storm must not stall the request path);
//   - revoke-prefix of 10k leases with a no-op engine.
import CustosCore
import Foundation

var sizes = [10_000, 100_000, 1_000_000]
var directory = FileManager.default.temporaryDirectory.appendingPathComponent("lease-bench-\(getpid())").path
var throughBarrier = false
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--sizes":
        sizes = (arguments.popFirst() ?? "").split(separator: ",").compactMap { Int($0) }
    case "--barrier":
        throughBarrier = true
    case "--dir":
        directory = arguments.popFirst() ?? directory
    default:
        print("usage: lease-bench [--sizes 10000,100000,1000000] [--barrier] [--dir DIR]")
        exit(2)
    }
}

try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
let storageName = throughBarrier ? "through the Barrier (AES-256-GCM)" : "(no barrier)"
print("lease-bench: SQLite storage \(storageName), \(ProcessInfo.processInfo.activeProcessorCount) cores")
print("goals: restore 1M < 10 s and < 1 GiB resident; burst p99 lateness < 1 s")
for size in sizes {
    let path = directory + "/leases-\(size).db"
    let report = try await LeaseBenchRun(size: size, path: path, throughBarrier: throughBarrier).run()
    print(report)
    try? FileManager.default.removeItem(atPath: path)
    try? FileManager.default.removeItem(atPath: path + "-wal")
    try? FileManager.default.removeItem(atPath: path + "-shm")
}
try? FileManager.default.removeItem(atPath: directory)
