package import Foundation

/// Per-mount lease settings; 0 means "the system default".
package struct MountConfig: Codable, Sendable, Equatable {
    package var defaultLeaseTTL: Int64 = 0
    package var maxLeaseTTL: Int64 = 0

    package init(defaultLeaseTTL: Int64 = 0, maxLeaseTTL: Int64 = 0) {
        self.defaultLeaseTTL = defaultLeaseTTL
        self.maxLeaseTTL = maxLeaseTTL
    }
}

/// One row of the mount table: a secrets engine instance at a path.
package struct MountEntry: Codable, Sendable, Equatable {
    /// Always ends with `/` (`secret/`, `db/prod/`).
    package var path: String
    package var type: String
    package var description: String
    /// Names the engine's storage (`logical/<uuid>/`), so a remount keeps its data.
    package var uuid: String
    package var accessor: String
    package var config: MountConfig
    package var options: [String: String]
    package var local: Bool
    package var sealWrap: Bool
    package var createdAt: Date

    package var storagePrefix: String { "logical/\(uuid)/" }

    package init(path: String, type: String, description: String = "", config: MountConfig = .init(), options: [String: String] = [:]) {
        self.path = path
        self.type = type
        self.description = description
        self.uuid = UUID().uuidString.lowercased()
        self.accessor = "\(type)_\(UUID().uuidString.lowercased().prefix(8))"
        self.config = config
        self.options = options
        self.local = false
        self.sealWrap = false
        self.createdAt = Date()
    }
}
