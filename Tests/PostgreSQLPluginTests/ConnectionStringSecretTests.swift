import DatabasePluginKit
import Foundation
import Testing

@testable import PostgreSQLDatabasePlugin

/// A password written into connection_url itself never comes back in an error: parse errors
/// name what is wrong without quoting the string, and the redactor knows those passwords.
@Suite struct ConnectionStringSecretTests {
    let database: TestDatabase

    init() throws {
        database = try TestDatabase.fromEnvironment()
    }

    private func initializeError(_ url: String, _ kind: PluginErrorKind) async -> PluginError? {
        let config: PluginConfig = ["connection_url": .string(url)]
        return await expectPluginError(kind) {
            _ = try await PostgreSQLPlugin().initialize(InitializeRequest(connection: "db", config: config, verifyConnection: true))
        }
    }

    @Test func anUnparsableURLIsNotQuoted() async throws {
        let error = try #require(await initializeError("postgresql://custos:SECRETPW9@[bad", .invalidRequest))
        #expect(!error.message.contains("SECRETPW9"), "\(error.message)")
        #expect(!error.message.contains("[bad"), "\(error.message)")
        #expect(error.message.contains("IPv6"), "still says what is wrong: \(error.message)")
    }

    @Test func aBadPercentEncodingIsNotQuoted() async throws {
        let url = "postgresql://custos:SEC%zzRET@\(database.host):\(database.port)/\(database.database)"
        let error = try #require(await initializeError(url, .invalidRequest))
        #expect(!error.message.contains("SEC"), "\(error.message)")
        #expect(!error.message.contains("zzRET"), "\(error.message)")
        #expect(error.message.contains("percent-encoded"), "still says what is wrong: \(error.message)")
    }

    @Test func aKeyValuePasswordIsNotEchoed() async throws {
        let secret = "KV'SECRET9"
        // Wrong password: libpq answers with a connection error about it.
        let wrong = "host=\(database.host) port=\(database.port) dbname=\(database.database) user=\(database.user) password='KV\\'SECRET9' sslmode=disable"
        let connectError = try #require(await initializeError(wrong, .connection))
        #expect(!connectError.message.contains(secret), "\(connectError.message)")
        #expect(!connectError.message.contains("SECRET9"), "\(connectError.message)")
        // A parse error after the password.
        let broken = "host=\(database.host) password='KV\\'SECRET9' dbname"
        let parseError = try #require(await initializeError(broken, .invalidRequest))
        #expect(!parseError.message.contains("SECRET9"), "\(parseError.message)")
    }

    @Test func theRedactorKnowsPasswordsWrittenIntoTheConnectionString() throws {
        let url = try ConnectionSettings(config: ["connection_url": "postgresql://u:p%40ss%20w0rd@h/db?password=Q%2Fpw"]).redactor
        #expect(url.redact("a p%40ss%20w0rd b") == "a <redacted> b")
        #expect(url.redact("a p@ss w0rd b") == "a <redacted> b")
        #expect(url.redact("x Q/pw y") == "x <redacted> y")
        #expect(url.redact("x Q%2Fpw y") == "x <redacted> y")

        let keyValue = try ConnectionSettings(config: ["connection_url": #"host=h password = 'a b\'c9' user=u"#]).redactor
        #expect(keyValue.redact("was a b'c9 !") == "was <redacted> !")
        #expect(keyValue.redact(#"was 'a b\'c9' !"#) == "was <redacted> !")
        let bare = try ConnectionSettings(config: ["connection_url": "password=bare9pw host=h"]).redactor
        #expect(bare.redact("bare9pw") == "<redacted>")

        // The placeholder is not a secret.
        let template = try ConnectionSettings(config: ["connection_url": "postgresql://{{username}}:{{password}}@h/db"]).redactor
        #expect(template.redact("{{password}}") == "{{password}}")
    }

    @Test func parseMessagesKeepSyntaxButDropValues() {
        let url = #"postgresql://u:pw@[bad"#
        let message = #"end of string reached when looking for matching "]" in IPv6 host address in URI: "postgresql://u:pw@[bad""#
        #expect(ConnectionStringError.withoutValues(message, connectionString: url)
            == #"end of string reached when looking for matching "]" in IPv6 host address in URI"#)
        #expect(ConnectionStringError.withoutValues(#"invalid percent-encoded token: "S%zz"#, connectionString: "x")
            == "invalid percent-encoded token")
    }
}
