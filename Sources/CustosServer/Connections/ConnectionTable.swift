/// A listener's open connections and whom to shed at `max_connections`. A plain state machine:
/// `ConnectionLimiter` drives it under a lock and closes the connections it names.
///
/// At the cap a new connection is still admitted if an older one can make room: first the one
/// that has waited longest without completing a request header (what slow-loris clients hold),
/// then the longest-idle kept-alive one. A connection with a request under way is never shed;
/// only when every connection has one is the new connection refused.
package struct ConnectionTable<ID: Hashable & Sendable>: Sendable {
    package enum Phase: Sendable, Equatable {
        /// Connected, or started a new request, and its header is not complete yet.
        case awaitingHeader
        /// A request is being read or answered.
        case busy
        /// Kept alive between requests.
        case idle
    }

    package enum Admission: Sendable, Equatable {
        case admitted
        /// Admitted in place of this connection, which the caller must close.
        case admittedEvicting(ID)
        case refused
    }

    package let capacity: Int
    private var phases: [ID: Phase] = [:]
    private var awaitingHeader = LinkedIDQueue<ID>()
    private var idle = LinkedIDQueue<ID>()

    package init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    package var count: Int { phases.count }

    package func phase(of id: ID) -> Phase? { phases[id] }

    /// A new connection, which starts waiting for its first request header.
    package mutating func open(_ id: ID) -> Admission {
        var evicted: ID?
        if phases.count >= capacity {
            guard let victim = awaitingHeader.popFirst() ?? idle.popFirst() else { return .refused }
            phases[victim] = nil
            evicted = victim
        }
        phases[id] = .awaitingHeader
        awaitingHeader.append(id)
        return evicted.map(Admission.admittedEvicting) ?? .admitted
    }

    /// Moving to a phase puts the connection last in that phase's shedding order. Unknown ids
    /// (closed, or already shed) are ignored.
    package mutating func update(_ id: ID, to phase: Phase) {
        guard let current = phases[id], current != phase else { return }
        remove(id, from: current)
        phases[id] = phase
        switch phase {
        case .awaitingHeader: awaitingHeader.append(id)
        case .idle: idle.append(id)
        case .busy: break
        }
    }

    package mutating func close(_ id: ID) {
        guard let current = phases.removeValue(forKey: id) else { return }
        remove(id, from: current)
    }

    private mutating func remove(_ id: ID, from phase: Phase) {
        switch phase {
        case .awaitingHeader: awaitingHeader.remove(id)
        case .idle: idle.remove(id)
        case .busy: break
        }
    }
}

/// Ids in arrival order with O(1) append, removal and pop of the oldest: a doubly linked list
/// threaded through a dictionary.
struct LinkedIDQueue<ID: Hashable & Sendable>: Sendable {
    private var links: [ID: (previous: ID?, next: ID?)] = [:]
    private var head: ID?
    private var tail: ID?

    var count: Int { links.count }

    mutating func append(_ id: ID) {
        guard links[id] == nil else { return }
        links[id] = (tail, nil)
        if let tail { links[tail]?.next = id } else { head = id }
        tail = id
    }

    mutating func remove(_ id: ID) {
        guard let link = links.removeValue(forKey: id) else { return }
        if let previous = link.previous { links[previous]?.next = link.next } else { head = link.next }
        if let next = link.next { links[next]?.previous = link.previous } else { tail = link.previous }
    }

    mutating func popFirst() -> ID? {
        guard let first = head else { return nil }
        remove(first)
        return first
    }
}
