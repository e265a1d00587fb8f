import DatabasePluginKit
import Foundation

/// How the plugin hands a password to PostgreSQL in `{{password}}`.
enum PasswordAuthentication: String, Sendable {
    /// The plain password; the server hashes it (per its `password_encryption`).
    case password
    /// A SCRAM-SHA-256 verifier the plugin computes, so the plain password never reaches the server.
    case scramSHA256 = "scram-sha-256"
}

/// A connection's config, parsed and checked. The raw config is kept: it is what gets persisted
/// (unknown keys included) and what a root rotation updates.
///
/// Keys (as in Vault's PostgreSQL plugin):
/// - `connection_url` (required): `postgresql://{{username}}:{{password}}@host:5432/db?sslmode=...`
///   or libpq key=value pairs (`host=... user={{username}} password={{password}}`).
/// - `username`, `password`: the root credentials filled into the placeholders (percent-encoded
///   in a URL unless `disable_escaping` is true; quoted in key=value form).
/// - `max_open_connections` (4), `max_idle_connections` (0 = as many as open),
///   `max_connection_lifetime` ("30s", "5m" or seconds; 0 = unlimited).
/// - `password_authentication`: `password` (default) or `scram-sha-256` (the plugin hashes).
/// - `terminate_sessions_on_revoke` (true): default revocation ends the user's open sessions.
struct ConnectionSettings: Sendable {
    var rawConfig: PluginConfig
    var connectionURL: String
    var username: String?
    var password: String?
    var disableEscaping: Bool
    var limits: PoolLimits
    var passwordAuthentication: PasswordAuthentication
    var terminateSessionsOnRevoke: Bool

    init(config: PluginConfig) throws(PluginError) {
        rawConfig = config
        guard let url = config["connection_url"]?.stringValue, !url.isEmpty else {
            throw PluginError(.invalidRequest, "connection_url is required")
        }
        connectionURL = url
        username = try Self.optionalString(config, "username")
        password = try Self.optionalString(config, "password")
        disableEscaping = try Self.bool(config, "disable_escaping", default: false)
        terminateSessionsOnRevoke = try Self.bool(config, "terminate_sessions_on_revoke", default: true)

        let maxOpen = try Self.int(config, "max_open_connections", default: 4)
        guard maxOpen >= 1 else { throw PluginError(.invalidRequest, "max_open_connections must be at least 1") }
        // Vault's rule: no idle limit given (or 0) means as many as may be open.
        var maxIdle = try Self.int(config, "max_idle_connections", default: 0)
        guard maxIdle >= 0 else { throw PluginError(.invalidRequest, "max_idle_connections must not be negative") }
        if maxIdle == 0 || maxIdle > maxOpen { maxIdle = maxOpen }
        let lifetime = try Self.duration(config, "max_connection_lifetime")
        limits = PoolLimits(maxOpen: maxOpen, maxIdle: maxIdle, maxLifetime: lifetime)

        let authentication = try Self.optionalString(config, "password_authentication") ?? PasswordAuthentication.password.rawValue
        guard let parsed = PasswordAuthentication(rawValue: authentication) else {
            throw PluginError(.invalidRequest, "password_authentication must be \"password\" or \"scram-sha-256\"")
        }
        passwordAuthentication = parsed
    }

    /// The libpq connection string with `{{username}}`/`{{password}}` filled in.
    func connectionString() -> String {
        ConnectionString.render(connectionURL, username: username ?? "", password: password ?? "", escapeForURL: !disableEscaping)
    }

    /// Everything that must never appear in a message: the password in each form it takes in
    /// a connection string, and any password written into `connection_url` itself.
    var redactor: SecretRedactor {
        var secrets = ConnectionStringSecrets.passwords(in: connectionURL)
        if let password, !password.isEmpty {
            secrets += [password, ConnectionString.percentEncoded(password), ConnectionString.quotedValue(password)]
        }
        return SecretRedactor(secrets)
    }

    /// libpq parameters: our defaults first, so the admin's connection string overrides them.
    /// Config `username`/`password` also go in as `user`/`password` when the connection string
    /// has no placeholder for them (a value written in the string still wins).
    func connectTarget() -> ConnectTarget {
        var parameters = [
            ConnectionParameter(keyword: "connect_timeout", value: "10"),
            ConnectionParameter(keyword: "application_name", value: "custos-postgresql-plugin"),
        ]
        if let username, !username.isEmpty, !connectionURL.contains("{{username}}") {
            parameters.append(ConnectionParameter(keyword: "user", value: username))
        }
        if let password, !password.isEmpty, !connectionURL.contains("{{password}}") {
            parameters.append(ConnectionParameter(keyword: "password", value: password))
        }
        parameters.append(ConnectionParameter(keyword: "dbname", value: connectionString()))
        return ConnectTarget(parameters: parameters, redactor: redactor)
    }

    /// The same settings with a new root password (after `RotateRoot`).
    func withPassword(_ newPassword: String) -> ConnectionSettings {
        var copy = self
        copy.password = newPassword
        copy.rawConfig["password"] = .string(newPassword)
        return copy
    }

    // MARK: typed config values

    private static func optionalString(_ config: PluginConfig, _ key: String) throws(PluginError) -> String? {
        guard let value = config[key], value != .null else { return nil }
        guard let string = value.stringValue else { throw PluginError(.invalidRequest, "\(key) must be a string") }
        return string
    }

    private static func bool(_ config: PluginConfig, _ key: String, default defaultValue: Bool) throws(PluginError) -> Bool {
        guard let value = config[key], value != .null else { return defaultValue }
        guard let bool = value.boolValue else { throw PluginError(.invalidRequest, "\(key) must be true or false") }
        return bool
    }

    private static func int(_ config: PluginConfig, _ key: String, default defaultValue: Int) throws(PluginError) -> Int {
        guard let value = config[key], value != .null else { return defaultValue }
        guard let int = value.intValue else { throw PluginError(.invalidRequest, "\(key) must be an integer") }
        return int
    }

    /// Seconds as a number or numeric string, or a Go-style duration ("30s", "5m", "1h30m").
    /// 0 or absent: no limit.
    private static func duration(_ config: PluginConfig, _ key: String) throws(PluginError) -> Duration? {
        guard let value = config[key], value != .null else { return nil }
        let seconds: Double?
        if case .int(let number) = value {
            seconds = Double(number)
        } else if case .double(let number) = value {
            seconds = number
        } else if let text = value.stringValue {
            seconds = DurationText.seconds(text)
        } else {
            seconds = nil
        }
        // A finite count up to ten years: anything longer would not fit the millisecond count
        // (or is a typo), and the conversion must never trap on what an admin writes.
        guard let seconds, seconds.isFinite, seconds >= 0, seconds <= 315_360_000 else {
            throw PluginError(.invalidRequest, "\(key) must be a duration such as \"30s\" or a number of seconds, at most ten years")
        }
        return seconds == 0 ? nil : .milliseconds(Int64(seconds * 1000))
    }
}

/// Parses "90", "30s", "5m", "1h30m", "250ms".
enum DurationText {
    static func seconds(_ text: String) -> Double? {
        let text = text.trimmingCharacters(in: .whitespaces)
        if let plain = Double(text) { return plain }
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var total = 0.0
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix(while: { $0.isNumber || $0 == "." })
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.suffix) }) else { return nil }
            total += value * unit.seconds
            rest = rest.dropFirst(unit.suffix.count)
        }
        return total
    }
}
