/// Quoting for the SQL the plugin writes itself (default statements), so a username or password
/// holding `"`, `'` or `\` cannot break out of its identifier or literal.
enum SQLQuoting {
    /// `"name"` with `"` doubled.
    static func identifier(_ name: String) -> String {
        "\"" + name.replacing("\"", with: "\"\"") + "\""
    }

    /// `'text'` with `'` doubled; written `E'...'` with `\` doubled when a backslash is present,
    /// so it means the same whatever `standard_conforming_strings` says (as PQescapeLiteral does).
    static func literal(_ text: String) -> String {
        let quoted = text.replacing("'", with: "''")
        guard text.contains("\\") else { return "'" + quoted + "'" }
        return "E'" + quoted.replacing("\\", with: "\\\\") + "'"
    }
}

/// The statements used when a call brings none.
enum DefaultStatements {
    static func renew(username: String, expiration: String) -> [String] {
        ["ALTER ROLE \(SQLQuoting.identifier(username)) VALID UNTIL \(SQLQuoting.literal(expiration))"]
    }

    static func setPassword(username: String, password: String) -> [String] {
        ["ALTER ROLE \(SQLQuoting.identifier(username)) WITH PASSWORD \(SQLQuoting.literal(password))"]
    }

    /// Thorough, cheap and safe in parallel: no login, end its sessions, hand its objects to the
    /// connection's user, drop its privileges everywhere in this database, drop it. Sent as ONE
    /// string (one round trip) inside the caller's transaction.
    static func revoke(username: String, terminateSessions: Bool) -> String {
        let role = SQLQuoting.identifier(username)
        var statements = ["ALTER ROLE \(role) NOLOGIN"]
        if terminateSessions {
            statements.append(
                "SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity "
                    + "WHERE usename = \(SQLQuoting.literal(username)) AND pid <> pg_catalog.pg_backend_pid()")
        }
        statements += [
            "REASSIGN OWNED BY \(role) TO CURRENT_USER",
            "DROP OWNED BY \(role)",
            "DROP ROLE IF EXISTS \(role)",
        ]
        return statements.joined(separator: "; ")
    }

    static let roleExistsQuery = "SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1"
}
