/// A listener's deadlines for one connection, resolved from Vault's `http_*` options with the
/// fallbacks of Go's `net/http` (which Vault inherits). nil means no deadline.
package struct ConnectionTimeouts: Sendable, Equatable {
    /// From the connection's start, or the first byte of a later request, to its complete header.
    package var header: Duration?
    /// From the same start to the end of the request's body.
    package var read: Duration?
    /// From a complete request header to the end of its response.
    package var write: Duration?
    /// From a response to the first byte of the next request on a kept-alive connection.
    package var idle: Duration?

    package init(header: Duration?, read: Duration?, write: Duration?, idle: Duration?) {
        self.header = header
        self.read = read
        self.write = write
        self.idle = idle
    }

    /// Go: a zero `ReadHeaderTimeout` falls back to `ReadTimeout`; a zero `IdleTimeout` to
    /// `ReadTimeout`, then (Vault's documentation) to the header timeout; zero read and write
    /// timeouts mean none.
    package init(_ listener: ServerConfiguration.Listener) {
        func positive(_ duration: Duration) -> Duration? { duration > .zero ? duration : nil }
        read = positive(listener.readTimeout)
        header = positive(listener.readHeaderTimeout) ?? read
        write = positive(listener.writeTimeout)
        idle = positive(listener.idleTimeout) ?? read ?? header
    }
}
