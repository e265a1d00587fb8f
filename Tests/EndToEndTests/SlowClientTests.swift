import CustosTesting
import Foundation
import Testing

/// Slow clients against a real server process: connection deadlines (Vault's `http_*` listener
/// timeouts) and the `max_connections` cap, which sheds connections that have sent no complete
/// header so that well-behaved clients are still answered.
@Suite("slow clients")
struct SlowClientTests {
    static let healthRequest = "GET /v1/sys/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"

    func server(in dir: TemporaryDirectory, listener: String, openFilesLimit: Int? = nil) async throws -> ServerProcess {
        let config = try dir.file("slow.hcl", contents: """
            storage "inmem" {}
            listener "tcp" {
              address     = "127.0.0.1:0"
              tls_disable = true
              \(listener)
            }
            log_level = "error"
            """)
        return try await ServerProcess.start(config: config, openFilesLimit: openFilesLimit)
    }

    /// 300 slow-loris connections against a cap of 64 under a 256-descriptor limit: before the
    /// fix the server ran out of descriptors, stopped accepting (spinning in accept) and never
    /// answered the health check; slow connections stayed open for the 300 s idle timeout.
    @Test func slowLorisConnectionsAreShedAndHealthIsStillAnswered() async throws {
        let dir = try TemporaryDirectory()
        let server = try await server(in: dir, listener: """
            http_read_header_timeout = "1s"
              max_connections          = 64
            """, openFilesLimit: 256)
        defer { Task { await server.stop() } }
        let address = server.address

        let outcome = try await RawConnection.offPool { () -> (slow: Int, closed: Int, health: Int?) in
            let start = ContinuousClock.now
            var slow: [RawConnection] = []
            for index in 0..<300 where ContinuousClock.now - start < .seconds(8) {
                guard let connection = try? RawConnection(address: address, timeout: .seconds(3)) else { continue }
                connection.send("GET /v1/sys/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow-\(index): ")
                slow.append(connection)
            }
            let probe = try RawConnection(address: address, timeout: .seconds(5))
            probe.send(Self.healthRequest)
            var health: RawHTTPResponse?
            // Trickle a byte to every slow connection each round; a round ends early when the
            // server answers or closes something.
            while ContinuousClock.now - start < .seconds(20) {
                for connection in slow where !connection.isClosed {
                    if !connection.drain() { connection.send("a") }
                }
                if health == nil { health = probe.nextResponse() }
                if health != nil && slow.allSatisfy(\.isClosed) { break }
                RawConnection.waitForActivity(slow + [probe], within: .milliseconds(100))
            }
            return (slow.count, slow.filter(\.isClosed).count, health?.status)
        }
        // Enough to exhaust the descriptors without the cap (a busy machine may drop a few SYNs
        // from the full backlog).
        #expect(outcome.slow >= 250, "only \(outcome.slow) slow connections were established")
        // Not initialised: Vault's sys/health answers 501.
        #expect(outcome.health == 501, "the health check was not answered while slow clients held the listener")
        #expect(outcome.closed == outcome.slow, "slow connections still open: \(outcome.slow - outcome.closed)")

        // The listener recovers completely.
        let after = try await VaultTestClient(address: address).request("GET", "sys/seal-status", useToken: false)
        #expect(after.status == 200)
    }

    /// Each deadline from when it starts: a trickled header is cut at http_read_header_timeout, a
    /// trickled body at http_read_timeout, and a kept-alive connection waits http_idle_timeout
    /// (not the header timeout) for its next request.
    @Test func headerBodyAndIdleDeadlines() async throws {
        let dir = try TemporaryDirectory()
        let server = try await server(in: dir, listener: """
            http_read_header_timeout = "1s"
              http_read_timeout        = 2
              http_idle_timeout        = "3000ms"
            """)
        defer { Task { await server.stop() } }
        let address = server.address

        let closedAfter = try await RawConnection.offPool { () -> (header: Duration?, body: Duration?, idle: Duration?, status: Int?) in
            let clock = ContinuousClock()
            let start = clock.now
            let header = try RawConnection(address: address)
            header.send("GET /v1/sys/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            let body = try RawConnection(address: address)
            body.send("POST /v1/secret/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n{")
            let idle = try RawConnection(address: address)
            idle.send(Self.healthRequest)
            let response = idle.responses(1, within: .seconds(5)).first
            let answered = clock.now

            var closed: [Int: ContinuousClock.Instant] = [:]
            let connections = [header, body, idle]
            while closed.count < 3 && clock.now - start < .seconds(10) {
                for (index, connection) in connections.enumerated() where closed[index] == nil {
                    if connection.drain() {
                        closed[index] = clock.now
                    } else if index < 2 {
                        connection.send(index == 0 ? "X" : " ")
                    }
                }
                RawConnection.waitForActivity(connections, within: .milliseconds(100))
            }
            return (closed[0].map { $0 - start }, closed[1].map { $0 - start }, closed[2].map { $0 - answered }, response?.status)
        }
        #expect(closedAfter.status == 501)
        let header = try #require(closedAfter.header, "a trickled header was never cut")
        #expect(header >= .milliseconds(900) && header < .seconds(5), "header cut after \(header)")
        let body = try #require(closedAfter.body, "a trickled body was never cut")
        #expect(body >= .milliseconds(1900) && body < .seconds(6), "body cut after \(body)")
        let idle = try #require(closedAfter.idle, "an idle connection was never closed")
        #expect(idle >= .milliseconds(2500) && idle < .seconds(7), "idle connection closed after \(idle)")
    }
}
