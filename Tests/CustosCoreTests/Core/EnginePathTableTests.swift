@testable import CustosCore
import CustosJSON
import Foundation
import Testing

@Suite("engine path table")
struct EnginePathTableTests {
    @Test(arguments: [
        ("config/{name}", "config/main", ["name": "main"]),
        ("config/{name}", "config/", nil),
        ("config/{name}", "config/a/b", nil),
        ("config/", "config", [:]),
        ("config/", "config/", [:]),
        ("roles/{name}", "roles/ro", ["name": "ro"]),
        ("creds/{name}", "creds/ro/extra", nil),
        ("{path*}", "", ["path": ""]),
        ("{path*}", "a/b/c/", ["path": "a/b/c/"]),
        ("static-creds/{name}", "static-creds/app", ["name": "app"]),
        ("rotate-root/{name}", "rotate-root", nil),
    ] as [(String, String, [String: String]?)])
    func patternsMatchNamedSegments(pattern: String, path: String, expected: [String: String]?) {
        #expect(EnginePathPattern(pattern).match(path)?.values == expected)
    }

    static let mount = MountEntry(path: "db/", type: "test")

    func request(_ operation: LogicalOperation, _ path: String, _ body: String? = nil) -> EngineRequest {
        EngineRequest(operation: operation, path: path, mount: Self.mount,
                      request: LogicalRequest(operation: operation, path: "db/" + path, body: body.map { Data($0.utf8) }))
    }

    struct Write: Decodable { var ttl: VaultDuration? }

    let table = EnginePathTable([
        EnginePath("roles/", help: "List roles.", operations: [.list: { _, _ in LogicalResponse(data: ["keys": ["a"]]) }]),
        EnginePath("roles/{name}", help: "Manage a role.", operations: [
            .read: { _, match in LogicalResponse(data: ["name": match["name"]]) },
            .update: EnginePath.typed(Write.self) { _, match, write in
                LogicalResponse(data: ["name": match["name"], "ttl": "\(write.ttl?.seconds ?? 0)"])
            },
        ], exists: { _, match in match["name"] == "existing" }),
    ])

    @Test func routesTypedHandlersAndAnswersVaultStatuses() async throws {
        #expect((try await table.handle(request(.read, "roles/ro")).data as? [String: String]) == ["name": "ro"])
        // The ACL's `create` reaches the update handler; the body is typed at the edge.
        #expect((try await table.handle(request(.create, "roles/ro", #"{"ttl": "1h"}"#)).data as? [String: String])
            == ["name": "ro", "ttl": "3600"])
        await #expect(throws: CustosError.badRequest(#"invalid value for "ttl": invalid duration "soon""#)) {
            try await table.handle(request(.update, "roles/ro", #"{"ttl": "soon"}"#))
        }
        #expect((try await table.handle(request(.list, "roles")).data as? [String: [String]]) == ["keys": ["a"]])
        await #expect(throws: CustosError.unsupportedOperation()) { try await table.handle(request(.delete, "roles/ro")) }
        let missing = await #expect(throws: CustosError.self) { try await table.handle(request(.read, "nothing/here")) }
        #expect(missing?.code == .notFound)
        #expect(try await table.exists(request(.update, "roles/existing")) == true)
        #expect(try await table.exists(request(.update, "roles/new")) == false)
        #expect(try await table.exists(request(.list, "roles/")) == nil)
    }

    /// A large table answers a literal path from its index exactly as the ordered scan does,
    /// including where an earlier pattern with a name shadows the literal.
    @Test func aLargeTableRoutesLiteralsAsItsScanWould() {
        let handler: EnginePath.Handler = { _, _ in LogicalResponse() }
        var paths = (0..<20).map { EnginePath("item/\($0)", help: "", operations: [.read: handler]) }
        paths.insert(EnginePath("item/{number}", help: "shadow", operations: [.read: handler]), at: 10)
        paths.append(EnginePath("other/{rest*}", help: "", operations: [.read: handler]))
        paths.append(EnginePath("other/exact", help: "shadowed", operations: [.read: handler]))
        let table = EnginePathTable(paths)
        for text in ["item/3", "item/12", "item/19", "other/exact", "other/x/y", "item/99", "missing"] {
            let scanned = paths.first { $0.pattern.match(text) != nil }
            #expect(table.route(text)?.0.pattern == scanned?.pattern, "\(text)")
        }
        #expect(table.route("item/12")?.0.pattern.description == "item/{number}")
        #expect(table.route("item/3")?.0.pattern.description == "item/3")
        #expect(table.route("other/exact")?.0.pattern.description == "other/{rest*}")
    }
}

@Suite("engine path patterns, walked in place")
struct EnginePathPatternWalkTests {
    @Test(arguments: [
        ("leases/lookup/{prefix*}", "leases/lookup", ["prefix": ""]),
        ("leases/lookup/{prefix*}", "leases/lookup/", ["prefix": ""]),
        ("leases/lookup/{prefix*}", "leases/lookup/db/creds/", ["prefix": "db/creds/"]),
        ("leases/lookup", "leases/lookup/", nil),
        ("leases/lookup", "leases/lookupx", nil),
        ("accessors/", "accessors//", nil),
        ("a/{name}/b", "a/x/b", ["name": "x"]),
        ("a/{name}/b", "a//b", nil),
        ("a/{name}/b", "a/x/b/", nil),
        ("a/{name}", "", nil),
        ("", "", [:]),
        ("", "x", nil),
    ] as [(String, String, [String: String]?)])
    func matches(pattern: String, path: String, expected: [String: String]?) {
        #expect(EnginePathPattern(pattern).match(path)?.values == expected)
    }
}
