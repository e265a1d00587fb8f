import CustosJSON
import Foundation
import Testing

@Suite struct JSONValueTests {
    private func decode(_ json: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
    }

    private func encode(_ value: JSONValue) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test func decodesEveryKind() throws {
        let value = try decode(#"{"a":null,"b":true,"c":4,"d":1.5,"e":"x","f":[1,"2"],"g":{"h":false}}"#)
        #expect(value == .object([
            "a": .null, "b": .bool(true), "c": .int(4), "d": .double(1.5), "e": .string("x"),
            "f": .array([.int(1), .string("2")]), "g": .object(["h": .bool(false)]),
        ]))
    }

    @Test func booleansStayBooleansAndNumbersStayNumbers() throws {
        #expect(try decode("true") == .bool(true))
        #expect(try decode("1") == .int(1))
        #expect(try decode("0") == .int(0))
    }

    @Test func integersRoundTripExactly() throws {
        for value in [Int64.max, Int64.min, 9_007_199_254_740_993, -1] {
            #expect(try decode(String(value)) == .int(value))
            #expect(try encode(.int(value)) == String(value))
        }
    }

    @Test func numbersBeyondInt64AreDoubles() throws {
        #expect(try decode("18446744073709551616") == .double(18446744073709551616))
        #expect(try decode("1e300") == .double(1e300))
    }

    @Test func encodesIntegralNumbersWithoutFraction() throws {
        #expect(try encode(["n": 4, "x": 1.5, "neg": -3, "whole": 4.0]) == #"{"n":4,"neg":-3,"whole":4,"x":1.5}"#)
    }

    @Test func roundTripsThroughJSON() throws {
        let value: JSONValue = [
            "connection_url": "postgresql://{{username}}:{{password}}@localhost/db",
            "max_open_connections": 4, "verify": true, "tags": ["a", nil, 2.25], "nested": ["k": "v"],
        ]
        #expect(try decode(try encode(value)) == value)
    }

    @Test func intValueAcceptsIntegralNumbersAndNumericStrings() {
        #expect(JSONValue.int(4).intValue == 4)
        #expect(JSONValue.double(4).intValue == 4)
        #expect(JSONValue.string("4").intValue == 4)
        #expect(JSONValue.string(" 12 ").intValue == 12)
        #expect(JSONValue.double(4.5).intValue == nil)
        #expect(JSONValue.double(1e300).intValue == nil)
        #expect(JSONValue.string("four").intValue == nil)
        #expect(JSONValue.string(" ").intValue == nil)
        #expect(JSONValue.bool(true).intValue == nil)
    }

    @Test func boolValueAcceptsBooleansAndTheirStrings() {
        #expect(JSONValue.bool(false).boolValue == false)
        #expect(JSONValue.string("true").boolValue == true)
        #expect(JSONValue.string("FALSE").boolValue == false)
        #expect(JSONValue.string("yes").boolValue == nil)
        #expect(JSONValue.int(1).boolValue == nil)
    }

    @Test func accessorsOnlyForTheirKind() {
        #expect(JSONValue.string("a").stringValue == "a")
        #expect(JSONValue.int(1).stringValue == nil)
        #expect(JSONValue.object(["k": "v"])["k"]?.stringValue == "v")
        #expect(JSONValue.array([1]).arrayValue == [.int(1)])
        #expect(JSONValue.string("a").arrayValue == nil)
        #expect(JSONValue.array([]).objectValue == nil)
    }
}
