/// The mount table: which engine serves which path prefix. A value type; the core persists it
/// (barrier key `core/mounts`) and swaps it whole on every change.
package struct MountTable: Codable, Sendable, Equatable {
    package private(set) var entries: [MountEntry] = []

    package static let storageKey = "core/mounts"

    /// Paths no secrets engine may take: the system backend and places Vault reserves.
    static let reserved = ["sys/", "auth/", "audit/", "cubbyhole/", "identity/"]

    package init(entries: [MountEntry] = []) { self.entries = entries }

    /// `"/kv"`, `"kv/"`, `"kv"` all name the mount `kv/`.
    package static func normalize(_ path: String) -> String {
        var p = path
        while p.hasPrefix("/") { p.removeFirst() }
        while p.hasSuffix("/") { p.removeLast() }
        return p.isEmpty ? "" : p + "/"
    }

    /// Longest mount whose path is a prefix of `path` (a request path, no leading slash); a
    /// mount's own path without its slash (`kv` for `kv/`) is served by that mount.
    package func match(_ path: String) -> MountEntry? {
        var best: MountEntry?
        for entry in entries where Self.serves(entry.path, path) {
            if best.map({ entry.path.utf8.count > $0.path.utf8.count }) ?? true { best = entry }
        }
        return best
    }

    /// Whether `path + "/"` starts with `mountPath` (which ends with `/`), without building it.
    private static func serves(_ mountPath: String, _ path: String) -> Bool {
        path.hasPrefix(mountPath) || mountPath.dropLast() == path[...]
    }

    package func entry(at path: String) -> MountEntry? {
        let normalized = Self.normalize(path)
        return entries.first { $0.path == normalized }
    }

    package mutating func add(_ entry: MountEntry) throws(CustosError) {
        let path = entry.path
        guard !path.isEmpty else { throw .badRequest("a mount path cannot be empty") }
        guard !path.contains("//"), !path.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) else {
            throw .badRequest("invalid mount path \"\(path)\"")
        }
        if let reserved = Self.reserved.first(where: { path.hasPrefix($0) }) {
            throw .badRequest("cannot mount under \"\(reserved)\": the path is reserved")
        }
        if let clash = entries.first(where: { $0.path.hasPrefix(path) || path.hasPrefix($0.path) }) {
            throw .badRequest("path is already in use at \(clash.path)")
        }
        entries.append(entry)
        entries.sort { $0.path < $1.path }
    }

    @discardableResult
    package mutating func remove(_ path: String) -> MountEntry? {
        let normalized = Self.normalize(path)
        guard let index = entries.firstIndex(where: { $0.path == normalized }) else { return nil }
        return entries.remove(at: index)
    }

    package mutating func update(_ entry: MountEntry) {
        guard let index = entries.firstIndex(where: { $0.path == entry.path }) else { return }
        entries[index] = entry
    }
}
