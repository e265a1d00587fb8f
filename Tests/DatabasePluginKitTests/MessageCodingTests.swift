import DatabasePluginKit
import Foundation
import Testing

@Suite struct MessageCodingTests {
    private let expiration = Date(timeIntervalSince1970: 1_795_240_800)  // 2026-11-21T06:00:00Z

    private func json(_ value: some Encodable) throws -> [String: JSONValue] {
        let data = try JSONEncoder().encode(value)
        return try #require(try JSONDecoder().decode(JSONValue.self, from: data).objectValue)
    }

    @Test func rfc3339FormatsUTCWholeSeconds() {
        #expect(RFC3339.string(from: expiration) == "2026-11-21T06:00:00Z")
        #expect(RFC3339.string(from: expiration.addingTimeInterval(0.9)) == "2026-11-21T06:00:00Z")
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
    }

    @Test func rfc3339ParsesOffsetsAndFractions() {
        #expect(RFC3339.date(from: "2026-11-21T06:00:00Z") == expiration)
        #expect(RFC3339.date(from: "2026-11-21T07:30:00+01:30") == expiration)
        #expect(RFC3339.date(from: "2026-11-21T01:00:00-05:00") == expiration)
        #expect(RFC3339.date(from: "2026-11-21t06:00:00z") == expiration)
        #expect(RFC3339.date(from: "2026-11-21T06:00:00.250Z") == expiration.addingTimeInterval(0.25))
    }

    @Test(arguments: [
        "", "2026-11-21", "2026-11-21T06:00:00", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
        "2026-11-21T24:00:00Z", "2026-11-21T06:00:00.Z", "2026-11-21T06:00:00Zjunk", "21/11/2026",
    ])
    func rfc3339RejectsMalformedTimestamps(_ text: String) {
        #expect(RFC3339.date(from: text) == nil)
    }

    @Test func newUserRequestEncodesExpirationAsRFC3339AndRoundTrips() throws {
        let request = NewUserRequest(
            connection: "db1", username: "v-root-ro-x1", password: "hunter2", expiration: expiration,
            statements: ["CREATE ROLE \"{{name}}\""], rollbackStatements: [])
        let fields = try json(request)
        #expect(fields["expiration"] == .string("2026-11-21T06:00:00Z"))
        #expect(fields["rollbackStatements"] == .array([]))
        let decoded = try JSONDecoder().decode(NewUserRequest.self, from: try JSONEncoder().encode(request))
        #expect(decoded.expiration == expiration)
        #expect(decoded.username == "v-root-ro-x1")
        #expect(decoded.password == "hunter2")
        #expect(decoded.statements == request.statements)
    }

    @Test func renewUserRequestRoundTripsThroughPluginJSON() throws {
        let request = RenewUserRequest(connection: "db1", username: "u", expiration: expiration)
        let data = try PluginJSON.encoder.encode(request)
        #expect(String(decoding: data, as: UTF8.self).contains(#""expiration":"2026-11-21T06:00:00Z""#))
        #expect(try PluginJSON.decoder.decode(RenewUserRequest.self, from: data).expiration == expiration)
    }

    @Test func pluginJSONCodesPlainDatesAsRFC3339() throws {
        let data = try PluginJSON.encoder.encode([expiration])
        #expect(String(decoding: data, as: UTF8.self) == #"["2026-11-21T06:00:00Z"]"#)
        #expect(try PluginJSON.decoder.decode([Date].self, from: data) == [expiration])
    }

    @Test func missingStatementsMeanDefaults() throws {
        let json = #"{"connection":"db1","username":"u","expiration":"2026-11-21T06:00:00Z"}"#
        let request = try JSONDecoder().decode(RenewUserRequest.self, from: Data(json.utf8))
        #expect(request.statements.isEmpty)
    }

    @Test func badExpirationIsRejected() {
        let json = #"{"connection":"db1","username":"u","expiration":"tomorrow"}"#
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(RenewUserRequest.self, from: Data(json.utf8))
        }
    }

    @Test func descriptionsNeverShowPasswords() {
        let secret = "s3cr3t-Pa55"
        let newUser = NewUserRequest(connection: "db1", username: "u", password: secret, expiration: expiration)
        let rotate = RotateRootRequest(connection: "db1", newPassword: secret)
        let setCredentials = SetCredentialsRequest(connection: "db1", username: "u", password: secret)
        let config: PluginConfig = ["password": .string(secret), "connection_url": .string("postgres://u:\(secret)@h/db")]
        let initialize = InitializeRequest(connection: "db1", config: config, verifyConnection: true)
        let rotateResult = RotateRootResult(config: config)
        let initializeResult = InitializeResult(config: config)

        var texts = [
            "\(newUser)", String(reflecting: newUser), "\(rotate)", String(reflecting: rotate),
            "\(setCredentials)", String(reflecting: setCredentials), "\(initialize)", String(reflecting: initialize),
            "\(rotateResult)", "\(initializeResult)",
        ]
        for value in [newUser, rotate, setCredentials, initialize, rotateResult, initializeResult] as [Any] {
            var dumped = ""
            dump(value, to: &dumped)
            texts.append(dumped)
        }
        for text in texts {
            #expect(!text.contains(secret))
        }
        #expect("\(newUser)".contains("<redacted>"))
        #expect("\(newUser)".contains("username: u"))
        #expect("\(initialize)".contains("connection_url, password"))
    }

    @Test func responseEncodesNullIdAndErrorKind() throws {
        let response = RPCResponse(id: nil, error: PluginError(.invalidRequest, "bad"), code: RPCErrorCode.parseError)
        let fields = try json(response)
        #expect(fields["id"] == .null)
        #expect(fields["result"] == nil)
        #expect(fields["error"]?["code"]?.intValue == -32700)
        #expect(fields["error"]?["data"]?["kind"] == .string("invalid_request"))
        let decoded = try JSONDecoder().decode(RPCResponse.self, from: try JSONEncoder().encode(response))
        #expect(decoded.pluginError == PluginError(.invalidRequest, "bad"))
    }

    @Test func requestWithoutParamsGetsAnEmptyObject() throws {
        let request = try JSONDecoder().decode(RPCRequest.self, from: Data(#"{"jsonrpc":"2.0","id":3,"method":"Info"}"#.utf8))
        #expect(request.id == 3)
        #expect(request.params == .object([:]))
    }

    @Test func errorKindsHaveTheirWireNames() throws {
        let kinds: [PluginErrorKind] = [.invalidRequest, .connection, .database, .unsupported, .internal]
        #expect(kinds.map(\.rawValue) == ["invalid_request", "connection", "database", "unsupported", "internal"])
        #expect(String(decoding: try JSONEncoder().encode(PluginErrorKind.invalidRequest), as: UTF8.self) == #""invalid_request""#)
    }
}
