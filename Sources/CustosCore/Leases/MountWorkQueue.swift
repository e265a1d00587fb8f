/// Due leases waiting for one mount's revocation workers: loaded leases up to
/// `Configuration.maxLoadedPerMount`, ids beyond that (reloaded by the worker), so a mount that
/// cannot keep up does not pile full leases up in memory.
struct MountWorkQueue: Sendable {
    enum Item: Sendable, Equatable {
        case loaded(LeaseEntry)
        case id(String)
    }

    var items: [Item] = []
    var head = 0
    var loadedCount = 0
    /// Workers (chunks in flight) on this mount.
    var workers = 0

    var isEmpty: Bool { head == items.count }
    var remaining: Int { items.count - head }

    mutating func append(_ lease: LeaseEntry, maxLoaded: Int) {
        if loadedCount < maxLoaded {
            items.append(.loaded(lease))
            loadedCount += 1
        } else {
            items.append(.id(lease.id))
        }
    }

    mutating func popFirst() -> Item? {
        guard head < items.count else { return nil }
        let item = items[head]
        head += 1
        if case .loaded = item { loadedCount -= 1 }
        if head > 1024 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        return item
    }
}
