// The smallest plugin: every call succeeds and does nothing. The host's tests and benchmark
// use it to measure the protocol itself.
import DatabasePluginKit

struct NoopPlugin: DatabasePlugin {
    var info: PluginInfo {
        PluginInfo(
            name: "noop-database-plugin", version: "1.0.0",
            // Vault's default template (the host renders it; `{{.RoleName}}` etc. are its fields).
            defaultUsernameTemplate:
                #"{{ printf "v-%s-%s-%s-%s" (.DisplayName | truncate 8) (.RoleName | truncate 8) (random 20) (unix_time) | truncate 63 }}"#,
            maxUsernameLength: 63)
    }

    func initialize(_ request: InitializeRequest) async throws -> InitializeResult {
        InitializeResult(config: request.config)
    }

    func newUser(_ request: NewUserRequest) async throws -> NewUserResult {
        NewUserResult(username: String(request.username.prefix(info.maxUsernameLength)))
    }

    func renewUser(_ request: RenewUserRequest) async throws {}

    func revokeUser(_ request: RevokeUserRequest) async throws {}

    func rotateRoot(_ request: RotateRootRequest) async throws -> RotateRootResult {
        var config = [String: JSONValue]()
        config["password"] = .string(request.newPassword)
        return RotateRootResult(config: config)
    }

    func setCredentials(_ request: SetCredentialsRequest) async throws {}

    func close(connection: String) async throws {}
}

await serve(NoopPlugin())
