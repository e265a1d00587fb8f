import CustosTesting
import Foundation
import Testing

@testable import PluginHost

#if canImport(Glibc)
import Glibc
#endif

/// Private plugin copies that a dead server left in `$TMPDIR` are removed at the next start;
/// those of live servers, and anything that is not ours, stay.
@Suite struct StalePluginCopyTests {
    @Test func onlyCopiesNobodyHoldsAreRemoved() throws {
        let root = try TemporaryDirectory()
        let tmp = root.url.path
        let source = root.url.appendingPathComponent("plugin.sh").path
        try "#!/bin/sh\nexit 0\n".write(toFile: source, atomically: true, encoding: .utf8)
        let live = try VerifiedExecutable.copy(
            of: source, expectedSHA256: try FileChecksum.sha256Hex(ofFileAt: source), plugin: "p", temporaryDirectory: tmp)
        let liveDirectory = (live.path as NSString).deletingLastPathComponent

        func makeDirectory(_ name: String, ownerFile: Bool, ageSeconds: Int = 0) throws {
            let path = "\(tmp)/\(name)"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            try "copy".write(toFile: "\(path)/plugin", atomically: false, encoding: .utf8)
            if ownerFile { try "".write(toFile: "\(path)/.custos-owner", atomically: false, encoding: .utf8) }
            if ageSeconds > 0 {
                let then = Date().addingTimeInterval(-Double(ageSeconds))
                try FileManager.default.setAttributes([.modificationDate: then], ofItemAtPath: path)
            }
        }
        try makeDirectory("custos-plugin-dead01", ownerFile: true)  // its server died: the lock is free
        try makeDirectory("custos-plugin-old001", ownerFile: false, ageSeconds: 3600)  // no owner, long ago
        try makeDirectory("custos-plugin-new001", ownerFile: false)  // no owner yet: a launch under way
        try makeDirectory("another-tool-dir", ownerFile: true)
        // A link named like ours is never followed.
        let outside = try TemporaryDirectory()
        try "keep".write(to: outside.url.appendingPathComponent("file"), atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: "\(tmp)/custos-plugin-link01", withDestinationPath: outside.url.path)

        #expect(VerifiedExecutable.removeStale(in: tmp) == 2)
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: tmp))
        #expect(left == [
            "plugin.sh", (liveDirectory as NSString).lastPathComponent, "custos-plugin-new001", "another-tool-dir",
            "custos-plugin-link01",
        ])
        #expect(FileManager.default.fileExists(atPath: live.path))
        #expect(FileManager.default.fileExists(atPath: outside.url.appendingPathComponent("file").path))

        live.remove()
        #expect(!FileManager.default.fileExists(atPath: liveDirectory))
        #expect(VerifiedExecutable.removeStale(in: tmp) == 0)
    }

    /// The lock goes with its process, however it ends: here `kill -9` of a real holder.
    @Test func aKilledHoldersCopyIsRemoved() async throws {
        let root = try TemporaryDirectory()
        let tmp = root.url.path
        let directory = "\(tmp)/custos-plugin-held01"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        let owner = "\(directory)/.custos-owner"
        try "".write(toFile: owner, atomically: false, encoding: .utf8)
        // One process holds the lock (on its fd 9), as a server does: a line arrives once it is held.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/bin/sh")
        holder.arguments = ["-c", "exec 9<\"$0\" && flock -x 9 && echo locked && exec sleep 600", owner]
        let output = Pipe()
        holder.standardOutput = output
        try holder.run()
        let line = output.fileHandleForReading.availableData
        #expect(String(decoding: line, as: UTF8.self).hasPrefix("locked"))

        #expect(VerifiedExecutable.removeStale(in: tmp) == 0)
        #expect(FileManager.default.fileExists(atPath: directory))

        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        #expect(VerifiedExecutable.removeStale(in: tmp) == 1)
        #expect(!FileManager.default.fileExists(atPath: directory))
    }
}
