import Foundation
import Testing
@testable import CustosCore

/// Examples from Vault's "Username templating" docs page and the expectations
/// of Vault's own Go tests for sdk/helper/template, rendered with the docs'
/// assumptions: 2009-02-13 23:31:30 UTC (unix 1234567890) and random characters
/// that are the alphabet in order.
@Suite("Vault documentation and test vectors")
struct VaultDocsTests {
    @Test("basic example: fields joined by text")
    func basicExample() throws {
        #expect(try render("{{.DisplayName}}_{{.RoleName}}") == "token-with-display-name_my_custom_database_role")
    }

    @Test("spaces inside the braces are optional")
    func optionalSpaces() throws {
        #expect(try render("{{ .DisplayName }}") == "token-with-display-name")
        #expect(try render("{{.DisplayName}}") == "token-with-display-name")
    }

    @Test("custom functions example (Go's output, see note)")
    func customFunctionsExample() throws {
        // The docs print "..._2009_02_13T11_31_30Z_0700", which no Go layout
        // "2006_01_02T15_04_05Z" can produce: 15 is the 24-hour clock and a lone Z
        // is literal. Go (and Custos) print 23_31_30Z.
        let template = #"FOO_{{.DisplayName | replace "-" "_" | uppercase}}_{{.RoleName | replace "-" "_" | uppercase}}_{{timestamp "2006_01_02T15_04_05Z" | replace "-" "_"}}"#
        #expect(try render(template) == "FOO_TOKEN_WITH_DISPLAY_NAME_MY_CUSTOM_DATABASE_ROLE_2009_02_13T23_31_30Z")
    }

    @Test("truncating to a maximum length")
    func truncatingExample() throws {
        let template = #"{{printf "v_%s_%s_%s_%s" (.DisplayName | truncate 8) (.RoleName | truncate 8) (random 20) (unix_time) | truncate 45}}"#
        #expect(try render(template) == "v_token-wi_my_custo_abcdefghijklmnopqrst_1234")
    }

    @Test("truncate_sha256 hashes the removed characters")
    func truncateSHA256Example() throws {
        let context = Fixtures.context(["FieldName": "abcdefghijklmnopqrstuvwxyz"])
        #expect(try render("{{.FieldName | truncate_sha256 20}}", context) == "abcdefghijkl872808ff")
    }

    @Test("per-function examples from the docs")
    func functionExamples() throws {
        #expect(try render("{{.RoleName | uppercase}}") == "MY_CUSTOM_DATABASE_ROLE")
        #expect(try render("{{.DisplayName | lowercase}}") == "token-with-display-name")
        #expect(try render("{{.DisplayName | truncate 10}}") == "token-with")
        #expect(try render(#"{{printf "%s-%s" .DisplayName .RoleName}}"#) == "token-with-display-name-my_custom_database_role")
        #expect(try render("{{ .DisplayName | truncate_sha256 10 }}") == "to4a9f58fd")  // sha256("ken-with-display-name")
        #expect(try render("{{random 20}}") == "abcdefghijklmnopqrst")
        #expect(try render("{{unix_time}}") == "1234567890")
        #expect(try render("{{unix_time_millis}}") == "1234567890000")
        #expect(try render(#"{{timestamp "2006-01-02T15:04:05Z"}}"#) == "2009-02-13T23:31:30Z")
        #expect(try render("{{.DisplayName | sha256}}") == "a1cadb1d18c0a74d987eefae98e5c80d0a8ff5deafbb9fcfc67022105a5b7683")
        #expect(try render("{{.DisplayName | base64}}") == "dG9rZW4td2l0aC1kaXNwbGF5LW5hbWU=")
    }

    @Test("the docs' unquoted replace example is a parse error, as in Go")
    func unquotedReplaceExample() {
        // `{{.FieldName | replace - _}}`: `-` is a malformed number, `_` an unknown function.
        #expect(parseFailure("{{.FieldName | replace - _}}")?.code == .syntax)
    }

    @Test("Vault's TestGenerate: every builtin on one string")
    func vaultGenerateVector() throws {
        let template = """
            {{.String | truncate 10}}
            {{.String | uppercase}}
            {{.String | lowercase}}
            {{.String | replace " " "."}}
            {{.String | sha256}}
            {{.String | base64}}
            {{.String | truncate_sha256 20}}
            """
        let expected = """
            Some strin
            SOME STRING WITH MULTIPLE CAPITALS LETTERS
            some string with multiple capitals letters
            Some.string.with.Multiple.Capitals.LETTERS
            da9872dd96609c72897defa11fe81017a62c3f44339d9d3b43fe37540ede3601
            U29tZSBzdHJpbmcgd2l0aCBNdWx0aXBsZSBDYXBpdGFscyBMRVRURVJT
            Some string 6841cf80
            """
        let context = Fixtures.context(["String": "Some string with Multiple Capitals LETTERS"])
        #expect(try render(template, context) == expected)
    }

    @Test("Vault's TestGenerate: plain text and no data")
    func plainText() throws {
        #expect(try render("this is a template", Fixtures.context([:])) == "this is a template")
    }

