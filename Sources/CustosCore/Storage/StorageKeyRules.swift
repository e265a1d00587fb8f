/// Rules every backend applies to keys, so that all backends agree on what a key is and how keys
/// sort.
///
/// A key ending in "/" is refused because `list` uses a trailing "/" to mark a folder: such a key
/// would be indistinguishable from one. NUL and U+10FFFF are refused because the SQLite backend
/// bounds a prefix range scan with `prefix + U+10FFFF` (the largest scalar), which only works if
/// no key contains it.
package enum StorageKeyRules {
    static let rangeEnd: Character = "\u{10FFFF}"

    package static func validateKey(_ key: String) throws(StorageError) {
        guard !key.isEmpty else {
            throw StorageError(code: .invalidKey, message: "the storage key is empty")
        }
        guard !key.hasSuffix("/") else {
            throw StorageError(code: .invalidKey, message: "a storage key cannot end with '/'")
        }
        try validateCharacters(key, what: "key")
    }

    package static func validatePrefix(_ prefix: String) throws(StorageError) {
        try validateCharacters(prefix, what: "prefix")
    }

    private static func validateCharacters(_ text: String, what: String) throws(StorageError) {
        for scalar in text.unicodeScalars where scalar.value == 0 || scalar.value == 0x10FFFF {
            throw StorageError(
                code: .invalidKey,
                message: "a storage \(what) cannot contain U+\(String(scalar.value, radix: 16, uppercase: true))")
        }
    }

    /// The direct children of `prefix` among `keysUnderPrefix` (full keys, all starting with
    /// `prefix`, in any order): leaf names and "folder/" names, deduplicated and sorted.
    static func directChildren(of prefix: String, keysUnderPrefix: some Sequence<String>) -> [String] {
        // Deduplicated by bytes after sorting: a Set<String> would merge canonically equivalent
        // names that are distinct keys.
        let sorted = keysUnderPrefix.map { directChild(of: prefix, key: $0) }.sorted(by: StorageKeyOrder.precedes)
        var children: [String] = []
        for child in sorted where !(children.last.map { $0.utf8.elementsEqual(child.utf8) } ?? false) {
            children.append(child)
        }
        return children
    }

    /// "a/" + "a/c/d" -> "c/"; "a/" + "a/b" -> "b".
    static func directChild(of prefix: String, key: String) -> String {
        let rest = key.utf8.dropFirst(prefix.utf8.count)
        if let slash = rest.firstIndex(of: UInt8(ascii: "/")) {
            return String(Substring(key.utf8[rest.startIndex...slash]))
        }
        return String(Substring(rest))
    }
}

/// Keys sort by their UTF-8 bytes, the order SQLite's BINARY collation uses, so every backend
/// lists in the same order (Swift's `<` on String compares Unicode canonical order instead).
package enum StorageKeyOrder {
    package static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }
}
