import CustosJSON
import CustosTesting
import Foundation
import Testing

@Suite("custos CLI: read, write, list, delete")
struct CLIKeyValueTests {
    @Test func writeReadListDeleteRoundTripAsTable() async throws {
        try await withCLISession { session in
            let mount = try await session.enableKV()

            let write = try await session.run(["write", "\(mount)/app", "user=alice", "port=5432"])
            #expect(write.exitCode == 0, "\(write.stderr)")
            #expect(write.stdout == "Success! Data written to: \(mount)/app\n")

            let read = try await session.run(["read", "\(mount)/app"])
            #expect(read.exitCode == 0, "\(read.stderr)")
            let lines = read.stdout.split(separator: "\n")
            #expect(lines.first?.hasPrefix("Key") == true)
            #expect(lines.dropFirst().first?.hasPrefix("---") == true)
            let rows = cliTableRows(read.stdout).filter { $0.key != "refresh_interval" }
            #expect(rows.map(\.key) == ["port", "user"], "data keys are sorted")
            #expect(rows.map(\.value) == ["5432", "alice"])

            let list = try await session.run(["list", "\(mount)/"])
            #expect(list.exitCode == 0, "\(list.stderr)")
            #expect(list.stdout == "Keys\n----\napp\n")

            let delete = try await session.run(["delete", "\(mount)/app"])
            #expect(delete.exitCode == 0, "\(delete.stderr)")
            #expect(delete.stdout == "Success! Data deleted (if it existed) at: \(mount)/app\n")

            let gone = try await session.run(["read", "\(mount)/app"])
            #expect(gone.exitCode == 2)
            #expect(gone.stderr == "No value found at \(mount)/app\n")

            let emptyList = try await session.run(["list", "\(mount)/"])
            #expect(emptyList.exitCode == 2)
            #expect(emptyList.stderr.contains("No value found at \(mount)"))
        }
    }

    @Test func jsonFormatPrintsTheResponseEnvelope() async throws {
        try await withCLISession { session in
            let mount = try await session.enableKV()
            let write = try await session.run(["write", "-format=json", "\(mount)/app", "user=alice", "count=3"])
            #expect(write.exitCode == 0, "\(write.stderr)")
            #expect(write.stdout.isEmpty, "JSON output has no Success line")

            // Both spellings of the flag: Vault's `-format=json` and `--format json`.
            for flags in [["-format=json"], ["--format", "json"], ["-format", "json"]] {
                let read = try await session.run(["read"] + flags + ["\(mount)/app"])
                #expect(read.exitCode == 0, "\(flags): \(read.stderr)")
                let json = try cliJSON(read.stdout)
                #expect(json["data"]?["user"] == .string("alice"))
                #expect(json["data"]?["count"] == .string("3"), "values stay strings, as Vault's CLI sends them")
                #expect(json["lease_id"] != nil)
                #expect(json["renewable"] != nil)
            }

            let list = try await session.run(["list", "-format=json", mount])
            #expect(list.exitCode == 0, "\(list.stderr)")
            let keys = try JSONDecoder().decode([String].self, from: Data(list.stdout.utf8))
            #expect(keys == ["app"])
        }
    }

    @Test func fieldFlagPrintsOneValueRaw() async throws {
        try await withCLISession { session in
            let mount = try await session.enableKV()
            _ = try await session.run(["write", "\(mount)/db", "password=s3cr=t"])

            let field = try await session.run(["read", "-field=password", "\(mount)/db"])
            #expect(field.exitCode == 0, "\(field.stderr)")
            #expect(field.stdout == "s3cr=t", "raw value, no newline when stdout is not a terminal")

            let missing = try await session.run(["read", "-field=nope", "\(mount)/db"])
            #expect(missing.exitCode == 1)
            #expect(missing.stderr.contains("Field \"nope\" not present in secret"))
        }
    }

    @Test func valuesFromFilesAndStdin() async throws {
        try await withCLISession { session in
            let mount = try await session.enableKV()
            let file = session.home.appendingPathComponent("cert.pem")
            try "line one\nline two\n".write(to: file, atomically: true, encoding: .utf8)

            let write = try await session.run(
                ["write", "\(mount)/files", "cert=@\(file.path)", "note=-", "plain=x"],
                stdin: "from stdin\n")
            #expect(write.exitCode == 0, "\(write.stderr)")

            let read = try await session.run(["read", "-format=json", "\(mount)/files"])
            let data = try cliJSON(read.stdout)["data"]
            #expect(data?["cert"] == .string("line one\nline two\n"))
            #expect(data?["note"] == .string("from stdin\n"))
            #expect(data?["plain"] == .string("x"))
        }
    }

    @Test func missingFileIsALocalError() async throws {
        try await withCLISession { session in
            let mount = try await session.enableKV()
            let result = try await session.run(["write", "\(mount)/x", "cert=@/nonexistent/file.pem"])
            #expect(result.exitCode == 1)
            #expect(result.stderr.contains("/nonexistent/file.pem"))
        }
    }
}
