import DatabasePluginKit
import Testing

@testable import PostgreSQLDatabasePlugin

@Suite struct QuotingAndConfigTests {
    @Test func identifiersAndLiteralsCannotBreakOut() {
        #expect(SQLQuoting.identifier(#"a"b"#) == #""a""b""#)
        #expect(SQLQuoting.literal("it's") == "'it''s'")
        #expect(SQLQuoting.literal(#"a\'b"#) == #"E'a\\''b'"#)
        #expect(DefaultStatements.renew(username: #"x"; DROP ROLE y; --"#, expiration: "2026-01-01 00:00:00+00")
            == [#"ALTER ROLE "x""; DROP ROLE y; --" VALID UNTIL '2026-01-01 00:00:00+00'"#])
    }

    @Test func urlCredentialsArePercentEncoded() {
        let url = ConnectionString.render(
            "postgresql://{{username}}:{{password}}@h:5432/db", username: "u@x", password: "p:/?#@%' w", escapeForURL: true)
        #expect(url == "postgresql://u%40x:p%3A%2F%3F%23%40%25%27%20w@h:5432/db")
        let raw = ConnectionString.render(
            "postgresql://{{username}}:{{password}}@h/db", username: "u", password: "p%40", escapeForURL: false)
        #expect(raw == "postgresql://u:p%40@h/db")
    }

    @Test func keyValueCredentialsAreQuoted() {
        let plain = ConnectionString.render(
            "host=h user={{username}} password={{password}}", username: "u", password: #"a b'c\d"#, escapeForURL: true)
        #expect(plain == #"host=h user='u' password='a b\'c\\d'"#)
        let alreadyQuoted = ConnectionString.render(
            "host=h password='{{password}}'", username: "u", password: "a'b", escapeForURL: true)
        #expect(alreadyQuoted == #"host=h password='a\'b'"#)
    }

    @Test func configDefaultsAndLimits() throws {
        let settings = try ConnectionSettings(config: [
            "connection_url": "host=h", "max_open_connections": "8", "max_idle_connections": 20,
            "max_connection_lifetime": "1m30s", "custom": true,
        ])
        #expect(settings.limits == PoolLimits(maxOpen: 8, maxIdle: 8, maxLifetime: .seconds(90)))
        #expect(settings.passwordAuthentication == .password)
        #expect(settings.terminateSessionsOnRevoke)
        #expect(settings.rawConfig["custom"] == .bool(true))
        let defaults = try ConnectionSettings(config: ["connection_url": "host=h", "max_connection_lifetime": 30])
        #expect(defaults.limits == PoolLimits(maxOpen: 4, maxIdle: 4, maxLifetime: .seconds(30)))
    }

    @Test(arguments: [
        ["username": "u"] as PluginConfig,
        ["connection_url": "host=h", "max_open_connections": 0],
        ["connection_url": "host=h", "max_open_connections": "many"],
        ["connection_url": "host=h", "password_authentication": "md5"],
        ["connection_url": "host=h", "max_connection_lifetime": "soon"],
        ["connection_url": "host=h", "disable_escaping": "maybe"],
    ])
    func badConfigIsAnInvalidRequest(_ config: PluginConfig) {
        #expect(throws: PluginError.self) { try ConnectionSettings(config: config) }
        do {
            _ = try ConnectionSettings(config: config)
        } catch {
            #expect(error.kind == .invalidRequest)
        }
    }

    @Test func durations() {
        #expect(DurationText.seconds("30s") == 30)
        #expect(DurationText.seconds("1h30m") == 5400)
        #expect(DurationText.seconds("250ms") == 0.25)
        #expect(DurationText.seconds("45") == 45)
        #expect(DurationText.seconds("5 parsecs") == nil)
        #expect(DurationText.seconds("") == nil)
    }

    @Test func pbkdf2MatchesTheKnownVector() {
        // PBKDF2-HMAC-SHA256("password", "salt", 4096, 32), a published test vector.
        let derived = SCRAMVerifier.saltedPassword(Array("password".utf8), salt: Array("salt".utf8), iterations: 4096)
        let hex = derived.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        #expect(hex == "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a")
    }

    @Test func scramVerifierHasPostgreSQLsShape() {
        let verifier = SCRAMVerifier.make(password: "pencil")
        let parts = verifier.split(separator: "$")
        #expect(parts.count == 3)
        #expect(parts[0] == "SCRAM-SHA-256")
        #expect(parts[1].hasPrefix("4096:"))
        #expect(parts[2].split(separator: ":").count == 2)
        #expect(SCRAMVerifier.make(password: "pencil") != verifier, "a fresh salt each time")
    }

    @Test func redactorRemovesSecretsAndQuotedPiecesOfThem() {
        let redactor = SecretRedactor(["A1a-secret-pw"])
        #expect(redactor.redact("bad A1a-secret-pw here") == "bad <redacted> here")
        #expect(redactor.redact(#"syntax error at or near "A1a""#) == #"syntax error at or near "<redacted>""#)
        #expect(redactor.redact(#"role "ro" does not exist"#) == #"role "ro" does not exist"#)
    }

    @Test func usernamesAreCutTo63BytesOnCharacterBoundaries() {
        #expect(PostgreSQLPlugin.truncated(String(repeating: "a", count: 70)).utf8.count == 63)
        let accented = String(repeating: "é", count: 40)  // 2 bytes each
        #expect(PostgreSQLPlugin.truncated(accented) == String(repeating: "é", count: 31))
        #expect(PostgreSQLPlugin.truncated("short") == "short")
    }
}
