package import Foundation
import Synchronization

/// The encryption barrier: every value stored through it is sealed with AES-256-GCM under the
/// keyring's active term key, with the storage key as associated data (`BarrierEnvelope`).
/// Logical keys are physical keys; only the values are encrypted.
///
/// The keyring lives at physical `core/keyring`, sealed under the root key, which is what unseal
/// supplies. Reads and writes hold the state lock only to pick a key, never across storage I/O;
/// keyring changes (initialise, unseal, rotate) are serialised by `keyringChanges`.
package final class Barrier: StorageBackend {
    private struct Unsealed: Sendable {
        var keyring: Keyring
        /// Encryptions per term since the keyring was last persisted.
        var encryptions: [Int: Int] = [:]
    }

    /// Physical keys the barrier manages itself; logical access to them is refused.
    package static let reservedKeys = [Keyring.storageKey, RootKeyWrap.storageKey]

    private let physical: any StorageBackend
    private let state = Mutex<Unsealed?>(nil)
    private let keyringChanges = AsyncSerialLock()
    /// Decrypted hot values; emptied (and wiped) on seal.
    let readCache = BarrierReadCache()

    package init(physical: any StorageBackend) {
        self.physical = physical
    }

    // MARK: Lifecycle

    package func isInitialized() async throws -> Bool {
        try await physical.get(Keyring.storageKey) != nil
    }

    /// Writes a new keyring (term 1) sealed under `rootKey`. The barrier stays sealed.
    package func initialize(rootKey: [UInt8]) async throws {
        let root = try Self.rootEncryptionKey(rootKey)
        try await keyringChanges.withLock {
            guard try await !isInitialized() else {
                throw BarrierError(code: .alreadyInitialized, message: "the barrier is already initialised")
            }
            let keyring = Keyring.initial(rootKey: root, now: Date())
            try await physical.put(Keyring.storageKey, try keyring.sealed())
        }
    }

    /// Opens the keyring with `rootKey`. Unsealing an unsealed barrier does nothing.
    package func unseal(rootKey: [UInt8]) async throws {
        let root = try Self.rootEncryptionKey(rootKey)
        try await keyringChanges.withLock {
            guard isSealed else { return }
            guard let sealedKeyring = try await physical.get(Keyring.storageKey) else {
                throw BarrierError(code: .notInitialized, message: "the barrier is not initialised")
            }
            let keyring = try Keyring.open(sealedKeyring, rootKey: root)
            state.withLock { $0 = Unsealed(keyring: keyring) }
        }
    }

    /// Forgets the keyring. swift-crypto zeroes each key's memory when its last copy is freed.
    package func seal() {
        state.withLock { $0 = nil }
        readCache.removeAll()
    }

    package var isSealed: Bool {
        state.withLock { $0 == nil }
    }

    // MARK: Keys

    /// Adds term n+1, makes it active for writes and persists the keyring; older terms still
    /// decrypt.
    package func rotate() async throws -> BarrierKeyStatus {
        try await keyringChanges.withLock {
            let (current, encryptionsSoFar) = try state.withLock { state throws(BarrierError) in
                guard let state else { throw BarrierError.sealed }
                return (state.keyring, state.encryptions)
            }
            let next = current.rotated(now: Date(), encryptions: encryptionsSoFar)
            try await physical.put(Keyring.storageKey, try next.sealed())
            // Install unless sealed meanwhile (then the next unseal reads the persisted keyring).
            // Encryptions counted during the write stay pending; those before are now persisted.
            state.withLock { state in
                guard var unsealed = state else { return }
                for (term, count) in encryptionsSoFar {
                    unsealed.encryptions[term, default: 0] -= count
                }
                unsealed.keyring = next
                state = unsealed
            }
            return Self.status(of: next, term: next.activeTerm, pending: 0)
        }
    }

    package func keyStatus() throws -> BarrierKeyStatus {
        try state.withLock { state throws(BarrierError) in
            guard let state else { throw BarrierError.sealed }
            let term = state.keyring.activeTerm
            return Self.status(of: state.keyring, term: term, pending: state.encryptions[term, default: 0])
        }
    }

    private static func status(of keyring: Keyring, term: Int, pending: Int) -> BarrierKeyStatus {
        let entry = keyring.terms[term]!
        return BarrierKeyStatus(
            term: term, installTime: entry.installTime, encryptions: entry.persistedEncryptions + pending)
    }

    private static func rootEncryptionKey(_ rootKey: [UInt8]) throws(BarrierError) -> EncryptionKey {
        guard let key = EncryptionKey(bytes: rootKey) else {
            throw BarrierError(code: .invalidKey, message: "the root key must be 32 bytes")
        }
        return key
    }

    // MARK: Logical storage

    package func get(_ key: String) async throws -> Data? {
        try Self.checkNotReserved(key)
        try checkUnsealed()
        let generation: UInt64
        switch readCache.lookup(key) {
        case .hit(let value): return value
        case .miss(let readAt): generation = readAt
        }
        guard let envelope = try await physical.get(key) else { return nil }
        let value = try decrypt(envelope, key: key)
        readCache.insert(key, value, readAt: generation)
        return value
    }

    package func put(_ key: String, _ value: Data) async throws {
        try Self.checkNotReserved(key)
        let envelope = try encrypt(value, key: key)
        readCache.invalidate(CollectionOfOne(key))
        defer { readCache.invalidate(CollectionOfOne(key)) }
        try await physical.put(key, envelope)
    }

    package func delete(_ key: String) async throws {
        try Self.checkNotReserved(key)
        try checkUnsealed()
        readCache.invalidate(CollectionOfOne(key))
        defer { readCache.invalidate(CollectionOfOne(key)) }
        try await physical.delete(key)
    }

    package func list(prefix: String) async throws -> [String] {
        try checkUnsealed()
        return try await physical.list(prefix: prefix)
    }

    package func scan(prefix: String) async throws -> [String] {
        try checkUnsealed()
        return try await physical.scan(prefix: prefix)
    }

    package func transaction(_ operations: [StorageOperation]) async throws {
        try checkUnsealed()
        let physicalOperations = try operations.map { operation throws -> StorageOperation in
            try Self.checkNotReserved(operation.key)
            switch operation {
            case .put(let key, let value): return .put(key, try encrypt(value, key: key))
            case .delete: return operation
            }
        }
        let keys = operations.lazy.map(\.key)
        readCache.invalidate(keys)
        defer { readCache.invalidate(keys) }
        try await physical.transaction(physicalOperations)
    }

    // MARK: Encryption

    private func checkUnsealed() throws(BarrierError) {
        if isSealed { throw BarrierError.sealed }
    }

    private static func checkNotReserved(_ key: String) throws(StorageError) {
        if reservedKeys.contains(where: { $0.utf8.elementsEqual(key.utf8) }) {
            throw StorageError(code: .invalidKey, message: "\(key) is reserved for the barrier")
        }
    }

    private func encrypt(_ value: Data, key: String) throws -> Data {
        let (term, termKey) = try state.withLock { state throws(BarrierError) in
            guard state != nil else { throw BarrierError.sealed }
            let term = state!.keyring.activeTerm
            state!.encryptions[term, default: 0] += 1
            return (term, state!.keyring.activeKey.key)
        }
        return try BarrierEnvelope.seal(
            value, key: termKey.symmetricKey, term: UInt32(term), associatedData: Data(key.utf8))
    }

    private func decrypt(_ envelope: Data, key: String) throws(BarrierError) -> Data {
        guard let term = BarrierEnvelope.term(of: envelope) else {
            throw BarrierError(code: .decryptionFailed, message: "the value at \(key) is not a barrier envelope")
        }
        let termKey = try state.withLock { state throws(BarrierError) in
            guard let state else { throw BarrierError.sealed }
            return state.keyring.terms[Int(term)]?.key
        }
        guard let termKey else {
            throw BarrierError(code: .decryptionFailed, message: "the value at \(key) uses unknown key term \(term)")
        }
        do {
            return try BarrierEnvelope.open(envelope, key: termKey.symmetricKey, associatedData: Data(key.utf8))
        } catch {
            throw BarrierError(code: .decryptionFailed, message: "the value at \(key) does not authenticate")
        }
    }
}
