/// A failed command: what to print on stderr and the exit code, Vault-style.
/// 1 = local problem (bad file, cannot connect), 2 = the server said no or the usage is wrong.
struct CommandFailure: Error {
    enum Kind: Sendable {
        case local
        case api
        case usage
        /// Not an error to report, only a non-zero exit (e.g. `status` on a sealed server).
        case silent(Int32)
    }

    let kind: Kind
    let message: String

    var exitCode: Int32 {
        switch kind {
        case .local: return 1
        case .api, .usage: return 2
        case .silent(let code): return code
        }
    }

    static func local(_ message: String) -> CommandFailure { CommandFailure(kind: .local, message: message) }
    static func usage(_ message: String) -> CommandFailure { CommandFailure(kind: .usage, message: message) }

    /// Wraps a request failure with the command's context: `Error reading secret/x: ...`.
    static func request(_ context: String, _ error: any Error) -> CommandFailure {
        switch error {
        case let failure as CommandFailure:
            return CommandFailure(kind: failure.kind, message: "\(context): \(failure.message)")
        case let apiError as APIResponseError:
            return CommandFailure(kind: .api, message: "\(context): \(apiError.vaultDescription)")
        case let transport as TransportError:
            return CommandFailure(kind: .local, message: "\(context): \(transport.description)")
        default:
            return CommandFailure(kind: .local, message: "\(context): \(error)")
        }
    }
}
