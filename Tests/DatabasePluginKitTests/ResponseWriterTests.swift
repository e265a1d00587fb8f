@testable import DatabasePluginKit
import Foundation
import Testing

@Suite struct ResponseWriterTests {
    @Test func concurrentSendersProduceWholeLines() async throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let writer = ResponseWriter(fd: fds[1])
        let senders = 64
        await withTaskGroup(of: Void.self) { group in
            for sender in 0..<senders {
                group.addTask {
                    let line = "{\"id\":\(sender),\"padding\":\"\(String(repeating: "x", count: sender * 7))\"}\n"
                    writer.send(Array(line.utf8))
                }
            }
        }
        close(fds[1])
        let output = FileHandle(fileDescriptor: fds[0], closeOnDealloc: true).readDataToEndOfFile()
        let lines = String(decoding: output, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == senders)
        var seen = Set<Int>()
        for line in lines {
            let value = try JSONDecoder().decode(JSONValue.self, from: Data(line.utf8))
            let id = try #require(value["id"]?.intValue)
            #expect(value["padding"]?.stringValue?.count == id * 7)
            seen.insert(id)
        }
        #expect(seen == Set(0..<senders))
    }
}