    @Test("Vault's TestTruncateSHA256 vectors", arguments: [
        (9, "t4bb25641"), (12, "this704cd12b"), (22, "thisisareallyl7f978be6"),
        (23, "thisisareallylongstring"), (24, "thisisareallylongstring"), (100, "thisisareallylongstring"),
    ])
    func truncateSHA256Vectors(length: Int, expected: String) throws {
        let context = Fixtures.context(["S": "thisisareallylongstring"])
        #expect(try render("{{.S | truncate_sha256 \(length)}}", context) == expected)
    }

    @Test("Vault's TestTruncate vectors", arguments: [
        (1, "f"), (5, "fooba"), (8, "foobarba"), (9, "foobarbaz"), (10, "foobarbaz"), (100, "foobarbaz"),
    ])
    func truncateVectors(length: Int, expected: String) throws {
        #expect(try render("{{.S | truncate \(length)}}", Fixtures.context(["S": "foobarbaz"])) == expected)
    }

    @Test("Vault's TestSHA256 vectors")
    func sha256Vectors() throws {
        let cases = [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("foobar", "c3ab8ff13720e8ad9047dd39466b3c8974e592c2fa383d4a3960714caef0c4f2"),
            ("mystring", "bd3ff47540b31e62d4ca6b07794e5a886b0f655fc322730f26ecd65cc7dd5c90"),
        ]
        for (input, expected) in cases {
            #expect(try render("{{.S | sha256}}", Fixtures.context(["S": input])) == expected)
        }
    }

    @Test("Vault's TestReplace vectors")
    func replaceVectors() throws {
        let cases: [(String, String, String, String)] = [
            ("", "", "", ""), ("foobar", ".", "_", "foobar"), ("foo.bar", ".", "_", "foo_bar"),
            ("foo.bar.baz", ".", "_", "foo_bar_baz"), ("foo.bar", ".", "", "foobar"), ("foobarbaz", "bar", "_", "foo_baz"),
        ]
        for (input, find, replacement, expected) in cases {
            let template = "{{.S | replace \"\(find)\" \"\(replacement)\"}}"
            #expect(try render(template, Fixtures.context(["S": input])) == expected)
        }
    }
}

/// The shipped defaults, rendered with the docs' data, time and random characters.
@Suite("Default templates")
struct DefaultTemplateTests {
    @Test("PostgreSQL default: v-<8>-<8>-<20 random>-<unix time>, at most 63")
    func postgreSQL() throws {
        let name = try render(UsernameTemplate.Defaults.postgreSQL)
        #expect(name == "v-token-wi-my_custo-abcdefghijklmnopqrst-1234567890")
    }

    @Test("the default's shape is cut to 63 bytes when the parts are longer")
    func postgreSQLLimit() throws {
        // The default itself cannot exceed 63 (8-byte fields); wider fields show the final cut.
        let template = #"{{ printf "v-%s-%s-%s-%s" (.DisplayName | truncate 30) (.RoleName | truncate 30) (random 20) (unix_time) | truncate 63 }}"#
        let name = try render(template)
        #expect(name.utf8.count == 63)
        #expect(name == "v-token-with-display-name-my_custom_database_role-abcdefghijklm")
    }

    @Test("PostgreSQL default with real randomness has the documented shape")
    func postgreSQLShape() throws {
        let template = try UsernameTemplate(UsernameTemplate.Defaults.postgreSQL)
        let context = UsernameTemplate.Context(data: Fixtures.docsData)
        for _ in 0..<50 {
            let name = try template.render(context)
            let parts = name.split(separator: "-", omittingEmptySubsequences: false)
            #expect(name.utf8.count <= 63)
            #expect(parts.count == 6)  // "v", "token", "wi", role, random, time
            #expect(parts[4].count == 20 && parts[4].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
            #expect(Int(parts[5]) != nil)
        }
    }

    @Test("other engines' defaults")
    func otherDefaults() throws {
        #expect(try render(UsernameTemplate.Defaults.redshift) == "v-token-wi-my_custo-abcdefghijklmnopqrst-1234567890")
        #expect(try render(UsernameTemplate.Defaults.mySQL) == "v-token-with-my_custom_-abcdefgh")
        #expect(try render(UsernameTemplate.Defaults.mySQLLegacy) == "v-my_c-abcdefghi")
        #expect(try render(UsernameTemplate.Defaults.msSQL) == "v-token-with-display-n-my_custom_database_r-abcdefghijklmnopqrst-1234567890")
    }

    @Test("defaults reference exactly the database engine's fields")
    func defaultFields() throws {
        let fields: Set = [UsernameTemplate.Field.displayName, UsernameTemplate.Field.roleName]
        for text in [UsernameTemplate.Defaults.postgreSQL, UsernameTemplate.Defaults.redshift, UsernameTemplate.Defaults.mySQL, UsernameTemplate.Defaults.msSQL] {
            let template = try UsernameTemplate(text)
            #expect(template.referencedFields == fields)
            try template.validate(availableFields: fields)
        }
        #expect(try UsernameTemplate(UsernameTemplate.Defaults.mySQLLegacy).referencedFields == ["RoleName"])
    }
}
