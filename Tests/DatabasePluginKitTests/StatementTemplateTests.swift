import DatabasePluginKit
import Foundation
import Testing

@Suite struct StatementTemplateTests {
    @Test func substitutesNameUsernamePasswordAndExpiration() {
        let rendered = StatementTemplate.render(
            #"CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'; GRANT ro TO "{{username}}";"#,
            username: "v-root-ro-x1", password: "A1a-pw", expiration: "2026-11-21 06:00:00+00")
        #expect(rendered == #"CREATE ROLE "v-root-ro-x1" WITH LOGIN PASSWORD 'A1a-pw' VALID UNTIL '2026-11-21 06:00:00+00'; GRANT ro TO "v-root-ro-x1";"#)
    }

    @Test func leavesPlaceholdersWithoutValuesAndUnknownOnesAlone() {
        let rendered = StatementTemplate.render("{{name}} {{password}} {{expiration}} {{other}}", username: "u")
        #expect(rendered == "u {{password}} {{expiration}} {{other}}")
    }

    @Test func allowsSpacesInsideBraces() {
        #expect(StatementTemplate.render("DROP ROLE {{ name }}", username: "u") == "DROP ROLE u")
    }

    @Test func doesNotExpandPlaceholdersInsideSubstitutedValues() {
        let rendered = StatementTemplate.render("{{password}}/{{name}}", username: "u", password: "{{name}}")
        #expect(rendered == "{{name}}/u")
    }

    @Test func handlesUnclosedBracesAndNonASCII() {
        #expect(StatementTemplate.render("a {{name", username: "u") == "a {{name")
        #expect(StatementTemplate.render("é{{name}}ü {{", username: "ß") == "éßü {{")
        #expect(StatementTemplate.render("", username: "u") == "")
    }

    @Test func expirationFormats() {
        let date = Date(timeIntervalSince1970: 1_795_240_800.75)
        #expect(ExpirationFormat.rfc3339(date) == "2026-11-21T06:00:00Z")
        #expect(ExpirationFormat.postgreSQL(date) == "2026-11-21 06:00:00+00")
        #expect(ExpirationFormat.postgreSQL(Date(timeIntervalSince1970: 4_102_444_799)) == "2099-12-31 23:59:59+00")
    }
}
