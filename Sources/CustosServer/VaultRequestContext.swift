import Hummingbird
import NIOCore

/// The request context: Hummingbird's basic one plus the client's address, which the audit log
/// records (Vault's `remote_address`, `remote_port`).
struct VaultRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    private let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// Read from the channel's cached address only when asked.
    var remoteAddress: SocketAddress? { channel.remoteAddress }
}
