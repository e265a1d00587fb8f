package import CPosixSpawn
import Foundation
package import NIOCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// How a child process ended.
package enum ChildExitStatus: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    init(waitStatus status: Int32) {
        // The WIFEXITED/WEXITSTATUS macros are not imported into Swift.
        let signal = status & 0x7f
        self = signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
    }

    package var description: String {
        switch self {
        case .exited(let code): return "exited with status \(code)"
        case .signaled(let signal): return "killed by signal \(signal)"
        }
    }
}

/// A spawned child with pipes on its stdin, stdout and stderr. A dedicated thread waits for its
/// exit and reaps it, so the child can never stay a zombie; `kill` is race-free against pid reuse
/// because the waiter only reaps (under the lock) after observing the exit without reaping.
///
/// The child leads its own process group (pgid == pid), and every signal goes to the whole group:
/// whatever the plugin started (a shell script's `sleep`, a worker) dies with it. When the child
/// exits, on its own or killed, the waiter SIGKILLs what is left of the group before reaping: the
/// unreaped leader keeps the group id from being reused, so the signal cannot hit a stranger.
/// A descendant that leaves the group (setsid/setpgid, i.e. daemonises) escapes this on purpose.
/// Side effect: SIGINT/SIGTERM sent to the server's terminal group no longer reach plugins
/// directly; that is fine, they exit on EOF on stdin when the server goes (the protocol's contract).
package final class ChildProcess: Sendable {
    package let pid: pid_t
    /// Write end of the child's stdin, read ends of its stdout and stderr (owned by the caller).
    package let stdinFD: CInt
    package let stdoutFD: CInt
    package let stderrFD: CInt
    /// Completed once the child has exited and been reaped.
    package let exit: EventLoopFuture<ChildExitStatus>
    private let reaped: ReapedFlag

    /// Shared by the process object and its waiter thread.
    private final class ReapedFlag: Sendable {
        let value = Mutex(false)
    }

    private init(pid: pid_t, fds: (CInt, CInt, CInt), exit: EventLoopFuture<ChildExitStatus>, reaped: ReapedFlag) {
        self.pid = pid
        (self.stdinFD, self.stdoutFD, self.stderrFD) = fds
        self.exit = exit
        self.reaped = reaped
    }

    /// Starts `path` with exactly `environment` and exactly descriptors 0, 1 and 2 (no inheritance
    /// beyond what the caller passes). `argv0` defaults to `path`.
    package static func spawn(
        path: String, argv0: String? = nil, arguments: [String], environment: [String], eventLoop: any EventLoop
    ) async throws -> ChildProcess {
        let stdin = try makePipe()
        let stdout: (read: CInt, write: CInt)
        let stderr: (read: CInt, write: CInt)
        do { stdout = try makePipe() } catch {
            closeAll(stdin.read, stdin.write)
            throw error
        }
        do { stderr = try makePipe() } catch {
            closeAll(stdin.read, stdin.write, stdout.read, stdout.write)
            throw error
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // dup2 clears O_CLOEXEC on the target. Then every descriptor from 3 up is closed: the host's
        // listening socket, client connections, epoll descriptors and files are not all O_CLOEXEC
        // (a library or Foundation may open them without it), and a plugin must get none of them.
        posix_spawn_file_actions_adddup2(&actions, stdin.read, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout.write, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr.write, 2)
        let closing = custos_spawn_file_actions_addclosefrom(&actions, 3)
        guard closing == 0 else {
            closeAll(stdin.read, stdin.write, stdout.read, stdout.write, stderr.read, stderr.write)
            throw PluginHostError(.spawnFailed, "cannot prepare the plugin's descriptors (errno \(closing))")
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // NIO ignores SIGPIPE in the host; the plugin gets the default disposition and an empty mask.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        // Its own process group (0: the group id is the child's pid), so it can be killed as one.
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

        let argv = ([argv0 ?? path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        var result = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        // The plugin runs from a copy written just before (see `VerifiedExecutable`). A child that
        // another thread forked meanwhile holds our write descriptor to it until that child execs or
        // closes it, and the kernel refuses to execute a file open for writing (ETXTBSY). The window
        // is short but a loaded machine may stretch it: try again, 1 ms to 0.5 s apart (1 s in all).
        var delay = Duration.milliseconds(1)
        while result == ETXTBSY && delay <= .milliseconds(512) {
            try? await Task.sleep(for: delay)
            delay *= 2
            result = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        }
        closeAll(stdin.read, stdout.write, stderr.write)
        guard result == 0 else {
            closeAll(stdin.write, stdout.read, stderr.read)
            throw PluginHostError(.spawnFailed, "cannot start the plugin process (errno \(result))")
        }

        let reaped = ReapedFlag()
        let childPID = pid
        let promise = eventLoop.makePromise(of: ChildExitStatus.self)
        let waiter = Thread {
            var info = siginfo_t()
            // Wait for the exit without reaping; reap under the lock `kill` takes.
            while waitid(P_PID, id_t(childPID), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
            let status: Int32 = reaped.value.withLock { reaped in
                // No orphan outlives the plugin; the zombie leader still pins the group id.
                _ = Glibc.kill(-childPID, SIGKILL)
                var status: Int32 = 0
                while waitpid(childPID, &status, 0) < 0 && errno == EINTR {}
                reaped = true
                return status
            }
            promise.succeed(ChildExitStatus(waitStatus: status))
        }
        waiter.name = "custos-plugin-reaper-\(pid)"
        waiter.start()
        return ChildProcess(
            pid: pid, fds: (stdin.write, stdout.read, stderr.read), exit: promise.futureResult, reaped: reaped)
    }

    /// True once the child has exited and been reaped.
    package var isReaped: Bool {
        reaped.value.withLock { $0 }
    }

    /// Sends `signal` to the child's whole process group unless the child has already been reaped
    /// (its pid, hence the group id, may belong to another process; the waiter has then killed the
    /// rest of the group already).
    package func kill(_ signal: Int32 = SIGKILL) {
        reaped.value.withLock { reaped in
            if !reaped { _ = Glibc.kill(-pid, signal) }
        }
    }

    private static func makePipe() throws -> (read: CInt, write: CInt) {
        var fds: [CInt] = [0, 0]
        // O_CLOEXEC atomically: another thread may spawn a child between pipe() and fcntl().
        guard systemPipe2(&fds, O_CLOEXEC) == 0 else {
            throw PluginHostError(.spawnFailed, "cannot create a pipe for the plugin (errno \(errno))")
        }
        return (fds[0], fds[1])
    }

    private static func closeAll(_ fds: CInt...) {
        for fd in fds { close(fd) }
    }
}

/// `pipe2(2)`: Glibc's module map hides it behind _GNU_SOURCE.
@_silgen_name("pipe2")
private func systemPipe2(_ fds: UnsafeMutablePointer<CInt>, _ flags: CInt) -> CInt
