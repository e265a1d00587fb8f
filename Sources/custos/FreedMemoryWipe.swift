import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Swift frees `String`s, arrays and library buffers (request bodies, JSON text, swift-crypto's
/// AES-GCM contexts, which hold the expanded barrier key) without clearing them, so a memory
/// dump taken after `sys/seal` could still show keys, tokens and secret values. glibc can
/// overwrite every freed block (`malloc.perturb`) if its per-thread cache, which skips that, is
/// off (`tcache_count=0`); both are only read at process start, so the server re-executes itself
/// once with them set. `CUSTOS_MEMORY_WIPE=0` opts out (it costs some allocation speed).
enum FreedMemoryWipe {
    static let tunables = "glibc.malloc.perturb=165:glibc.malloc.tcache_count=0"

    /// Returns only when the wipe is in force, opted out, or the re-exec failed (then the server
    /// runs as before, and says so).
    static func ensure() {
        #if os(Linux)
        let environment = ProcessInfo.processInfo.environment
        if environment["CUSTOS_MEMORY_WIPE"] == "0" { return }
        let current = environment["GLIBC_TUNABLES"] ?? ""
        if current.contains("glibc.malloc.perturb=") { return }
        setenv("GLIBC_TUNABLES", current.isEmpty ? tunables : current + ":" + tunables, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Only reached when exec failed: keep serving, without the wipe.
        unsetenv("GLIBC_TUNABLES")
        if !current.isEmpty { setenv("GLIBC_TUNABLES", current, 1) }
        FileHandle.standardError.write(Data("warning: could not re-execute with freed-memory wiping; continuing without it\n".utf8))
        #endif
    }
}
