@testable import CustosCore
import CustosJSON
import Foundation
import Testing

@Suite struct VaultDurationTests {
    @Test(arguments: [("1h", 3600), ("90m", 5400), ("3600", 3600), ("1h30m", 5400), ("45s", 45), ("2d", 172_800), ("0", 0), ("", 0), ("1.5h", 5400), ("500ms", 0)])
    func parses(_ text: String, _ seconds: Int64) throws {
        #expect(try VaultDuration(parsing: text).seconds == seconds)
    }

    @Test(arguments: ["soon", "1x", "h", "-5", "1h-", "1 h 2"])
    func rejects(_ text: String) {
        #expect(throws: VaultDuration.ParseError.self) { try VaultDuration(parsing: text) }
    }

    @Test func printsLikeVault() {
        #expect(VaultDuration(seconds: 768 * 3600).description == "768h")
        #expect(VaultDuration(seconds: 5400).description == "1h30m")
        #expect(VaultDuration(seconds: 45).description == "45s")
        #expect(VaultDuration(seconds: 0).description == "0s")
        #expect(VaultDuration(seconds: 3661).description == "1h1m1s")
    }

    @Test func decodesNumbersAndStrings() throws {
        struct Holder: Decodable { var ttl: VaultDuration }
        #expect(try JSONDecoder().decode(Holder.self, from: Data(#"{"ttl": 60}"#.utf8)).ttl.seconds == 60)
        #expect(try JSONDecoder().decode(Holder.self, from: Data(#"{"ttl": "2h"}"#.utf8)).ttl.seconds == 7200)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Holder.self, from: Data(#"{"ttl": -1}"#.utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Holder.self, from: Data(#"{"ttl": true}"#.utf8)) }
    }
}

@Suite struct RequestDecodingTests {
    struct Params: Decodable {
        var secretShares: VaultInt?
        var reset: VaultBool?
        var name: String?
    }

    @Test func lenientNumbersAndBooleans() throws {
        let request = LogicalRequest(operation: .update, path: "x", body: Data(#"{"secret_shares": "5", "reset": "true"}"#.utf8))
        let params = try request.decode(Params.self)
        #expect(params.secretShares?.value == 5)
        #expect(params.reset?.value == true)
    }

    @Test func queryIsTheDataWithoutABody() throws {
        let request = LogicalRequest(operation: .read, path: "x", query: ["secret_shares": "3"])
        #expect(try request.decode(Params.self).secretShares?.value == 3)
    }

    @Test func errorsNameTheFieldNotTheValue() {
        let request = LogicalRequest(operation: .update, path: "x", body: Data(#"{"secret_shares": "s3cr3t-value"}"#.utf8))
        do {
            _ = try request.decode(Params.self)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .badRequest)
            #expect(error.description.contains("secret_shares"))
            #expect(!error.description.contains("s3cr3t-value"))
        }
    }

    @Test func malformedJSON() {
        let request = LogicalRequest(operation: .update, path: "x", body: Data("{".utf8))
        #expect(throws: CustosError.self) { try request.decode(Params.self) }
        #expect(throws: CustosError.self) { try request.dataObject() }
        let array = LogicalRequest(operation: .update, path: "x", body: Data("[]".utf8))
        #expect(throws: CustosError.self) { try array.dataObject() }
    }
}
