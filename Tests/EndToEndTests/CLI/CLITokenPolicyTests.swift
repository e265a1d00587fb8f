import CustosJSON
import CustosTesting
import Foundation
import Testing

@Suite("custos CLI: token and policy commands")
struct CLITokenPolicyTests {
    @Test func policyWriteReadListFmtDelete() async throws {
        try await withCLISession { session in
            let file = session.home.appendingPathComponent("apps.hcl")
            try Data("# apps\npath \"secret/apps/*\" {\ncapabilities = [\"read\"]\n}\n".utf8).write(to: file)
            let fmt = try await session.run(["policy", "fmt", file.path])
            #expect(fmt.exitCode == 0, "\(fmt.stderr)")
            #expect(try String(contentsOf: file, encoding: .utf8) == "# apps\npath \"secret/apps/*\" {\n  capabilities = [\"read\"]\n}\n")

            // Spacing, alignment of `=`, blank lines between blocks, comments kept; idempotent.
            let messy = session.home.appendingPathComponent("messy.hcl")
            try Data("""
                path "a/*"   {
                capabilities=["read","list"]   # reads
                    min_wrapping_ttl="1s"
                }
                path  "b" {
                  capabilities = [ "deny" ]
                }
                """.utf8).write(to: messy)
            let canonical = """
                path "a/*" {
                  capabilities     = ["read", "list"] # reads
                  min_wrapping_ttl = "1s"
                }

                path "b" {
                  capabilities = ["deny"]
                }

                """
            #expect(try await session.run(["policy", "fmt", messy.path]).exitCode == 0)
            #expect(try String(contentsOf: messy, encoding: .utf8) == canonical)
            #expect(try await session.run(["policy", "fmt", messy.path]).exitCode == 0)
            #expect(try String(contentsOf: messy, encoding: .utf8) == canonical)

            let write = try await session.run(["policy", "write", "apps", file.path])
            #expect(write.exitCode == 0, "\(write.stderr)")
            #expect(write.stdout.contains("Success! Uploaded policy: apps"))
            let fromStdin = try await session.run(["policy", "write", "ops", "-"], stdin: "path \"sys/*\" { capabilities = [\"read\"] }\n")
            #expect(fromStdin.exitCode == 0, "\(fromStdin.stderr)")

            let list = try await session.run(["policy", "list"])
            #expect(list.stdout.split(separator: "\n") == ["apps", "default", "ops", "root"])
            let read = try await session.run(["policy", "read", "apps"])
            #expect(read.stdout.contains("path \"secret/apps/*\""))

            let broken = session.home.appendingPathComponent("broken.hcl")
            try Data("path \"a\" {\n  capabilities = [\"rea\"]\n}\n".utf8).write(to: broken)
            let badFmt = try await session.run(["policy", "fmt", broken.path])
            #expect(badFmt.exitCode == 2)
            #expect(badFmt.stderr.contains("line 2"))
            let badWrite = try await session.run(["policy", "write", "broken", broken.path])
            #expect(badWrite.exitCode == 2)
            #expect(badWrite.stderr.contains("Code: 400"))

            let delete = try await session.run(["policy", "delete", "ops"])
            #expect(delete.exitCode == 0, "\(delete.stderr)")
            let deleteDefault = try await session.run(["policy", "delete", "default"])
            #expect(deleteDefault.exitCode == 2)
        }
    }

