import Crypto
import Foundation

/// Builds the SCRAM-SHA-256 secret PostgreSQL stores in `pg_authid.rolpassword`
/// (`SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, RFC 5802/7677), so that
/// `ALTER ROLE ... PASSWORD '<verifier>'` sets a password without the plain text ever reaching
/// the server (or its statement log).
enum SCRAMVerifier {
    static let iterations = 4096

    static func make(password: String) -> String {
        var salt = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = generator.next() }
        return make(password: password, salt: salt, iterations: iterations)
    }

    static func make(password: String, salt: [UInt8], iterations: Int) -> String {
        let salted = saltedPassword(Array(normalized(password).utf8), salt: salt, iterations: iterations)
        let key = SymmetricKey(data: salted)
        let clientKey = Data(HMAC<SHA256>.authenticationCode(for: Data("Client Key".utf8), using: key))
        let storedKey = Data(SHA256.hash(data: clientKey))
        let serverKey = Data(HMAC<SHA256>.authenticationCode(for: Data("Server Key".utf8), using: key))
        return "SCRAM-SHA-256$\(iterations):\(Data(salt).base64EncodedString())$"
            + "\(storedKey.base64EncodedString()):\(serverKey.base64EncodedString())"
    }

    /// PBKDF2-HMAC-SHA256 with one output block (32 bytes = SHA-256's size), which is all SCRAM uses.
    static func saltedPassword(_ password: [UInt8], salt: [UInt8], iterations: Int) -> [UInt8] {
        let key = SymmetricKey(data: password)
        var block = Array(HMAC<SHA256>.authenticationCode(for: salt + [0, 0, 0, 1], using: key))
        var result = block
        for _ in 1..<iterations {
            block = Array(HMAC<SHA256>.authenticationCode(for: block, using: key))
            for index in result.indices { result[index] ^= block[index] }
        }
        return result
    }

    /// PostgreSQL applies SASLprep to the password when it can; for ASCII (all generated
    /// passwords) that is the identity. For other text we apply its main step, NFKC with non-ASCII
    /// spaces mapped to a space, which covers ordinary passwords.
    private static func normalized(_ password: String) -> String {
        guard !password.utf8.allSatisfy({ $0 < 0x80 }) else { return password }
        let spaced = String(String.UnicodeScalarView(password.unicodeScalars.map {
            $0.value > 0x7F && $0.properties.generalCategory == .spaceSeparator ? " " : $0
        }))
        return spaced.precomposedStringWithCompatibilityMapping
    }
}
