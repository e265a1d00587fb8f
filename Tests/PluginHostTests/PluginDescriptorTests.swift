import DatabasePluginProtocol
import Foundation
import Testing

@testable import PluginHost

#if canImport(Glibc)
import Glibc
#endif

/// A plugin starts with stdin, stdout and stderr and nothing else: none of the server's sockets,
/// pipes or files reaches it, whether or not they were opened close-on-exec.
@Suite struct PluginDescriptorTests {
    @Test func pluginInheritsOnlyTheStandardDescriptors() async throws {
        // Made without O_CLOEXEC, as a library in the server may make one (plain pipe(2)).
        var leaked: [CInt] = [-1, -1]
        try #require(pipe(&leaked) == 0)
        defer {
            close(leaked[0])
            close(leaked[1])
        }
        try #require(fcntl(leaked[0], F_GETFD) & FD_CLOEXEC == 0)

        let host = try HostFixture()
        let client = try await host.register("fds")
        // The test plugin lists /proc/self/fd first thing in main, leaving out its own listing's descriptor.
        let report = try await client.newUser(newUserRequest("c", "fds")).username
        #expect(report == "fds=0,1,2")
        await host.supervisor.shutdown()
    }
}
