/// An enabled audit device as `GET sys/audit` lists it (by path). The salt is never shown.
/// Optional where another server may leave a field out; Custos always sends every field.
package struct AuditDeviceInfo: Codable, Sendable, Equatable {
    package var type: String
    package var description: String?
    package var options: [String: String]?
    package var local: Bool?
    package var path: String?

    package init(type: String, description: String?, options: [String: String]?, local: Bool?, path: String?) {
        self.type = type
        self.description = description
        self.options = options
        self.local = local
        self.path = path
    }
}
