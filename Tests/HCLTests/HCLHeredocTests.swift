import Testing
@testable import HCL

@Suite("HCL heredocs")
struct HCLHeredocTests {
    @Test func plainHeredocKeepsTextAndFinalNewline() throws {
        #expect(try onlyValue("s = <<EOF\nhello\n  world\nEOF\n") == .string("hello\n  world\n"))
        #expect(try onlyValue("s = <<EOF\nno trailing newline after anchor\nEOF") == .string("no trailing newline after anchor\n"))
        #expect(try onlyValue("s = <<EOF\nEOF\n") == .string(""))
    }

    @Test func anchorMustBeAloneOnItsLine() throws {
        // "EOFX" and "x EOF" are content; an indented anchor closes the plain form too (HCL 1).
        #expect(try onlyValue("s = <<EOF\nEOFX\nx EOF\n  EOF\n") == .string("EOFX\nx EOF\n"))
    }

    @Test func indentedHeredocStripsTheClosingAnchorsIndentation() throws {
        let text = """
            policy = <<-EOT
                path "a" {
                  capabilities = ["read"]
                }
                EOT
            after = 1
            """
        let document = try HCLDocument.parseHCL(text)
        #expect(document.items[0].value == .string("path \"a\" {\n  capabilities = [\"read\"]\n}\n"))
        #expect(document.items[1].keys == ["after"])
        #expect(document.items[1].position == HCLPosition(line: 6, column: 1))
    }

    @Test func indentedHeredocWithBlankLines() throws {
        #expect(try onlyValue("s = <<-EOT\n    one\n\n    two\n  \n    EOT\n") == .string("one\n\ntwo\n\n"))
    }

    @Test func indentedHeredocLessIndentedLineKeepsTextAsWritten() throws {
        // A line indented less than the anchor switches stripping off, as in HCL 1.
        #expect(try onlyValue("s = <<-EOT\n    one\n  two\n    EOT\n") == .string("    one\n  two\n"))
    }

    @Test func indentedHeredocWithAnchorAtColumnOne() throws {
        #expect(try onlyValue("s = <<-EOT\n  kept\nEOT\n") == .string("  kept\n"))
    }

    @Test func heredocWithCRLF() throws {
        #expect(try onlyValue("s = <<EOF\r\nline\r\nEOF\r\n") == .string("line\r\n"))
    }

    @Test func heredocInsideListAndFollowedByItems() throws {
        let document = try HCLDocument.parseHCL("l = [<<EOF\nx\nEOF\n, \"y\"]\nz = 2\n")
        #expect(document.items[0].value == .list([.string("x\n"), .string("y")]))
        #expect(document.items[1].value == .int(2))
    }

    @Test func heredocContentIsNotParsed() throws {
        #expect(try onlyValue("s = <<END\n\"unbalanced { /* # \\q\nEND\n") == .string("\"unbalanced { /* # \\q\n"))
    }
}
