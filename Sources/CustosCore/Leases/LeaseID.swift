/// Lease ids: `<mount path><request path>/<random id>`. The id doubles as a storage key suffix
/// (folders kept, see `LeaseStorageLayout`), so it must be a clean relative path.
package enum LeaseID {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// `mountPath` ends with "/" (e.g. `database/`), `requestPath` is relative to it
    /// (e.g. `creds/readonly`).
    package static func generate(mountPath: String, requestPath: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let random = String(decoding: (0..<24).map { _ in alphabet.randomElement(using: &generator)! }, as: UTF8.self)
        var base = mountPath
        if !base.isEmpty && !base.hasSuffix("/") { base += "/" }
        let path = requestPath.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
        return path.isEmpty ? base + random : base + path + "/" + random
    }

    /// Refuses ids that could not be stored or would escape their folder: empty, leading or
    /// trailing "/", empty or dot segments, NUL or U+10FFFF.
    package static func validate(_ id: String) throws(LeaseError) {
        guard !id.isEmpty, !id.hasPrefix("/"), !id.hasSuffix("/") else {
            throw LeaseError(.invalidID, "invalid lease id")
        }
        for segment in id.split(separator: "/", omittingEmptySubsequences: false)
        where segment.isEmpty || segment == "." || segment == ".." {
            throw LeaseError(.invalidID, "invalid lease id")
        }
        try validatePathCharacters(id)
    }

    package static func isValid(_ id: String) -> Bool { (try? validate(id)) != nil }

    /// A prefix as given to revoke-prefix / list: normalised to end with "/" (as Vault does),
    /// "" meaning everything.
    package static func normalizedPrefix(_ prefix: String) throws(LeaseError) -> String {
        var trimmed = Substring(prefix)
        while trimmed.hasPrefix("/") { trimmed = trimmed.dropFirst() }
        if trimmed.isEmpty { return "" }
        for segment in trimmed.split(separator: "/", omittingEmptySubsequences: true)
        where segment == "." || segment == ".." {
            throw LeaseError(.invalidID, "invalid lease prefix")
        }
        try validatePathCharacters(String(trimmed))
        return trimmed.hasSuffix("/") ? String(trimmed) : trimmed + "/"
    }

    /// Token accessors are one key segment.
    package static func validateAccessor(_ accessor: String) throws(LeaseError) {
        guard !accessor.isEmpty, !accessor.contains("/") else {
            throw LeaseError(.invalidID, "invalid token accessor")
        }
        try validatePathCharacters(accessor)
    }

    private static func validatePathCharacters(_ text: String) throws(LeaseError) {
        for scalar in text.unicodeScalars where scalar.value == 0 || scalar.value == 0x10FFFF {
            throw LeaseError(.invalidID, "invalid lease id")
        }
    }
}
