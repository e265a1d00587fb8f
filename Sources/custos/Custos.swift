import ArgumentParser
import Foundation

@main
struct Custos: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "custos",
        abstract: "Custos: short-lived database credentials behind Vault's API.",
        subcommands: [
            ServerCommand.self,
            StatusCommand.self,
            LoginCommand.self,
            ReadCommand.self,
            WriteCommand.self,
            ListCommand.self,
            DeleteCommand.self,
            OperatorCommand.self,
            SecretsCommand.self,
            MountCommand.self,
            TokenCommand.self,
            AuthCommand.self,
            LeaseCommand.self,
            PolicyCommand.self,
            PluginCommand.self,
            AuditCommand.self,
        ]
    )

    /// Our own entry point so exit codes follow Vault: 2 for usage errors (ArgumentParser
    /// would use 64) and for API errors, 1 for local failures.
    static func main() async {
        let code: Int32
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            code = 0
        } catch let failure as CommandFailure {
            if !failure.message.isEmpty { Output.error(failure.message) }
            code = failure.exitCode
        } catch {
            code = report(parsingOrExitError: error)
        }
        terminate(code)
    }

    private static func report(parsingOrExitError error: any Error) -> Int32 {
        let exitCode = exitCode(for: error)
        let message = fullMessage(for: error)
        if exitCode == .success {
            if !message.isEmpty { print(message) }
            return 0
        }
        if !message.isEmpty { Output.error(message) }
        if error is ExitCode { return exitCode.rawValue }
        return 2
    }
}

/// `exit` is shadowed inside a `ParsableCommand` by its static `exit(withError:)`.
private func terminate(_ code: Int32) -> Never {
    exit(code)
}
