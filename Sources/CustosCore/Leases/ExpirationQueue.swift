/// The in-memory expiry queue: a binary min-heap of (deadline, id) with an id -> position index,
/// so `schedule` (insert or move), `cancel` and `popDue` are O(log n).
///
/// Entries are deliberately small (a millisecond deadline and the id string, ~24 bytes plus the
/// string's storage): a million leases fit in ~200 MB, and the full lease is loaded only when
/// it is due.
package struct ExpirationQueue: Sendable {
    package struct Entry: Sendable, Equatable {
        /// Milliseconds since 1970.
        package var deadline: Int64
        package var id: String

        package init(deadline: Int64, id: String) {
            self.deadline = deadline
            self.id = id
        }

        /// Ties broken by id so the order is total and deterministic.
        static func precedes(_ a: Entry, _ b: Entry) -> Bool {
            a.deadline != b.deadline ? a.deadline < b.deadline : a.id.utf8.lexicographicallyPrecedes(b.id.utf8)
        }
    }

    private var heap: [Entry] = []
    private var positions: [String: Int] = [:]

    package init() {}

    package var count: Int { heap.count }
    package var isEmpty: Bool { heap.isEmpty }
    package var nextDeadline: Int64? { heap.first?.deadline }

    /// The entries in heap order (restore merges them into a freshly built queue).
    package var entries: [Entry] { heap }

    package func contains(_ id: String) -> Bool { positions[id] != nil }
    package func deadline(of id: String) -> Int64? { positions[id].map { heap[$0].deadline } }

    /// Inserts `id`, or moves it to `deadline` if already queued.
    package mutating func schedule(_ id: String, at deadline: Int64) {
        if let position = positions[id] {
            let old = heap[position].deadline
            heap[position].deadline = deadline
            if deadline < old { siftUp(position) } else { siftDown(position) }
            return
        }
        heap.append(Entry(deadline: deadline, id: id))
        positions[id] = heap.count - 1
        siftUp(heap.count - 1)
    }

    /// Removes `id`; returns its deadline if it was queued.
    @discardableResult
    package mutating func cancel(_ id: String) -> Int64? {
        guard let position = positions.removeValue(forKey: id) else { return nil }
        let removed = heap[position]
        let last = heap.removeLast()
        if position < heap.count {
            heap[position] = last
            positions[last.id] = position
            siftDown(position)
            siftUp(position)
        }
        return removed.deadline
    }

    /// Removes and returns every entry due at `now` (deadline <= now), earliest first, at most
    /// `limit` of them.
    package mutating func popDue(now: Int64, limit: Int = .max) -> [Entry] {
        var due: [Entry] = []
        while due.count < limit, let first = heap.first, first.deadline <= now {
            due.append(first)
            cancel(first.id)
        }
        return due
    }

    /// Adds many entries at once (restore): appends, heapifies in O(n) and rebuilds the index,
    /// instead of n sifts each updating the index. Ids already queued keep their queued deadline
    /// (it is the newer one: set by this process after the entries were read from storage).
    package mutating func insertBatch(_ entries: [Entry]) {
        guard !entries.isEmpty else { return }
        heap.reserveCapacity(heap.count + entries.count)
        for entry in entries where positions[entry.id] == nil {
            heap.append(entry)
            positions[entry.id] = -1  // placeholder, also dedupes within `entries`
        }
        var index = heap.count / 2
        while index > 0 {
            index -= 1
            siftDownWithoutIndex(index)
        }
        positions.reserveCapacity(heap.count)
        for (position, entry) in heap.enumerated() {
            positions[entry.id] = position
        }
    }

    // MARK: Heap mechanics

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard Entry.precedes(heap[child], heap[parent]) else { break }
            swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let smallest = smallestOf(parent)
            if smallest == parent { return }
            swapAt(parent, smallest)
            parent = smallest
        }
    }

    private mutating func siftDownWithoutIndex(_ start: Int) {
        var parent = start
        while true {
            let smallest = smallestOf(parent)
            if smallest == parent { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }

    private func smallestOf(_ parent: Int) -> Int {
        let left = 2 * parent + 1
        let right = left + 1
        var smallest = parent
        if left < heap.count && Entry.precedes(heap[left], heap[smallest]) { smallest = left }
        if right < heap.count && Entry.precedes(heap[right], heap[smallest]) { smallest = right }
        return smallest
    }

    private mutating func swapAt(_ a: Int, _ b: Int) {
        heap.swapAt(a, b)
        positions[heap[a].id] = a
        positions[heap[b].id] = b
    }
}
