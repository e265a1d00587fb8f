import Crypto
import Foundation

/// The barrier's encryption keys by term, plus the root key that protects them.
///
/// Keys are held as `EncryptionKey` (a `SymmetricKey`), whose storage swift-crypto zeroes when
/// it is freed, so dropping a keyring (on seal) wipes its keys once in-flight operations release
/// their copies.
struct Keyring: Sendable {
    struct TermKey: Sendable {
        var key: EncryptionKey
        var installTime: Date
        /// Encryptions with this key as of the last time the keyring was persisted.
        var persistedEncryptions: Int
    }

    static let storageKey = "core/keyring"
        var rootKey: EncryptionKey
    var terms: [Int: TermKey]
    var activeTerm: Int

    var activeKey: TermKey {
        // Invariant: activeTerm is always in terms (set together in every initialiser).
        terms[activeTerm]!
    }

    static func initial(rootKey: EncryptionKey, now: Date) -> Keyring {
        Keyring(
            rootKey: rootKey,
            terms: [1: TermKey(key: .random(), installTime: now, persistedEncryptions: 0)],
            activeTerm: 1)
    }

    /// A copy with term n+1 added and active; `encryptions` (per term, not yet persisted) are
    /// folded into the persisted counts.
    func rotated(now: Date, encryptions: [Int: Int]) -> Keyring {
        var next = self
        for (term, count) in encryptions {
            next.terms[term]?.persistedEncryptions += count
        }
        next.activeTerm = activeTerm + 1
        next.terms[next.activeTerm] = TermKey(
            key: .random(), installTime: now, persistedEncryptions: 0)
        return next
    }

    // MARK: Persistence: JSON, sealed under the root key (never through the barrier itself).

    private struct Document: Codable {
        struct Term: Codable {
            var term: Int
            var key: String
            var installTime: Date
            var encryptions: Int
        }

        var version: Int
        var rootKey: String
        var activeTerm: Int
        var terms: [Term]
    }

    func sealed() throws -> Data {
        // Encoding base64s every key through stack buffers on this thread: clear them after.
        defer { StackScrubber.scrubAfterCryptography() }
        let document = Document(
            version: 1,
            rootKey: rootKey.base64,
            activeTerm: activeTerm,
            terms: terms.keys.sorted().map { term in
                let entry = terms[term]!
                return Document.Term(
                    term: term, key: entry.key.base64, installTime: entry.installTime,
                    encryptions: entry.persistedEncryptions)
            })
        // The JSON holds every key in clear: wipe it once sealed. (Base64 Strings can't be wiped.)
        var json = try JSONEncoder().encode(document)
        defer { json.resetBytes(in: json.startIndex..<json.endIndex) }
        return try BarrierEnvelope.seal(
            json, key: rootKey.symmetricKey, term: 0, associatedData: Data(Self.storageKey.utf8))
    }

    /// Throws `.invalidKey` if `rootKey` doesn't open the keyring, `.decryptionFailed` if it
    /// opens but the content is not a valid keyring for that root key.
    static func open(_ data: Data, rootKey: EncryptionKey) throws(BarrierError) -> Keyring {
        // Decoding copies every key through stack buffers on this thread: clear them after.
        defer { StackScrubber.scrubAfterCryptography() }
        var json: Data
        do {
            json = try BarrierEnvelope.open(data, key: rootKey.symmetricKey, associatedData: Data(storageKey.utf8))
        } catch {
            throw BarrierError(code: .invalidKey, message: "the root key does not open the keyring")
        }
        defer { json.resetBytes(in: json.startIndex..<json.endIndex) }
        let corrupt = BarrierError(code: .decryptionFailed, message: "the keyring is corrupt")
        guard let document = try? JSONDecoder().decode(Document.self, from: json),
            document.version == 1,
            let storedRoot = key(fromBase64: document.rootKey),
            storedRoot == rootKey
        else { throw corrupt }

        var terms: [Int: TermKey] = [:]
        for entry in document.terms {
            guard let key = key(fromBase64: entry.key), terms[entry.term] == nil else { throw corrupt }
            terms[entry.term] = TermKey(
                key: key, installTime: entry.installTime, persistedEncryptions: entry.encryptions)
        }
        guard terms[document.activeTerm] != nil else { throw corrupt }
        return Keyring(rootKey: rootKey, terms: terms, activeTerm: document.activeTerm)
    }

    private static func key(fromBase64 text: String) -> EncryptionKey? {
        guard var bytes = Data(base64Encoded: text) else { return nil }
        defer { bytes.resetBytes(in: bytes.startIndex..<bytes.endIndex) }
        return EncryptionKey(bytes: bytes)
    }
}
