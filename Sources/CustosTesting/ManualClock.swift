import CustosCore
package import Foundation
import Synchronization

/// The core's clock for tests: it only moves when told (`advance`), and sleepers wake exactly
/// when time passes their deadline, so expiry, rotation and sweeps are tested without sleeping.
package final class ManualClock: CoreClock {
    private struct Sleeper {
        var deadline: Date
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Date
        var sleepers: [UInt64: Sleeper] = [:]
        var nextToken: UInt64 = 0
    }

    private let state: Mutex<State>

    package init(now: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        state = Mutex(State(now: now))
    }

    package var now: Date { state.withLock { $0.now } }

    /// How many tasks are sleeping on this clock (lets tests wait for a timer to be armed).
    package var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    package func advance(by seconds: TimeInterval) {
        let woken = state.withLock { state -> [Sleeper] in
            state.now = state.now.addingTimeInterval(seconds)
            let now = state.now
            let due = state.sleepers.filter { $0.value.deadline <= now }
            for token in due.keys { state.sleepers.removeValue(forKey: token) }
            return Array(due.values)
        }
        for sleeper in woken { sleeper.continuation.resume() }
    }

    package func sleep(until deadline: Date) async throws {
        let token = state.withLock { state -> UInt64 in
            state.nextToken += 1
            return state.nextToken
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Outcome { case wait, wake, cancelled }
                let outcome = state.withLock { state -> Outcome in
                    if Task.isCancelled { return .cancelled }
                    if deadline <= state.now { return .wake }
                    state.sleepers[token] = Sleeper(deadline: deadline, continuation: continuation)
                    return .wait
                }
                switch outcome {
                case .wait: break
                case .wake: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            let sleeper = state.withLock { $0.sleepers.removeValue(forKey: token) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }
}
