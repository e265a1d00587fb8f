/// What a built-in backend's handler serves from: the core that routed the request, its unsealed
/// state and the caller, which the core always sets for its own backends.
struct BuiltinCall: Sendable {
    let core: Core
    let runtime: Runtime
    let caller: RequestCaller
    let request: LogicalRequest

    init(_ request: EngineRequest) throws {
        guard let core = request.core, let runtime = request.runtime, let caller = request.caller else {
            throw CustosError(.internal, "internal error")
        }
        (self.core, self.runtime, self.caller, self.request) = (core, runtime, caller, request.request)
    }
}
