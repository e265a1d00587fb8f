package import Logging
import NIOCore
import Synchronization

/// One listener's `max_connections`, shared by the connections of every event loop: admits each
/// new connection through the `ConnectionTable` and closes whichever connection it sheds.
/// Shedding after accept, rather than pausing accept at the cap, keeps a well-behaved client from
/// queueing in the kernel's backlog behind slow-loris connections that hold every slot.
package final class ConnectionLimiter: Sendable {
    package typealias Phase = ConnectionTable<UInt64>.Phase

    private struct State {
        var table: ConnectionTable<UInt64>
        var channels: [UInt64: any Channel] = [:]
        var nextID: UInt64 = 0
        var lastWarning: ContinuousClock.Instant?
    }

    private let state: Mutex<State>
    private let logger: Logger
    private let capacity: Int

    package init(capacity: Int, logger: Logger) {
        self.capacity = capacity
        self.state = Mutex(State(table: ConnectionTable(capacity: capacity)))
        self.logger = logger
    }

    /// nil: refused, close the channel.
    func admit(_ channel: any Channel) -> UInt64? {
        let (id, victim, warn) = state.withLock { state -> (UInt64?, (any Channel)?, Bool) in
            let id = state.nextID
            state.nextID += 1
            let admission = state.table.open(id)
            let warn = admission != .admitted && Self.shouldWarn(&state.lastWarning)
            switch admission {
            case .admitted:
                state.channels[id] = channel
                return (id, nil, warn)
            case .admittedEvicting(let victimID):
                state.channels[id] = channel
                return (id, state.channels.removeValue(forKey: victimID), warn)
            case .refused:
                return (nil, nil, warn)
            }
        }
        if warn {
            logger.warning("listener at max_connections: shedding connections that have not sent a request header, then idle ones, then refusing new ones", metadata: ["max_connections": "\(capacity)"])
        }
        victim?.close(promise: nil)
        return id
    }

    func update(_ id: UInt64, to phase: Phase) {
        state.withLock { $0.table.update(id, to: phase) }
    }

    func closed(_ id: UInt64) {
        state.withLock { state in
            state.table.close(id)
            state.channels[id] = nil
        }
    }

    /// Once a minute at most: an attack must not flood the log.
    private static func shouldWarn(_ last: inout ContinuousClock.Instant?) -> Bool {
        let now = ContinuousClock.now
        if let last, now - last < .seconds(60) { return false }
        last = now
        return true
    }
}
