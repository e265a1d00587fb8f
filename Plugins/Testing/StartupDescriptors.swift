#if canImport(Glibc)
import Glibc
#endif

/// The descriptors this process had when it started, listed from /proc/self/fd before anything
/// else in the process opens one (the host's tests check what a plugin inherits).
enum StartupDescriptors {
    /// Sorted; the descriptor the listing itself reads the directory through is left out.
    static func list() -> [Int32] {
        guard let directory = opendir("/proc/self/fd") else { return [] }
        defer { closedir(directory) }
        let own = dirfd(directory)
        var descriptors: [Int32] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            if let descriptor = Int32(name), descriptor != own { descriptors.append(descriptor) }
        }
        return descriptors.sorted()
    }
}
