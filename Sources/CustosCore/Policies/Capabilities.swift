/// The capabilities a policy path rule grants, as a bit set.
///
/// `deny` is a capability too: on a rule it means "nothing", and it wins over every other
/// capability given to the same pattern by any policy of the token.
package struct Capabilities: OptionSet, Sendable, Hashable, CustomStringConvertible {
    package let rawValue: UInt16
    package init(rawValue: UInt16) { self.rawValue = rawValue }

    package static let create = Capabilities(rawValue: 1 << 0)
    package static let read = Capabilities(rawValue: 1 << 1)
    package static let update = Capabilities(rawValue: 1 << 2)
    package static let patch = Capabilities(rawValue: 1 << 3)
    package static let delete = Capabilities(rawValue: 1 << 4)
    package static let list = Capabilities(rawValue: 1 << 5)
    package static let sudo = Capabilities(rawValue: 1 << 6)
    package static let deny = Capabilities(rawValue: 1 << 7)
    /// OpenBao's recursive listing. Accepted so OpenBao policies load; Custos has no scan
    /// operation, so it grants nothing more.
    package static let scan = Capabilities(rawValue: 1 << 8)

    /// Every capability except `deny`: what the root policy amounts to.
    package static let allGranting: Capabilities = [.create, .read, .update, .patch, .delete, .list, .sudo, .scan]

    /// Vault's names, in alphabetical order (the order `sys/capabilities` answers in).
    package static let named: [(name: String, capability: Capabilities)] = [
        ("create", .create), ("delete", .delete), ("deny", .deny), ("list", .list),
        ("patch", .patch), ("read", .read), ("scan", .scan), ("sudo", .sudo), ("update", .update),
    ]

    /// The capability spelled `name` as in a policy (`"read"`), nil for an unknown name.
    package init?(name: String) {
        guard let entry = Self.named.first(where: { $0.name == name }) else { return nil }
        self = entry.capability
    }

    /// Names of the capabilities in this set, sorted; `deny` alone when `deny` is present.
    package var names: [String] {
        if contains(.deny) { return ["deny"] }
        return Self.named.filter { contains($0.capability) }.map(\.name)
    }

    package var description: String { "[" + names.joined(separator: ", ") + "]" }
}
