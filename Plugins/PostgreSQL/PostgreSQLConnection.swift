import CLibPQ
import Foundation

/// One libpq connection. Every call blocks, so an instance is only ever used from the dedicated
/// thread of its `PooledConnection` (not Sendable on purpose).
final class PostgreSQLConnection {
    private let handle: OpaquePointer
    private var isClosed = false

    private init(handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        close()
    }

    /// Sends Terminate and frees the connection; later calls fail as a broken connection would.
    func close() {
        guard !isClosed else { return }
        isClosed = true
        PQfinish(handle)
    }

    /// Opens a connection. `parameters` are libpq keyword/value pairs in order; a later pair
    /// overrides an earlier one, and a `dbname` value holding a URL or conninfo is expanded.
    static func connect(
        _ parameters: [(keyword: String, value: String)], redactor: SecretRedactor
    ) throws(PostgreSQLFailure) -> PostgreSQLConnection {
        let keywords = parameters.map { strdup($0.keyword) }
        let values = parameters.map { strdup($0.value) }
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        let handle: OpaquePointer? = (keywords + [nil]).map { UnsafePointer($0) }.withUnsafeBufferPointer { keywordPointers in
            (values + [nil]).map { UnsafePointer($0) }.withUnsafeBufferPointer { valuePointers in
                PQconnectdbParams(keywordPointers.baseAddress, valuePointers.baseAddress, 1)
            }
        }
        guard let handle else {
            throw PostgreSQLFailure(.connect, message: "out of memory opening a PostgreSQL connection")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = redactor.redact(Self.cleaned(PQerrorMessage(handle)))
            PQfinish(handle)
            throw PostgreSQLFailure(.connect, message: message)
        }
        // NOTICEs ("role ... does not exist, skipping") would go to stderr one per call.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        return PostgreSQLConnection(handle: handle)
    }

    /// Checks a connection string's syntax without connecting; the message says what is wrong
    /// without quoting the string or any part of it.
    static func validate(connectionString: String, redactor: SecretRedactor) throws(PostgreSQLFailure) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(connectionString, &errorMessage) else {
            let text = errorMessage.map { Self.cleaned($0) } ?? "cannot parse the connection string"
            if let errorMessage { PQfreemem(errorMessage) }
            let message = ConnectionStringError.withoutValues(redactor.redact(text), connectionString: connectionString)
            throw PostgreSQLFailure(.malformedConnectionString, message: message)
        }
        PQconninfoFree(options)
    }

    /// True once libpq has seen the connection fail; it must then be discarded.
    var isBroken: Bool { isClosed || PQstatus(handle) != CONNECTION_OK }

    /// True when a transaction block is open (possibly aborted) on this connection.
    var isInTransaction: Bool {
        guard !isClosed else { return false }
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR
    }

    /// Runs SQL over the simple query protocol (several `;`-separated statements allowed; they run
    /// as one implicit transaction). Returns the rows of the last statement as text.
    @discardableResult
    func execute(_ sql: String, redactor: SecretRedactor) throws(PostgreSQLFailure) -> [[String?]] {
        guard !isClosed else { throw PostgreSQLFailure(.connectionLost, message: "connection closed") }
        return try consume(PQexec(handle, sql), redactor: redactor)
    }

    /// Runs one statement with text parameters (`$1`, ...), so values need no quoting.
    @discardableResult
    func execute(_ sql: String, parameters: [String], redactor: SecretRedactor) throws(PostgreSQLFailure) -> [[String?]] {
        guard !isClosed else { throw PostgreSQLFailure(.connectionLost, message: "connection closed") }
        let copies = parameters.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        let result = copies.map { UnsafePointer($0) }.withUnsafeBufferPointer { pointers in
            PQexecParams(handle, sql, Int32(parameters.count), nil, pointers.baseAddress, nil, nil, 0)
        }
        return try consume(result, redactor: redactor)
    }

    private func consume(_ result: OpaquePointer?, redactor: SecretRedactor) throws(PostgreSQLFailure) -> [[String?]] {
        guard let result else {
            throw failureWithoutResult(redactor: redactor)
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return []
        case PGRES_TUPLES_OK:
            return Self.rows(of: result)
        default:
            let sqlState = Self.field(result, "C")
            let primary = Self.field(result, "M") ?? Self.cleaned(PQresultErrorMessage(result))
            let kind: PostgreSQLFailure.Kind = isBroken ? .connectionLost : .server
            throw PostgreSQLFailure(kind, sqlState: sqlState, message: redactor.redact(primary))
        }
    }

    private func failureWithoutResult(redactor: SecretRedactor) -> PostgreSQLFailure {
        let message = redactor.redact(Self.cleaned(PQerrorMessage(handle)))
        return PostgreSQLFailure(isBroken ? .connectionLost : .server, message: message)
    }

    private static func field(_ result: OpaquePointer, _ code: Character) -> String? {
        guard let ascii = code.asciiValue, let value = PQresultErrorField(result, Int32(ascii)) else { return nil }
        return String(cString: value)
    }

    private static func rows(of result: OpaquePointer) -> [[String?]] {
        let rowCount = PQntuples(result)
        let columnCount = PQnfields(result)
        return (0..<rowCount).map { row in
            (0..<columnCount).map { column in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            }
        }
    }

    /// libpq messages end in newlines, indent hints with tabs and pad with double spaces
    /// ("FATAL:  password ..."); make them one tidy line.
    static func cleaned(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown libpq error" }
        let text = String(cString: message)
            .split(whereSeparator: { $0.isWhitespace })
            .joined(separator: " ")
        return text.isEmpty ? "unknown libpq error" : text
    }
}
