/// The methods of protocol v1; the raw value is the JSON-RPC `method` string.
public enum PluginMethod: String, Sendable, CaseIterable {
    case info = "Info"
    case initialize = "Initialize"
    case newUser = "NewUser"
    case renewUser = "RenewUser"
    case revokeUser = "RevokeUser"
    case rotateRoot = "RotateRoot"
    case setCredentials = "SetCredentials"
    case close = "Close"
}
