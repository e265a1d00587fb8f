import Testing
@testable import HCL

@Suite("HCL native syntax")
struct HCLSyntaxTests {
    @Test func everyValueKind() throws {
        let document = try HCLDocument.parseHCL("""
            text    = "hello"
            count   = 42
            negative = -17
            hex     = 0x1F
            neg_hex = -0x10
            ratio   = 1.5
            big     = -2.5e3
            exp     = 1e3
            avogadro = 6.02E+23
            yes     = true
            no      = false
            list    = ["a", 1, true, ["nested"], { k = "v" }]
            nested  = { inner = { deep = 1 } }
            max     = 9223372036854775807
            min     = -9223372036854775808
            """)
        let values = Dictionary(uniqueKeysWithValues: document.items.map { ($0.keys[0], $0.value) })
        #expect(values["text"] == .string("hello"))
        #expect(values["count"] == .int(42))
        #expect(values["negative"] == .int(-17))
        #expect(values["hex"] == .int(31))
        #expect(values["neg_hex"] == .int(-16))
        #expect(values["ratio"] == .float(1.5))
        #expect(values["big"] == .float(-2500))
        #expect(values["exp"] == .float(1000))
        #expect(values["avogadro"] == .float(6.02e23))
        #expect(values["yes"] == .bool(true))
        #expect(values["no"] == .bool(false))
        #expect(values["max"] == .int(.max))
        #expect(values["min"] == .int(.min))
        guard case .list(let list) = values["list"] else { Issue.record("list"); return }
        #expect(list.count == 5)
        #expect(Array(list.prefix(4)) == [.string("a"), .int(1), .bool(true), .list([.string("nested")])])
        guard case .object(let object) = list[4] else { Issue.record("object in list"); return }
        #expect(object.items.map(\.keys) == [["k"]])
        #expect(object.items.first?.value == .string("v"))

        guard case .object(let nested) = values["nested"],
              case .object(let inner) = nested.items.first?.value else { Issue.record("nested"); return }
        #expect(nested.items.first?.keys == ["inner"])
        #expect(inner.items.first?.keys == ["deep"])
        #expect(inner.items.first?.value == .int(1))
    }

    @Test func stringEscapesAndInterpolation() throws {
        #expect(try onlyValue(#"s = "a\nb\tc\rd\"e\\f""#) == .string("a\nb\tc\rd\"e\\f"))
        #expect(try onlyValue(#"s = "caf\u00e9 \U0001F600""#) == .string("café 😀"))
        #expect(try onlyValue(#"s = "\ud83d\ude00""#) == .string("😀"))
        #expect(try onlyValue(#"s = "${var.foo}-x""#) == .string("${var.foo}-x"))
        // Quotes inside ${ } do not end the string (HCL 1).
        #expect(try onlyValue(#"s = "${lookup(map, "key")}!""#) == .string(#"${lookup(map, "key")}!"#))
        #expect(try onlyValue(#"s = "$ alone and $$""#) == .string("$ alone and $$"))
        #expect(try onlyValue(#"s = "ünïcödé""#) == .string("ünïcödé"))
        #expect(try onlyValue(#"s = """#) == .string(""))
    }

    @Test func commentsOfAllThreeKinds() throws {
        let document = try HCLDocument.parseHCL("""
            # hash comment
            a = 1 # trailing hash
            // slash comment
            b = 2 // trailing slashes
            /* block
               comment over lines */
            c = /* inline */ 3
            d = "# not a comment // nor this /* nor this */"
            """)
        #expect(document.items.map(\.keys) == [["a"], ["b"], ["c"], ["d"]])
        #expect(document.items.map(\.value) == [
            .int(1), .int(2), .int(3), .string("# not a comment // nor this /* nor this */"),
        ])
    }

    @Test func listsWithTrailingCommasNewlinesAndComments() throws {
        let value = try onlyValue("""
            l = [
              "a", # first
              // second
              "b",
              /* third */ "c",
            ]
            """)
        #expect(value == .list([.string("a"), .string("b"), .string("c")]))
        #expect(try onlyValue("l = []") == .list([]))
        #expect(try onlyValue("l = [1,]") == .list([.int(1)]))
    }

    @Test func blocksLabelsAndKeys() throws {
        let document = try HCLDocument.parseHCL("""
            listener "tcp" { address = "127.0.0.1:8200" }
            a "b" "c" {}
            path "secret/*" {
              capabilities = ["read"]
            }
            bare label {}
            "quoted-key" = 1
            dotted.key-with_dash = 2
            object_value = { x = 1, y = 2 }
            """)
        #expect(document.items.map(\.keys) == [
            ["listener", "tcp"], ["a", "b", "c"], ["path", "secret/*"], ["bare", "label"],
            ["quoted-key"], ["dotted.key-with_dash"], ["object_value"],
        ])
        guard case .object(let body) = document.items[0].value else { Issue.record("block body"); return }
        #expect(body.items.first?.value == .string("127.0.0.1:8200"))
        #expect(document.items[1].value == .object(HCLObject(items: [], position: HCLPosition(line: 2, column: 11))))
        guard case .object(let pair) = document.items[6].value else { Issue.record("object value"); return }
        #expect(pair.items.map(\.value) == [.int(1), .int(2)])
    }

    @Test func itemsSeparatedByNewlinesCommasOrNothing() throws {
        let document = try HCLDocument.parseHCL("a = 1, b = 2\nc = 3 d = 4")
        #expect(document.items.map(\.keys) == [["a"], ["b"], ["c"], ["d"]])
    }

    @Test func repeatedBlocksAreAllKept() throws {
        let document = try HCLDocument.parseHCL("""
            listener "tcp" { address = "a" }
            listener "tcp" { address = "b" }
            """)
        #expect(document.items.count == 2)
        #expect(document.items.allSatisfy { $0.keys == ["listener", "tcp"] })
    }

    @Test func positionsOfKeysAndValues() throws {
        let document = try HCLDocument.parseHCL("a = 1\n  path \"x\" {\n    b = \"é\"\n  }\nc =\n [1]", filename: "f.hcl")
        #expect(document.position == HCLPosition(filename: "f.hcl", line: 1, column: 1))
        #expect(document.items[0].position.description == "f.hcl:1:1")
        #expect(document.items[0].valuePosition.description == "f.hcl:1:5")
        #expect(document.items[1].position.description == "f.hcl:2:3")
        #expect(document.items[1].valuePosition.description == "f.hcl:2:12")
        guard case .object(let body) = document.items[1].value else { Issue.record("body"); return }
        #expect(body.position.description == "f.hcl:2:12")
        #expect(body.items[0].position.description == "f.hcl:3:5")
        #expect(body.items[0].valuePosition.description == "f.hcl:3:9")
        #expect(document.items[2].valuePosition.description == "f.hcl:6:2")
    }

    @Test func byteOrderMarkAndCRLFLineEndings() throws {
        let document = try HCLDocument.parse("\u{FEFF}a = 1\r\nb = \"x\"\r\n")
        #expect(document.items.map(\.value) == [.int(1), .string("x")])
        #expect(document.items[1].position == HCLPosition(line: 2, column: 1))
    }

    @Test func emptyDocuments() throws {
        #expect(try HCLDocument.parse("").items.isEmpty)
        #expect(try HCLDocument.parse("  \n# only a comment\n").items.isEmpty)
        #expect(try HCLDocument.parse("{}").items.isEmpty)
    }
}
