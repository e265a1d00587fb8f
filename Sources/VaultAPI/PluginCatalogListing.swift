/// `GET sys/plugins/catalog`: plugin names by kind, and one entry per plugin. Optional where
/// another server may leave a field out; Custos always sends every field but `sha256` (not for
/// built-in plugins) and `deprecation_status` (only for built-in ones).
package struct PluginCatalogListing: Codable, Sendable, Equatable {
    package struct Plugin: Codable, Sendable, Equatable {
        package var name: String
        package var type: String
        package var builtin: Bool?
        package var version: String?
        package var sha256: String?
        package var deprecationStatus: String?

        enum CodingKeys: String, CodingKey {
            case name, type, builtin, version, sha256
            case deprecationStatus = "deprecation_status"
        }

        package init(name: String, type: String, builtin: Bool?, version: String?, sha256: String?, deprecationStatus: String?) {
            self.name = name
            self.type = type
            self.builtin = builtin
            self.version = version
            self.sha256 = sha256
            self.deprecationStatus = deprecationStatus
        }
    }

    package var auth: [String]?
    package var secret: [String]?
    package var database: [String]?
    package var detailed: [Plugin]?

    package init(auth: [String], secret: [String], database: [String], detailed: [Plugin]) {
        self.auth = auth
        self.secret = secret
        self.database = database
        self.detailed = detailed
    }
}
