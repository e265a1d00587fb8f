import CustosJSON
import CustosCore
import CustosTesting
import Foundation
import Testing

/// Listing as Vault clients do it: the `LIST` method at any request boundary of a kept-alive
/// connection, and list paths taken as folders (Vault appends "/") before routing and ACL.
@Suite("LIST requests")
struct ListRequestHTTPTests {
    static func request(_ method: String, _ path: String, token: String, body: String? = nil, chunked: Bool = false) -> String {
        var text = "\(method) /v1/\(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Vault-Token: \(token)\r\n"
        guard let body else { return text + "\r\n" }
        if chunked {
            let size = String(body.utf8.count, radix: 16)
            return text + "Transfer-Encoding: chunked\r\n\r\n\(size)\r\n\(body)\r\n0\r\n\r\n"
        }
        text += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
        return text + body
    }

    static func keys(_ response: RawHTTPResponse?) -> [String] {
        guard let response, let json = try? JSONDecoder().decode([String: JSONValue].self, from: Data(response.body)),
              case .array(let keys)? = json["data"]?.objectValue?["keys"] else { return [] }
        return keys.compactMap(\.stringValue)
    }

    /// Before the fix a `LIST` that arrived in the same read as an earlier request reached NIO's
    /// parser unrewritten and was answered 400 (and the connection closed). Each round is one
    /// read on the server's side.
    @Test func listPipelinedBehindOtherRequestsInOneWrite() async throws {
        try await withInProcessServer(rootToken: "pipeline-root") { server in
            let client = server.client(token: "pipeline-root")
            #expect(try await client.write("secret/a", ["v": "1"]).status == 204)

            let rounds = try await server.withConnection { connection -> [[RawHTTPResponse]] in
                var rounds: [[RawHTTPResponse]] = []
                func round(_ requests: String..., expecting count: Int) async throws {
                    try await connection.send(requests.joined())
                    rounds.append(try await connection.responses(count))
                }
                // After a request without a body.
                try await round(Self.request("GET", "sys/health", token: "pipeline-root"),
                                Self.request("LIST", "secret/", token: "pipeline-root"), expecting: 2)
                // After a Content-Length body that does not end in a line break.
                try await round(Self.request("POST", "secret/b", token: "pipeline-root", body: #"{"v":"2"}"#),
                                Self.request("LIST", "secret/", token: "pipeline-root"), expecting: 2)
                // After a chunked body, then a LIST without the trailing slash.
                try await round(Self.request("POST", "secret/c", token: "pipeline-root", body: #"{"v":"3"}"#, chunked: true),
                                Self.request("LIST", "secret", token: "pipeline-root"), expecting: 2)
                // A LIST alone in a later read of the same connection.
                try await round(Self.request("LIST", "secret/", token: "pipeline-root"), expecting: 1)
                // "LIST" inside a body is body: the framing holds and the next request is answered.
                try await round(Self.request("POST", "secret/d", token: "pipeline-root", body: "x\r\nLIST /v1/secret/ HTTP/1.1\r\n\r\n"),
                                Self.request("GET", "secret/a", token: "pipeline-root"), expecting: 2)
                // Blank lines between requests (the parser skips them), then a LIST.
                try await round(Self.request("GET", "sys/health", token: "pipeline-root") + "\r\n\r\n\r\n",
                                Self.request("LIST", "secret/", token: "pipeline-root"), expecting: 2)
                // A body that itself ends in line breaks: the request ends inside the trailing run.
                try await round(Self.request("POST", "secret/e", token: "pipeline-root", body: "{\"v\":\"5\"}\r\n\r\n"),
                                Self.request("LIST", "secret/", token: "pipeline-root"), expecting: 2)
                return rounds
            }
            #expect(rounds.map { $0.map(\.status) } == [[200, 200], [204, 200], [204, 200], [200], [400, 200], [200, 200], [204, 200]])
            #expect(Self.keys(rounds[5].last) == ["a", "b", "c"])
            #expect(Self.keys(rounds[6].last) == ["a", "b", "c", "e"])
            #expect(Self.keys(rounds[0].last) == ["a"])
            #expect(Self.keys(rounds[1].last) == ["a", "b"])
            #expect(Self.keys(rounds[2].last) == ["a", "b", "c"])
            #expect(Self.keys(rounds[3].last) == ["a", "b", "c"])
            #expect(rounds[4].last?.text.contains(#""v":"1""#) == true)
        }
    }

    /// Vault appends "/" to every list path before the ACL: `deny` on `kv1/private/*` holds for
    /// `LIST kv1/private` (before the fix the `kv1/*` grant answered it with the keys), and a
    /// grant on the folder `kv2/folder/` answers `LIST kv2/folder` (before: 403). Checked against
    /// `bao server -dev` 2.7.2; the OpenBao CLI's side is in the end-to-end `ListRequestTests`.
    @Test func listPathsAreFoldersForTheACL() async throws {
        try await withInProcessServer(rootToken: "acl-root") { server in
            let root = server.client(token: "acl-root")
            let token = try await root.prepareListFolderFixture()
            let lister = server.client(token: token)

            for path in ["kv1/private", "kv1/private/"] {
                let viaMethod = try await lister.list(path)
                #expect(viaMethod.status == 403, "LIST \(path): \(viaMethod.status) \(viaMethod.text)")
                #expect(viaMethod.errors == ["permission denied"])
                let viaQuery = try await lister.request("GET", "\(path)?list=true")
                #expect(viaQuery.status == 403, "GET \(path)?list=true: \(viaQuery.status) \(viaQuery.text)")
            }
            #expect(try await lister.list("kv1/public").data?["keys"] == .array(["a"]))
            for path in ["kv2/folder", "kv2/folder/", "kv2/folder?list=true"] {
                let listed = path.contains("?") ? try await lister.request("GET", path) : try await lister.list(path)
                #expect(listed.status == 200, "\(path): \(listed.status) \(listed.text)")
                #expect(listed.data?["keys"] == .array(["c"]))
            }
            #expect(try await lister.list("kv2/other").status == 403)
        }
    }
}
