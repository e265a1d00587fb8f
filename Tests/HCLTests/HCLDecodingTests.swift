import Testing
@testable import HCL

@Suite("HCL decoding helpers")
struct HCLDecodingTests {
    /// The same two policy blocks in every spelling `blocks(named:labels:)` accepts.
    @Test(arguments: [
        #"path "a" { x = 1 } path "b" { x = 2 }"#,
        #"path = { "a" = { x = 1 }, "b" = { x = 2 } }"#,
        #"path { a { x = 1 } b { x = 2 } }"#,
        #"path { "a" { x = 1 } } path = { b = { x = 2 } }"#,
        #"{"path": {"a": {"x": 1}, "b": {"x": 2}}}"#,
        #"{"path": [{"a": {"x": 1}}, {"b": {"x": 2}}]}"#,
        #"{"path": {"a": {"x": 1}}, "path": {"b": {"x": 2}}}"#,
        #"{"path": {"a": [{"x": 1}], "b": {"x": 2}}}"#,
    ])
    func blocksFromEverySpelling(text: String) throws {
        let blocks = try HCLDocument.parse(text).blocks(named: "path", labels: 1)
        #expect(blocks.map(\.labels) == [["a"], ["b"]])
        #expect(try blocks.map { try $0.body.attribute("x")?.int() } == [1, 2])
    }

    @Test func twoLabelBlocksFromHCLAndJSON() throws {
        let hcl = try HCLDocument.parse(#"a "b" "c" { v = 1 }  a "b" { "d" { v = 2 } }"#).blocks(named: "a", labels: 2)
        let json = try HCLDocument.parse(#"{"a": {"b": {"c": {"v": 1}, "d": {"v": 2}}}}"#).blocks(named: "a", labels: 2)
        #expect(hcl.map(\.labels) == [["b", "c"], ["b", "d"]])
        #expect(json.map(\.labels) == hcl.map(\.labels))
        #expect(hcl.map { withoutPositions($0.body) } == json.map { withoutPositions($0.body) })
    }

    @Test func unlabelledBlocksAndLists() throws {
        let document = try HCLDocument.parse(#"{"telemetry": [{"a": 1}, {"a": 2}], "other": 1}"#)
        let blocks = try document.blocks(named: "telemetry", labels: 0)
        #expect(try blocks.map { try $0.body.attribute("a")?.int() } == [1, 2])
        #expect(try document.blocks(named: "missing", labels: 0).isEmpty)
    }

    @Test func blockPositionIsTheLabelItem() throws {
        let document = try HCLDocument.parse("{\n  \"path\": {\n    \"secret/*\": {}\n  }\n}")
        let block = try #require(try document.blocks(named: "path", labels: 1).first)
        #expect(block.position == HCLPosition(line: 3, column: 5))
    }

    @Test func wrongBlockShapesThrowAtTheItem() throws {
        func blockError(_ text: String, labels: Int = 1) -> HCLError? {
            do {
                _ = try HCLDocument.parse(text).blocks(named: "path", labels: labels)
                return nil
            } catch { return error }
        }
        let tooMany = try #require(blockError(#"path "a" "b" {}"#))
        #expect(tooMany.position == HCLPosition(line: 1, column: 1))
        #expect(tooMany.message.contains("1 label"))

        let notObject = try #require(blockError("path = 1"))
        #expect(notObject.position == HCLPosition(line: 1, column: 8))
        #expect(notObject.message == "expected an object keyed by the block's next label for path, got an integer")

        let labelIsString = try #require(blockError("{\"path\": {\"a\": \"read\"}}"))
        #expect(labelIsString.position == HCLPosition(line: 1, column: 16))
        #expect(labelIsString.message == "expected a block body for path \"a\", got a string")

        let listOfStrings = try #require(blockError(#"{"path": ["a"]}"#))
        #expect(listOfStrings.position == HCLPosition(line: 1, column: 10))

        let nestedTooDeep = try #require(blockError(#"path { a b { } }"#))
        #expect(nestedTooDeep.position == HCLPosition(line: 1, column: 8))
    }

    @Test func attributeLastWinsAndUniqueAttributeRejectsRepeats() throws {
        let document = try HCLDocument.parse("a = 1\nb = 2\na = 3\nblock \"a\" {}")
        #expect(document.attribute("a")?.value == .int(3))
        #expect(document.attribute("block") == nil)
        #expect(try document.uniqueAttribute("b")?.value == .int(2))
        #expect(try document.uniqueAttribute("zzz") == nil)
        #expect(throws: HCLError("duplicate key \"a\"", at: HCLPosition(line: 3, column: 1))) {
            try document.uniqueAttribute("a")
        }
    }

    @Test func checkKeysReportsTheFirstUnknownKey() throws {
        let document = try HCLDocument.parse("ui = true\n  lisener \"tcp\" {}\nbogus = 1", filename: "custos.hcl")
        try document.checkKeys(allowed: ["ui", "lisener", "bogus"])
        let error = try #require(throws: HCLError.self) {
            try document.checkKeys(allowed: ["ui", "listener"])
        }
        #expect(error.message == "unknown key \"lisener\"")
        #expect(error.description == "custos.hcl:2:3: unknown key \"lisener\"")
    }

    @Test func typedAccessors() throws {
        let document = try HCLDocument.parse("""
            s = "text"
            i = 10
            istr = "10"
            ifloat = 3.0
            b = true
            bstr = "false"
            bint = 1
            bzero = 0
            list = ["a", "b"]
            single = "only"
            obj = { k = "v" }
            """)
        func item(_ name: String) throws -> HCLItem { try #require(document.attribute(name)) }
        #expect(try item("s").string() == "text")
        #expect(try item("i").int() == 10)
        #expect(try item("istr").int() == 10)
        #expect(try item("ifloat").int() == 3)
        #expect(try item("b").bool() == true)
        #expect(try item("bstr").bool() == false)
        #expect(try item("bint").bool() == true)
        #expect(try item("bzero").bool() == false)
        #expect(try item("list").stringList() == ["a", "b"])
        #expect(try item("single").stringList() == ["only"])
        #expect(try item("obj").object().attribute("k")?.string() == "v")
    }

    @Test func typedAccessorsRejectWrongKindsAtTheValue() throws {
        let document = try HCLDocument.parse("""
            s = 1
            i = "ten"
            f = 1.5
            b = "maybe"
            l = ["a", 2]
            o = "x"
            huge = 1e300
            """)
        func failure(_ name: String, _ access: (HCLItem) throws -> Void) throws -> HCLError {
            let item = try #require(document.attribute(name))
            return try #require(throws: HCLError.self) { try access(item) }
        }
        let string = try failure("s") { _ = try $0.string() }
        #expect(string.message == "expected a string for s, got an integer")
        #expect(string.position == HCLPosition(line: 1, column: 5))
        #expect(try failure("i") { _ = try $0.int() }.position == HCLPosition(line: 2, column: 5))
        #expect(try failure("f") { _ = try $0.int() }.message.contains("fractional"))
        #expect(try failure("huge") { _ = try $0.int() }.position == HCLPosition(line: 7, column: 8))
        #expect(try failure("b") { _ = try $0.bool() }.position == HCLPosition(line: 4, column: 5))
        #expect(try failure("l") { _ = try $0.stringList() }.message.contains("an integer"))
        #expect(try failure("o") { _ = try $0.object() }.message == "expected an object for o, got a string")
    }
}
