import DatabasePluginKit
import Testing

@Suite struct LineFramerTests {
    private func drain(_ framer: inout LineFramer) -> [String] {
        var lines: [String] = []
        while let line = framer.nextLine() {
            lines.append(String(decoding: line, as: UTF8.self))
        }
        return lines
    }

    @Test func splitsSeveralLinesInOneChunk() throws {
        var framer = LineFramer()
        try framer.append(Array("a\nbb\n\nccc\n".utf8))
        #expect(drain(&framer) == ["a", "bb", "", "ccc"])
    }

    @Test func joinsLinesSplitAcrossChunks() throws {
        var framer = LineFramer()
        try framer.append(Array("{\"id\":".utf8))
        #expect(framer.nextLine() == nil)
        #expect(framer.pendingByteCount == 6)
        try framer.append(Array("1}\n{\"id".utf8))
        #expect(drain(&framer) == ["{\"id\":1}"])
        try framer.append(Array("\":2}\n".utf8))
        #expect(drain(&framer) == ["{\"id\":2}"])
        #expect(framer.pendingByteCount == 0)
    }

    @Test func byteByByteFeedingYieldsTheSameLines() throws {
        var framer = LineFramer()
        for byte in "one\ntwo\r\nthree\n".utf8 {
            try framer.append([byte])
        }
        #expect(drain(&framer) == ["one", "two", "three"])
    }

    @Test func acceptsNonContiguousSequences() throws {
        var framer = LineFramer()
        try framer.append("x\ny\n".utf8.lazy.map { $0 })
        #expect(drain(&framer) == ["x", "y"])
    }

    @Test func lineOfExactlyTheLimitIsAccepted() throws {
        var framer = LineFramer(maxLineBytes: 8)
        try framer.append(Array("12345678\n".utf8))
        #expect(drain(&framer) == ["12345678"])
    }

    @Test func oversizedCompleteLineThrowsAndIsDropped() {
        var framer = LineFramer(maxLineBytes: 8)
        #expect(throws: PluginError.self) {
            try framer.append(Array("ok\n123456789\nafter\n".utf8))
        }
        #expect(drain(&framer) == ["ok", "after"])
    }

    @Test func oversizedPartialLineThrowsBeforeItsNewlineArrives() throws {
        var framer = LineFramer(maxLineBytes: 8)
        try framer.append(Array("12345".utf8))
        let error = #expect(throws: PluginError.self) {
            try framer.append(Array("6789".utf8))
        }
        #expect(error?.kind == .invalidRequest)
        // The rest of the oversized line is skipped; the next line comes through.
        try framer.append(Array("more-of-the-long-line\nnext\n".utf8))
        #expect(drain(&framer) == ["next"])
    }

    @Test func defaultLimitIsFourMebibytes() {
        #expect(LineFramer().maxLineBytes == 4 * 1024 * 1024)
        #expect(pluginMaxMessageBytes == 4_194_304)
    }

    @Test func realLimitRejectsALineOneByteTooLong() throws {
        var framer = LineFramer()
        let exact = [UInt8](repeating: UInt8(ascii: "a"), count: pluginMaxMessageBytes)
        try framer.append(exact + [0x0A])
        #expect(framer.nextLine()?.count == pluginMaxMessageBytes)
        #expect(throws: PluginError.self) {
            try framer.append(exact + [UInt8(ascii: "a"), 0x0A])
        }
        #expect(framer.nextLine() == nil)
    }
}
