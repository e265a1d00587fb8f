import CustosJSON
import Foundation
import Testing
import VaultAPI

/// The envelope and what travels in it: what the server writes (Vault's fields and nulls), what
/// the CLI reads back, and what a real Vault or OpenBao sends (fields Custos does not send).
@Suite struct SecretShapeTests {
    private let created = AuthBlock(
        clientToken: "cst.abc", accessor: "acc", policies: ["apps", "default"], tokenPolicies: ["apps", "default"],
        metadata: nil, leaseDuration: 3600, renewable: true, entityID: "", tokenType: "service", orphan: false, numUses: 0)

    @Test func authBlockIsWrittenWithVaultsNulls() throws {
        let json = try encode(created)
        #expect(json == #"{"accessor":"acc","client_token":"cst.abc","entity_id":"","lease_duration":3600,"metadata":null,"mfa_requirement":null,"num_uses":0,"orphan":false,"policies":["apps","default"],"renewable":true,"token_policies":["apps","default"],"token_type":"service"}"#)
        #expect(try decode(AuthBlock.self, json) == created)
    }

    @Test func authBlockReadsVaultsLoginWithWhatCustosDoesNotSend() throws {
        let vault = #"""
            {"client_token":"hvs.x","accessor":"a","policies":null,"identity_policies":["team"],
             "metadata":{"role":"r"},"lease_duration":60,"renewable":false,"entity_id":"e-1","token_type":"batch",
             "orphan":true,"mfa_requirement":{"mfa_request_id":"m"},"num_uses":0,"bound_cidrs":["10.0.0.0/8"]}
            """#
        let auth = try decode(AuthBlock.self, vault)
        #expect(auth.policies == nil && auth.tokenPolicies == nil && auth.identityPolicies == ["team"])
        #expect(auth.metadata == ["role": "r"] && auth.tokenType == "batch" && auth.orphan == true)
        #expect(auth.mfaRequirement == .object(["mfa_request_id": .string("m")]))
        // An older server: no entity, type, orphan or use count.
        let old = try decode(AuthBlock.self, #"{"client_token":"s.x","accessor":"a","policies":["root"],"metadata":null,"lease_duration":0,"renewable":false}"#)
        #expect(old.entityID == nil && old.tokenType == nil && old.orphan == nil && old.numUses == nil)
        #expect(throws: DecodingError.self) { try decode(AuthBlock.self, #"{"accessor":"a"}"#) }
    }

    @Test func tokenLookupLeavesOutOrNullsWhatIsAbsent() throws {
        var lookup = TokenLookupData()
        (lookup.accessor, lookup.creationTime, lookup.creationTTL, lookup.displayName) = ("acc", 1_700_000_000, 0, "root")
        (lookup.entityID, lookup.explicitMaxTTL, lookup.id, lookup.issueTime) = ("", 0, "", "2023-11-14T22:13:20.000Z")
        (lookup.numUses, lookup.orphan, lookup.path, lookup.policies) = (0, true, "auth/token/root", ["root"])
        (lookup.renewable, lookup.ttl, lookup.type) = (false, 0, "service")
        let json = try encode(lookup)
        #expect(json == #"{"accessor":"acc","creation_time":1700000000,"creation_ttl":0,"display_name":"root","entity_id":"","expire_time":null,"explicit_max_ttl":0,"id":"","issue_time":"2023-11-14T22:13:20.000Z","meta":null,"num_uses":0,"orphan":true,"path":"auth/token/root","policies":["root"],"renewable":false,"ttl":0,"type":"service"}"#)
        #expect(try decode(TokenLookupData.self, json) == lookup)
        var renewed = lookup
        renewed.lastRenewal = "2023-11-14T23:13:20.000Z"
        renewed.lastRenewalTime = 1_700_003_600
        renewed.period = 3600
        #expect(try encode(renewed).contains(#""issue_time":"2023-11-14T22:13:20.000Z","last_renewal":"2023-11-14T23:13:20.000Z","last_renewal_time":1700003600,"meta":null"#))
        #expect(try encode(renewed).contains(#""path":"auth/token/root","period":3600,"policies""#))
    }

    @Test func tokenLookupReadsVaultsAnswer() throws {
        let vault = #"""
            {"accessor":"a","creation_time":1,"creation_ttl":2764800,"display_name":"token","entity_id":"",
             "expire_time":"2024-01-01T00:00:00.123456789Z","explicit_max_ttl":0,"external_namespace_policies":{},
             "id":"hvs.x","identity_policies":["team"],"issue_time":"2023-12-01T00:00:00Z","meta":{"app":"x"},
             "num_uses":0,"orphan":false,"path":"auth/token/create","policies":["default"],"renewable":true,
             "ttl":2764790,"type":"service","bound_cidrs":null}
            """#
        let lookup = try decode(TokenLookupData.self, vault)
        #expect(lookup.identityPolicies == ["team"] && lookup.meta == ["app": "x"] && lookup.ttl == 2_764_790)
        #expect(lookup.lastRenewal == nil && lookup.period == nil)
        #expect(try decode(TokenLookupData.self, "{}") == TokenLookupData())
        #expect(try encode(TokenLookupData()).hasPrefix(#"{"accessor":null,"creation_time":null,"creation_ttl":null,"#))
    }

    @Test func envelopeIsWrittenWithEveryFieldAndReadBackWithTheRawAuth() throws {
        let envelope = SecretEnvelope<[String: JSONValue], AuthBlock>(
            requestID: "r-1", leaseID: "", renewable: false, leaseDuration: 0, data: nil,
            warnings: nil, auth: created, mountType: "")
        let json = try encode(envelope)
        #expect(json.hasPrefix(#"{"auth":{"accessor":"acc","client_token":"cst.abc","#))
        #expect(json.hasSuffix(#""token_type":"service"},"data":null,"lease_duration":0,"lease_id":"","mount_type":"","renewable":false,"request_id":"r-1","warnings":null,"wrap_info":null}"#))
        // The CLI keeps `auth` as sent, `mfa_requirement` and all.
        let read = try decode(SecretEnvelope<[String: JSONValue], JSONValue>.self, json)
        #expect(read.requestID == "r-1" && read.data == nil && read.warnings == nil && read.mountType == "")
        #expect(read.auth?.objectValue?["mfa_requirement"] == .null)
        #expect(try decode(AuthBlock.self, encode(read.auth)) == created)
    }

    @Test func envelopeReadsVaultsAnswer() throws {
        let vault = #"""
            {"request_id":"6a1c","lease_id":"database/creds/ro/abc","renewable":true,"lease_duration":3600,
             "data":{"username":"v-ro","password":"p"},"wrap_info":null,"warnings":["w"],"auth":null,
             "mount_type":"database"}
            """#
        let read = try decode(SecretEnvelope<[String: JSONValue], JSONValue>.self, vault)
        #expect(read.leaseID == "database/creds/ro/abc" && read.leaseDuration == 3600 && read.renewable == true)
        #expect(read.data?["username"] == .string("v-ro") && read.warnings == ["w"] && read.auth == nil)
        #expect(read.mountType == "database")
        // An older server sends no `mount_type`; the data may be a typed shape.
        let old = try decode(SecretEnvelope<TokenLookupData, JSONValue>.self, #"{"request_id":"x","data":{"ttl":5}}"#)
        #expect(old.mountType == nil && old.data?.ttl == 5 && old.leaseID == nil)
    }

    @Test func keyListRoundTripsInTheEnvelope() throws {
        let envelope = SecretEnvelope<KeyList, AuthBlock>(
            requestID: "r", leaseID: "", renewable: false, leaseDuration: 0, data: KeyList(keys: ["a", "b/"]),
            warnings: nil, auth: nil, mountType: "")
        let json = try encode(envelope)
        #expect(json == #"{"auth":null,"data":{"keys":["a","b/"]},"lease_duration":0,"lease_id":"","mount_type":"","renewable":false,"request_id":"r","warnings":null,"wrap_info":null}"#)
        #expect(try decode(SecretEnvelope<KeyList, JSONValue>.self, json).data?.keys == ["a", "b/"])
        // Vault's answer (with fields Custos does not send), and an answer with no list.
        let vault = #"{"request_id":"q","lease_id":"","renewable":false,"lease_duration":0,"data":{"keys":["x"],"key_info":{"x":{}}},"wrap_info":null,"warnings":null,"auth":null}"#
        #expect(try decode(SecretEnvelope<KeyList, JSONValue>.self, vault).data?.keys == ["x"])
        #expect(try decode(SecretEnvelope<KeyList, JSONValue>.self, #"{"data":{}}"#).data?.keys == nil)
    }
}
