/// A failure talking to PostgreSQL. Carries PostgreSQL's primary message and SQLSTATE only:
/// never the statement (it may hold a password) and never the conninfo.
struct PostgreSQLFailure: Error, Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// Could not open a connection (bad password, unreachable host, SSL required, ...).
        case connect
        /// The connection string itself does not parse.
        case malformedConnectionString
        /// The server answered a statement with an error.
        case server
        /// The connection died under a statement (server restarted, backend terminated).
        case connectionLost
    }

    var kind: Kind
    var sqlState: String?
    var message: String

    init(_ kind: Kind, sqlState: String? = nil, message: String) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
    }

    /// Class 08 (connection exception) and 57P01 (admin_shutdown: the backend was terminated)
    /// mean the pooled connection is gone; a fresh one may succeed.
    var isConnectionLoss: Bool {
        if kind == .connectionLost { return true }
        guard let sqlState else { return false }
        return sqlState.hasPrefix("08") || sqlState == "57P01" || sqlState == "57P02" || sqlState == "57P03"
    }

    /// Serialisation failure, deadlock, and XX000 (PostgreSQL reports concurrent catalog updates,
    /// "tuple concurrently updated", as an internal error; other XX000s are rare enough that a few
    /// retries cost nothing).
    var isTransientConflict: Bool {
        sqlState == "40001" || sqlState == "40P01" || sqlState == "XX000"
    }

    /// 55P03 lock_not_available: `lock_timeout` expired (or NOWAIT found the lock taken).
    var isLockTimeout: Bool { sqlState == "55P03" }

    /// 42704 undefined_object: e.g. "role ... does not exist".
    var isUndefinedObject: Bool { sqlState == "42704" }

    /// "message (SQLSTATE xxxxx)" for errors handed back to the host.
    var description: String {
        if let sqlState { return "\(message) (SQLSTATE \(sqlState))" }
        return message
    }
}

/// Removes secrets from text that may echo them (a libpq parse error quoting the connection
/// string, a syntax error quoting a mis-quoted password).
struct SecretRedactor: Sendable {
    private var secrets: [String]

    init(_ secrets: [String?]) {
        // Longest first, so a secret containing another is replaced whole.
        self.secrets = secrets.compactMap { $0 }.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
    }

    func redact(_ text: String) -> String {
        var text = text
        for secret in secrets where text.contains(secret) {
            text = text.replacing(secret, with: "<redacted>")
        }
        return redactingQuotedFragments(text)
    }

    /// PostgreSQL quotes the token it stumbled on (`syntax error at or near "A1a"`), which for
    /// a mis-quoted password is a piece of it: drop any quoted part of 3+ characters that occurs
    /// in a secret.
    private func redactingQuotedFragments(_ text: String) -> String {
        guard !secrets.isEmpty, text.contains("\"") else { return text }
        let parts = text.split(separator: "\"", omittingEmptySubsequences: false)
        return parts.enumerated().map { index, part in
            let isQuoted = index % 2 == 1 && index < parts.count - 1
            guard isQuoted, part.count >= 3, secrets.contains(where: { $0.contains(part) }) else { return String(part) }
            return "<redacted>"
        }.joined(separator: "\"")
    }

    func adding(_ more: [String?]) -> SecretRedactor {
        SecretRedactor(secrets + more)
    }
}
