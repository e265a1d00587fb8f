import Foundation

/// Reads a pipe to its end on a dedicated thread. Foundation's `readabilityHandler` on Linux
/// does not always report end-of-file, and a blocking read must not sit on one of the two
/// threads of Swift's cooperative pool; a plain thread per pipe has neither problem.
enum PipeReader {
    /// Calls `onChunk` for every chunk read, then `onEnd` once at end-of-file.
    static func drain(_ handle: FileHandle, onChunk: @escaping @Sendable (Data) -> Void, onEnd: @escaping @Sendable () -> Void) {
        let thread = Thread {
            let fd = handle.fileDescriptor
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    onChunk(Data(buffer[0..<count]))
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            try? handle.close()
            onEnd()
        }
        thread.name = "custos-testing-pipe-reader"
        thread.start()
    }
}
