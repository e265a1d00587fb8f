import Foundation
import NIOCore
import NIOPosix

/// Runs Swift concurrency's global executor on NIO's event loops, the threads that already read
/// the requests, so a request no longer hops from its event loop to the cooperative pool and back
/// (Hummingbird documents this set-up). Worth it because nothing in the server blocks a thread:
/// SQLite runs on GRDB's own queue, plugins are other processes. `CUSTOS_NIO_EXECUTOR=0` keeps
/// the default pool (to compare, or if a future change blocks).
enum RequestExecutor {
    static func install() {
        guard ProcessInfo.processInfo.environment["CUSTOS_NIO_EXECUTOR"] != "0" else { return }
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
