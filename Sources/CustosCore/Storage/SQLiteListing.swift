import GRDB

/// Prefix queries over the `kv` table as range scans of its primary key index:
/// `key >= prefix AND key < prefix + U+10FFFF` selects exactly the keys starting with `prefix`
/// (BINARY collation compares UTF-8 bytes, and no key may contain U+10FFFF).
enum SQLiteListing {
    static let rangeQuery = "SELECT key FROM kv WHERE key >= ? AND key < ? ORDER BY key"

    static func upperBound(of prefix: String) -> String {
        prefix + String(StorageKeyRules.rangeEnd)
    }

    /// Every key under `prefix`, relative to it, in byte order.
    static func allKeys(under prefix: String, in db: Database) throws -> [String] {
        let statement = try db.makeStatement(sql: rangeQuery)
        let prefixLength = prefix.utf8.count
        var keys: [String] = []
        let cursor = try String.fetchCursor(statement, arguments: [prefix, upperBound(of: prefix)])
        while let key = try cursor.next() {
            keys.append(String(Substring(key.utf8.dropFirst(prefixLength))))
        }
        return keys
    }

    /// Direct children of `prefix`, in byte order. Walks the index and, on meeting a folder,
    /// jumps past its whole subtree with a new range query, so listing the top level of a store
    /// with a million nested keys costs one index seek per child, not a million rows.
    static func directChildren(of prefix: String, in db: Database) throws -> [String] {
        var children: [String] = []
        var lowerBound = prefix
        while let restartPoint = try collectChildren(
            of: prefix, from: lowerBound, into: &children, in: db)
        {
            lowerBound = restartPoint
        }
        return children
    }

    /// Appends children from `lowerBound` on; returns where to restart after a folder, or nil at
    /// the end of the range. (The cursor ends with this call, before the next statement runs.)
    private static func collectChildren(
        of prefix: String, from lowerBound: String, into children: inout [String], in db: Database
    ) throws -> String? {
        let statement = try db.makeStatement(sql: rangeQuery)
        let cursor = try String.fetchCursor(statement, arguments: [lowerBound, upperBound(of: prefix)])
        while let key = try cursor.next() {
            let child = StorageKeyRules.directChild(of: prefix, key: key)
            children.append(child)
            if child.hasSuffix("/") {
                // Every key of the folder's subtree sorts below folder + U+10FFFF.
                return upperBound(of: prefix + child)
            }
        }
        return nil
    }
}
