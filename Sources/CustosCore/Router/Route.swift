/// Where a request goes: the mount serving its path (the longest prefix, as in Vault), that
/// mount's backend and the path below the mount. `sys/` and `auth/token/` are mounts like any
/// other; only their backends are the core's own.
struct Route: Sendable {
    var mount: MountEntry
    var backend: any SecretsEngine
    /// Below the mount, no leading slash (`foo/bar` for `secret/foo/bar`).
    var relativePath: String
    /// `sys/` or `auth/token/`, which no one mounts or unmounts.
    var isBuiltin: Bool
    /// How the backend's path table says the request is authorised (asked once per request).
    var auth: PathAuthClass
}

extension Core {
    /// The backends every core has, at paths no engine may take (`MountTable.reserved`): served
    /// while sealed too, for the unauthenticated `sys/` paths.
    static let builtinMounts = MountTable(entries: [SystemBackend.mount, TokenPaths.mount])

    /// The mount serving `path`: a built-in one, else one of the runtime's (nil while sealed).
    /// The built-in paths are reserved, so trying them first is the longest-prefix match.
    func route(_ path: String, runtime: Runtime?) -> Route? {
        let mount: MountEntry
        let backend: any SecretsEngine
        let isBuiltin: Bool
        if let builtin = Self.builtinMounts.match(path) {
            mount = builtin
            backend = builtin.path == SystemBackend.mount.path ? SystemBackend(core: self) : TokenPaths()
            isBuiltin = true
        } else if let (entry, engine) = runtime?.route(path) {
            (mount, backend, isBuiltin) = (entry, engine, false)
        } else {
            return nil
        }
        let relative = String(path.dropFirst(min(mount.path.count, path.count)))
        return Route(mount: mount, backend: backend, relativePath: relative, isBuiltin: isBuiltin,
                     auth: backend.authClass(for: relative))
    }

    /// The request as the route's backend sees it.
    func engineRequest(_ request: LogicalRequest, on route: Route, caller: RequestCaller?, runtime: Runtime?) -> EngineRequest {
        var routed = EngineRequest(operation: request.operation, path: route.relativePath, mount: route.mount, request: request, caller: caller)
        routed.core = self
        routed.runtime = runtime
        return routed
    }
}
