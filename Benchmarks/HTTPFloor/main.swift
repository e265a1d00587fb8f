// http-floor: the cost of HTTP alone on this machine. A Hummingbird 2 server set up as
// `custos server` is (HTTP/1.1, NIO as the global executor) that answers every request with a
// fixed JSON body the size of Custos's `sys/health` answer, without touching any Custos code.
// `scripts/bench-http` drives it with the same wrk load as the real servers, so its row is the
// ceiling the framework leaves to any server built on it.
//
//   http-floor <port>
import Foundation
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOPosix

struct FixedBodyResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    static let body = ByteBuffer(
        string: #"{"initialized":true,"sealed":false,"standby":false,"performance_standby":false,"#
            + #""replication_performance_mode":"disabled","replication_dr_mode":"disabled","#
            + #""server_time_utc":1765000000,"version":"1.0.0","cluster_name":"custos-dev","#
            + #""cluster_id":"00000000-0000-0000-0000-000000000000"}"#)

    func respond(to request: Request, context: Context) async throws -> Response {
        // Drain the body as a real handler would, then answer.
        _ = try await request.body.collect(upTo: 1 << 20)
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: Self.body))
    }
}

guard CommandLine.arguments.count == 2, let port = Int(CommandLine.arguments[1]) else {
    FileHandle.standardError.write(Data("usage: http-floor <port>\n".utf8))
    exit(2)
}
_ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
let app = Application(
    responder: FixedBodyResponder(),
    server: .http1(configuration: .init(idleTimeout: nil)),
    configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: port), serverName: nil))
try await app.runService()
