import Synchronization

/// Warnings gathered while a request is served, outside the handler's own response: the
/// parameters no path struct knew (Vault: "Endpoint ignored these unrecognized parameters").
/// The core binds one per request; `RequestDecoding` reports to it.
final class RequestWarnings: Sendable {
    @TaskLocal static var current: RequestWarnings?

    private struct State {
        var given: Set<String> = []
        var known: Set<String> = []
        var decoded = false
    }
    private let state = Mutex(State())

    /// A path decoded the request: `given` are the data's keys, `known` those its struct read.
    func decoded(given: Set<String>, known: Set<String>) {
        state.withLock {
            $0.given.formUnion(given)
            $0.known.formUnion(known)
            $0.decoded = true
        }
    }

    /// Vault's warning for keys no decode of this request used; nil when there are none. A path
    /// may decode the request into several structs: a key is ignored only if all of them ignored it.
    var ignoredParametersWarning: String? {
        let ignored = state.withLock { $0.decoded ? $0.given.subtracting($0.known) : [] }
        guard !ignored.isEmpty else { return nil }
        return "Endpoint ignored these unrecognized parameters: [\(ignored.sorted().joined(separator: " "))]"
    }
}