    @Test func tokenCreateLookupCapabilitiesRenewRevokeAndLogin() async throws {
        try await withCLISession { session in
            let mount = try await session.enableKV()
            _ = try await session.run(["write", "\(mount)/apps/db", "user=ro"])
            let policy = "path \"\(mount)/apps/*\" { capabilities = [\"read\"] }\n"
            _ = try await session.run(["policy", "write", "apps", "-"], stdin: policy)

            let created = try await session.run([
                "token", "create", "-policy=apps", "-ttl=1h", "-display-name=billing", "-metadata=team=a", "-format=json",
            ])
            #expect(created.exitCode == 0, "\(created.stderr)")
            let auth = try #require(try cliJSON(created.stdout)["auth"])
            guard case .string(let token)? = auth["client_token"], case .string(let accessor)? = auth["accessor"] else {
                Issue.record("no token in \(created.stdout)")
                return
            }
            #expect(auth["policies"] == .array([.string("apps"), .string("default")]))
            #expect(auth["lease_duration"] == .int(3600))

            let table = try await session.run(["token", "create", "-policy=apps", "-use-limit=2", "-period=10m"])
            let rows = Dictionary(cliTableRows(table.stdout).map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            #expect(rows["token_policies"] == "[\"apps\" \"default\"]")
            #expect(rows["token_duration"] == "10m")
            #expect(rows["token"]?.hasPrefix("cst.") == true)

            let field = try await session.run(["token", "create", "-policy=apps", "-field=token"])
            #expect(field.stdout.hasPrefix("cst."))

            let lookup = try await session.run(["token", "lookup", "-format=json"], token: token)
            #expect(lookup.exitCode == 0, "\(lookup.stderr)")
            #expect(try cliJSON(lookup.stdout)["data"]?["display_name"] == .string("token-billing"))
            let byAccessor = try await session.run(["token", "lookup", "-accessor", accessor])
            #expect(byAccessor.exitCode == 0, "\(byAccessor.stderr)")
            #expect(byAccessor.stdout.contains("token-billing"))

            let caps = try await session.run(["token", "capabilities", token, "\(mount)/apps/db"])
            #expect(caps.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "read")
            let selfCaps = try await session.run(["token", "capabilities", "\(mount)/other"], token: token)
            #expect(selfCaps.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "deny")

            let allowed = try await session.run(["read", "-field=user", "\(mount)/apps/db"], token: token)
            #expect(allowed.stdout == "ro")
            let denied = try await session.run(["list", "\(mount)/"], token: token)
            #expect(denied.exitCode == 2)
            #expect(denied.stderr.contains("permission denied"))

            let renew = try await session.run(["token", "renew", "-increment=30m"], token: token)
            #expect(renew.exitCode == 0, "\(renew.stderr)")
            #expect(renew.stdout.contains("30m"))

            let login = try await session.runWithoutToken(["login", token])
            #expect(login.exitCode == 0, "\(login.stderr)")
            #expect(login.stdout.contains("token_policies"))

            let revoke = try await session.run(["token", "revoke", token])
            #expect(revoke.exitCode == 0, "\(revoke.stderr)")
            #expect(revoke.stdout.contains("Success! Revoked token"))
            let after = try await session.run(["token", "lookup"], token: token)
            #expect(after.exitCode == 2)
        }
    }

    @Test func tokenRevokeModesAccessorAndSelf() async throws {
        try await withCLISession { session in
            func create(_ arguments: [String] = [], token: String? = nil) async throws -> String {
                let result = try await session.run(["token", "create", "-field=token"] + arguments, token: token)
                #expect(result.exitCode == 0, "\(result.stderr)")
                return result.stdout
            }
            let parent = try await create()
            let child = try await create(token: parent)
            let orphanMode = try await session.run(["token", "revoke", "-mode=orphan", parent])
            #expect(orphanMode.exitCode == 0, "\(orphanMode.stderr)")
            #expect(try await session.run(["token", "lookup"], token: parent).exitCode == 2)
            let childLookup = try await session.run(["token", "lookup", "-format=json"], token: child)
            #expect(try cliJSON(childLookup.stdout)["data"]?["orphan"] == .bool(true))

            let accessor = try await session.run(["token", "lookup", "-field=accessor"], token: child).stdout
            let byAccessor = try await session.run(["token", "revoke", "-accessor", accessor])
            #expect(byAccessor.exitCode == 0, "\(byAccessor.stderr)")
            #expect(try await session.run(["token", "lookup"], token: child).exitCode == 2)

            let selfToken = try await create(["-policy=default"])
            let revokeSelf = try await session.run(["token", "revoke", "-self"], token: selfToken)
            #expect(revokeSelf.exitCode == 0, "\(revokeSelf.stderr)")
            #expect(try await session.run(["token", "lookup"], token: selfToken).exitCode == 2)

            // -mode=path / -prefix: every token created under a path, through sys/leases/revoke-prefix.
            let viaCreate = try await create()
            let viaCreateChild = try await create(token: viaCreate)
            let orphan = try await create(["-orphan"])
            let byPath = try await session.run(["token", "revoke", "-mode=path", "auth/token/create"])
            #expect(byPath.exitCode == 0, "\(byPath.stderr)")
            #expect(try await session.run(["token", "lookup"], token: viaCreate).exitCode == 2)
            #expect(try await session.run(["token", "lookup"], token: viaCreateChild).exitCode == 2)
            // A path prefix, not a string prefix: create-orphan is not under create.
            #expect(try await session.run(["token", "lookup"], token: orphan).exitCode == 0)
            let byPrefix = try await session.run(["token", "revoke", "-prefix", "auth/token/create-orphan"])
            #expect(byPrefix.exitCode == 0, "\(byPrefix.stderr)")
            #expect(try await session.run(["token", "lookup"], token: orphan).exitCode == 2)
            // The root token itself (created at auth/token/root) still works.
            #expect(try await session.run(["token", "lookup"]).exitCode == 0)
            #expect(try await session.run(["token", "revoke", "-prefix", "-self"]).exitCode == 2)
            #expect(try await session.run(["token", "revoke"]).exitCode == 2)
        }
    }
}
