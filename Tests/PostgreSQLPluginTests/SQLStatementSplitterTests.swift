import DatabasePluginKit
import Testing

@Suite struct SQLStatementSplitterTests {
    @Test func splitsOnSemicolonsAndDropsEmptyStatements() {
        #expect(SQLStatementSplitter.split("CREATE ROLE a; GRANT x TO a;;  \n ; ") == ["CREATE ROLE a", "GRANT x TO a"])
        #expect(SQLStatementSplitter.split("SELECT 1") == ["SELECT 1"])
        #expect(SQLStatementSplitter.split("  ;\n;") == [])
    }

    @Test func keepsSemicolonsInsideStringLiterals() {
        let text = "CREATE ROLE \"a\" PASSWORD 'p;w''d;'; SELECT 2"
        #expect(SQLStatementSplitter.split(text) == ["CREATE ROLE \"a\" PASSWORD 'p;w''d;'", "SELECT 2"])
    }

    @Test func escapeStringsUseBackslashes() {
        // In E'...' a backslash escapes the quote; in a standard string it does not.
        #expect(SQLStatementSplitter.split(#"SELECT E'a\';b'; SELECT 2"#) == [#"SELECT E'a\';b'"#, "SELECT 2"])
        #expect(SQLStatementSplitter.split(#"SELECT e'\\'; SELECT 2"#) == [#"SELECT e'\\'"#, "SELECT 2"])
        #expect(SQLStatementSplitter.split(#"SELECT 'a\'; SELECT 2"#) == [#"SELECT 'a\'"#, "SELECT 2"])
        // An identifier ending in e before a quote is not an E'' prefix.
        #expect(SQLStatementSplitter.split(#"SELECT name'\'; SELECT 2"#) == [#"SELECT name'\'"#, "SELECT 2"])
    }

    @Test func keepsSemicolonsInsideQuotedIdentifiers() {
        #expect(SQLStatementSplitter.split(#"CREATE ROLE "a;""b"; DROP ROLE x"#) == [#"CREATE ROLE "a;""b""#, "DROP ROLE x"])
    }

    @Test func dollarQuotesWithAndWithoutTags() {
        let doBlock = """
            DO $$
            BEGIN
              CREATE ROLE "{{name}}";
              EXECUTE 'GRANT x TO y';
            END
            $$;
            GRANT SELECT ON t TO "{{name}}"
            """
        let parts = SQLStatementSplitter.split(doBlock)
        #expect(parts.count == 2)
        #expect(parts[0].hasPrefix("DO $$") && parts[0].hasSuffix("$$"))
        #expect(parts[1] == #"GRANT SELECT ON t TO "{{name}}""#)

        let tagged = "SELECT $fn$ a; $$ still inside; $fn$; SELECT $x$;$x$"
        #expect(SQLStatementSplitter.split(tagged) == ["SELECT $fn$ a; $$ still inside; $fn$", "SELECT $x$;$x$"])
        // $1 and identifiers containing $ are not dollar quotes.
        #expect(SQLStatementSplitter.split("SELECT $1; SELECT a$b$; SELECT 3") == ["SELECT $1", "SELECT a$b$", "SELECT 3"])
    }

    @Test func comments() {
        let text = """
            -- a comment; not a split
            CREATE ROLE a; /* block; /* nested; */ still comment; */ GRANT b TO a;
            -- only a comment;
            """
        #expect(SQLStatementSplitter.split(text) == [
            "-- a comment; not a split\nCREATE ROLE a",
            "/* block; /* nested; */ still comment; */ GRANT b TO a",
        ])
    }

    @Test func unterminatedQuoteKeepsTheRestTogether() {
        #expect(SQLStatementSplitter.split("SELECT 'a; SELECT 2") == ["SELECT 'a; SELECT 2"])
        #expect(SQLStatementSplitter.split("SELECT $q$ a; b") == ["SELECT $q$ a; b"])
    }
}
