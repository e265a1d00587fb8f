import CustosJSON
@testable import CustosCore
import Foundation
import Testing

/// The request's data is parsed once; its typed parameters are decoded from that value. They
/// must come out as `JSONDecoder` (with the request key strategy) made them from the bytes: the
/// same values, and the same error messages.
@Suite struct JSONValueDecoderTests {
    struct Nested: Decodable, Equatable {
        var inner: Int
        var list: [Nested]?
    }

    struct Params: Decodable, Equatable {
        var name: String?
        var count: Int?
        var ratio: Double?
        var flag: Bool?
        var ttl: VaultDuration?
        var shares: VaultInt?
        var reset: VaultBool?
        var tags: [String]?
        var meta: [String: String]?
        var nested: Nested?
        var any: JSONValue?
        var explicitMaxTtl: VaultDuration?
    }

    struct Required: Decodable, Equatable {
        var name: String
        var count: Int64
    }

    /// The request key strategy as the handlers used to get it from `JSONDecoder`.
    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static func reference<T: Decodable>(_ type: T.Type, _ body: String) -> Result<T, CustosError> {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .custom { path in
            let key = path.last?.stringValue ?? ""
            return Key(stringValue: RequestDecoding.propertyName(forRequestKey: key) ?? "\u{0}" + key)
        }
        do {
            return .success(try decoder.decode(T.self, from: Data(body.utf8)))
        } catch let error as DecodingError {
            return .failure(.badRequest(RequestDecoding.describe(error)))
        } catch {
            return .failure(.badRequest("failed to parse JSON input"))
        }
    }

    static func decoded<T: Decodable>(_ type: T.Type, _ body: String) -> Result<T, CustosError> {
        let request = LogicalRequest(operation: .update, path: "x", body: Data(body.utf8))
        do throws(CustosError) { return .success(try request.decode(T.self)) } catch { return .failure(error) }
    }

    static let bodies = [
        "{}", #"{"name":"a","count":3,"ratio":2,"flag":true}"#, #"{"count":"3"}"#, #"{"count":2.5}"#, #"{"count":1e3}"#, #"{"count":1.0}"#,
        #"{"count":99999999999999999999}"#, #"{"tags":[1.5]}"#,
        #"{"count":null}"#, #"{"flag":1}"#, #"{"ratio":"x"}"#, #"{"tags":"x"}"#, #"{"tags":[1]}"#, #"{"tags":["a",null]}"#,
        #"{"meta":{"A_b":"x","Camel":"y","snake_key":"z"}}"#, #"{"meta":null}"#, #"{"meta":[]}"#, #"{"meta":{"a":1}}"#,
        #"{"nested":{}}"#, #"{"nested":{"inner":"x"}}"#, #"{"nested":{"inner":1,"list":[{"inner":2},{"x":1}]}}"#,
        #"{"nested":null}"#, #"{"nested":[]}"#, "[]", #""x""#, "null", "3", "true", #"{"Name":"x","name ":"y"}"#,
        #"{"ttl":"soon"}"#, #"{"ttl":"1h"}"#, #"{"ttl":90}"#, #"{"shares":"s3cr3t"}"#, #"{"shares":"5","reset":"true"}"#,
        #"{"reset":"maybe"}"#, #"{"any":{"a":[1,2.5,"x",null,true,{"b":{}}]}}"#, #"{"explicit_max_ttl":"2h","explicitMaxTtl":"1h"}"#,
        #"{"explicit__max_ttl":"2h"}"#, "{", #"{"a":}"#, "  \n ",
    ]

    @Test(arguments: bodies)
    func sameAsJSONDecoder(body: String) {
        let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
        // A body of whitespace is no body: the (empty) query is the data, as `{}`.
        let expected = Self.reference(Params.self, trimmed.isEmpty ? "{}" : body)
        #expect(Self.decoded(Params.self, body) == expected)
        #expect(Self.decoded(Required.self, body) == Self.reference(Required.self, trimmed.isEmpty ? "{}" : body))
    }

    @Test func queryParametersAreTheDataWithoutAJSONRoundTrip() throws {
        let request = LogicalRequest(operation: .read, path: "x", query: ["count": "7", "name": "n", "Odd": "o"])
        #expect(request.data == .json(["count": "7", "name": "n", "Odd": "o"]))
        #expect(throws: CustosError.badRequest(#"invalid value for "count": expected an integer"#)) {
            try request.decode(Required.self)
        }
        let typed = LogicalRequest(operation: .read, path: "x", query: ["name": "n", "shares": "4", "reset": "t"])
        #expect(try typed.decode(Params.self) == Params(name: "n", shares: VaultInt(4), reset: VaultBool(true)))
    }

    /// The ACL, the audit log and the handler see one parse of the body.
    @Test func bodyIsParsedOnceIntoTheRequestData() throws {
        let request = LogicalRequest(operation: .update, path: "x", body: Data(#"{"count":3,"meta":{"k":"v"}}"#.utf8))
        #expect(request.data == .json(["count": 3, "meta": ["k": "v"]]))
        #expect(try request.dataObject()["count"] == 3)
        #expect(try request.decode(Params.self).meta == ["k": "v"])
        #expect(LogicalRequest(operation: .update, path: "x", body: Data("{".utf8)).data == .malformed(Data("{".utf8)))
    }

    /// A body `JSONValue` cannot hold is decoded from its bytes, as it always was: the error
    /// names the field.
    @Test func aBodyBeyondJSONValueIsDecodedFromItsBytes() {
        let body = #"{"nested":{"inner":1e400}}"#
        #expect(LogicalRequest(operation: .update, path: "x", body: Data(body.utf8)).data == .malformed(Data(body.utf8)))
        #expect(Self.decoded(Params.self, body) == Self.reference(Params.self, body))
        #expect(Self.decoded(Required.self, #"{"junk":1e400}"#) == .failure(.badRequest(#"missing required parameter "name""#)))
    }
}
