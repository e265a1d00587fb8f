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
// With --unseal: time from the last unseal key to serving through the whole core (a restarted
// Core over a SQLite file holding the leases), and when the background restore ends.
import CustosCore
import Foundation

var sizes = [10_000, 100_000, 1_000_000]
var directory = FileManager.default.temporaryDirectory.appendingPathComponent("lease-bench-\(getpid())").path
var throughBarrier = false
var unseal = false
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--sizes":
        sizes = (arguments.popFirst() ?? "").split(separator: ",").compactMap { Int($0) }
    case "--barrier":
        throughBarrier = true
    case "--unseal":
        unseal = true
    case "--dir":
        directory = arguments.popFirst() ?? directory
    default:
        print("usage: lease-bench [--sizes 10000,100000,1000000] [--barrier | --unseal] [--dir DIR]")
        exit(2)
    }
}

try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
if unseal {
    print("lease-bench: unseal to serving through the core, SQLite + barrier, \(ProcessInfo.processInfo.activeProcessorCount) cores")
    print("goal: serving within 1 s of unseal whatever the count")
    for size in sizes {
        let path = directory + "/unseal-\(size).db"
        print(try await UnsealBenchRun(size: size, path: path).run())
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
    try? FileManager.default.removeItem(atPath: directory)
    exit(0)
}
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
