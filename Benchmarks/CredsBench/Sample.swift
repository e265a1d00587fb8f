import Foundation
import Synchronization

/// Latencies of one row's operations and the wall time they took together.
struct Sample: Sendable {
    var latencies: [Duration]
    var seconds: Double
    var failures: Int

    var opsPerSecond: Double { Double(latencies.count) / seconds }

    /// The q-quantile (nearest rank) in milliseconds.
    func percentile(_ q: Double) -> Double {
        guard !latencies.isEmpty else { return .nan }
        let sorted = latencies.sorted()
        let rank = min(sorted.count - 1, max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))
        return sorted[rank].milliseconds
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    var milliseconds: Double { seconds * 1000 }
}

/// A counter shared by concurrent workers.
final class SharedCounter: Sendable {
    private let atomic = Atomic<Int>(0)

    /// Returns the value before incrementing.
    func increment() -> Int { atomic.add(1, ordering: .relaxed).oldValue }
}

enum Load {
    /// Runs `operation(index)` for 0..<total with `concurrency` tasks, each timing its calls.
    /// A failed call is counted (its first error printed) and leaves no latency.
    static func run(total: Int, concurrency: Int, _ operation: @escaping @Sendable (Int) async throws -> Void) async -> Sample {
        let next = SharedCounter()
        let start = ContinuousClock.now
        let results = await withTaskGroup(of: ([Duration], Int, (any Error)?).self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var latencies: [Duration] = []
                    var failures = 0
                    var firstError: (any Error)?
                    while true {
                        let index = next.increment()
                        if index >= total { break }
                        let began = ContinuousClock.now
                        do {
                            try await operation(index)
                            latencies.append(began.duration(to: .now))
                        } catch {
                            failures += 1
                            if firstError == nil { firstError = error }
                        }
                    }
                    return (latencies, failures, firstError)
                }
            }
            var all: [([Duration], Int, (any Error)?)] = []
            for await result in group { all.append(result) }
            return all
        }
        let seconds = start.duration(to: .now).seconds
        if let error = results.compactMap(\.2).first {
            Report.line("  (\(results.map(\.1).reduce(0, +)) of \(total) calls failed; first: \(error))")
        }
        return Sample(latencies: results.flatMap(\.0), seconds: seconds, failures: results.map(\.1).reduce(0, +))
    }
}
