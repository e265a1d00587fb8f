import Testing
import VaultAPI

/// The server writes these shapes and the CLI reads them: the server writes Vault's fields
/// (names, what is left out), and the CLI reads what another server may leave out.
@Suite struct ResponseShapeTests {
    @Test func sealStatusIsWrittenWithVaultsFieldNames() throws {
        let status = SealStatus(
            type: "shamir", initialized: true, sealed: true, threshold: 2, shares: 3, progress: 1, nonce: "n",
            version: "1.0", buildDate: "2026", migration: false, recoverySeal: false, storageType: "file")
        #expect(try encode(status) == #"{"build_date":"2026","initialized":true,"migration":false,"n":3,"nonce":"n","progress":1,"recovery_seal":false,"sealed":true,"storage_type":"file","t":2,"type":"shamir","version":"1.0"}"#)
    }

    @Test func sealStatusReadsAMinimalAnswer() throws {
        let status = try decode(SealStatus.self, #"{"initialized":false,"sealed":true,"t":0,"n":0,"progress":0}"#)
        #expect(status.type == nil && status.threshold == 0 && status.clusterName == nil)
        #expect(throws: DecodingError.self) { try decode(SealStatus.self, #"{"initialized":false}"#) }
    }

    @Test func mountInfoLeavesOutEmptyOptions() throws {
        let mount = MountInfo(
            type: "kv", description: "", accessor: "kv_1", uuid: "u",
            config: .init(defaultLeaseTTL: 0, maxLeaseTTL: 60, forceNoCache: false), options: nil, local: false,
            sealWrap: false, externalEntropyAccess: false, pluginVersion: "", runningPluginVersion: "v1", runningSHA256: "")
        #expect(try encode(mount) == #"{"accessor":"kv_1","config":{"default_lease_ttl":0,"force_no_cache":false,"max_lease_ttl":60},"description":"","external_entropy_access":false,"local":false,"plugin_version":"","running_plugin_version":"v1","running_sha256":"","seal_wrap":false,"type":"kv","uuid":"u"}"#)
        let read = try decode(MountInfo.self, #"{"type":"kv","deprecation_status":"supported"}"#)
        #expect(read.type == "kv" && read.config == nil && read.deprecationStatus == "supported")
    }

    @Test func errorResponseAcceptsNull() throws {
        #expect(try encode(ErrorResponse(errors: ["permission denied"])) == #"{"errors":["permission denied"]}"#)
        #expect(try decode(ErrorResponse.self, #"{"errors":null}"#).errors == nil)
    }

    @Test func pluginCatalogLeavesOutWhatABuiltinHasNot() throws {
        let listing = PluginCatalogListing(auth: [], secret: [], database: ["pg"], detailed: [
            .init(name: "pg", type: "database", builtin: true, version: "v1", sha256: nil, deprecationStatus: "supported"),
        ])
        #expect(try encode(listing) == #"{"auth":[],"database":["pg"],"detailed":[{"builtin":true,"deprecation_status":"supported","name":"pg","type":"database","version":"v1"}],"secret":[]}"#)
    }

    @Test func leaderStatusSaysHAIsOff() throws {
        #expect(try encode(LeaderStatus()) == #"{"active_time":"0001-01-01T00:00:00Z","ha_enabled":false,"is_self":false,"leader_address":"","leader_cluster_address":"","performance_standby":false,"performance_standby_last_remote_wal":0}"#)
        #expect(try decode(LeaderStatus.self, try encode(LeaderStatus())) == LeaderStatus())
    }
}
