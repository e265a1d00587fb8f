/// How the core authorises a request before the path serves it. Each path declares its class
/// in its backend's `EnginePathTable`; the authorizer asks the table of the backend the request
/// routes to (Vault's `PathsSpecial`).
package enum PathAuthClass: Sendable, Equatable {
    /// Served without a token, also while sealed or not initialised (`sys/health`, `sys/unseal`).
    case unauthenticated
    /// The ACL must grant the operation and `sudo` (Vault's root-protected paths).
    case sudo
    /// Any live token, whatever its policies: the handler checks access itself.
    case openToEveryToken
    /// The ACL must grant the operation (create when the target does not exist yet).
    case acl
}
