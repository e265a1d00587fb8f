import Hummingbird
import HummingbirdCore
import HummingbirdTLS
package import Logging
import NIOCore
import NIOSSL
package import ServiceLifecycle

/// One `listener "tcp"` block: an HTTP(S) server in front of the core.
package enum HTTPListener {
    package struct TLSSetupError: Error, CustomStringConvertible, Sendable {
        package var description: String
    }

    /// Builds the listener's service. `onRunning` receives the bound port (useful with port 0).
    package static func make(
        application: VaultApplication,
        listener: ServerConfiguration.Listener,
        logger: Logger,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> any Service {
        let server: HTTPServerBuilder
        if listener.tlsDisable {
            server = HTTPServerBuilder { application.connection($0) }
        } else {
            let tls = try tlsConfiguration(listener)
            server = HTTPServerBuilder { try TLSChannel(application.connection($0), tlsConfiguration: tls) }
        }
        return Application(
            responder: application.responder,
            server: server,
            configuration: ApplicationConfiguration(address: .hostname(listener.host, port: listener.port), serverName: nil),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? listener.port) },
            logger: logger
        )
    }

    static func tlsConfiguration(_ listener: ServerConfiguration.Listener) throws -> TLSConfiguration {
        guard let certFile = listener.tlsCertFile, let keyFile = listener.tlsKeyFile else {
            throw TLSSetupError(description: "a TLS listener needs tls_cert_file and tls_key_file")
        }
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certFile)
        } catch {
            throw TLSSetupError(description: "cannot load tls_cert_file \(certFile): not a readable PEM certificate")
        }
        guard !chain.isEmpty else { throw TLSSetupError(description: "tls_cert_file \(certFile) holds no certificate") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
        } catch {
            throw TLSSetupError(description: "cannot load tls_key_file \(keyFile): not a readable PEM private key")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        return configuration
    }
}
