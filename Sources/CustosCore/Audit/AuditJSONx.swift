import CustosJSON

/// The `jsonx` audit format: the JSON entry as IBM's JSONx XML, as Vault writes it for log
/// pipelines that only take XML. One document per line.
enum AuditJSONx {
    static func document(_ value: JSONValue) -> String {
        var out = #"<?xml version="1.0" encoding="UTF-8"?>"#
        element(value, name: nil, root: true, into: &out)
        return out
    }

    private static func element(_ value: JSONValue, name: String?, root: Bool = false, into out: inout String) {
        let tag: String
        switch value {
        case .object: tag = "json:object"
        case .array: tag = "json:array"
        case .string: tag = "json:string"
        case .int, .double: tag = "json:number"
        case .bool: tag = "json:boolean"
        case .null: tag = "json:null"
        }
        out += "<" + tag
        if root {
            out += #" xsi:schemaLocation="http://www.datapower.com/schemas/json jsonx.xsd""#
            out += #" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance""#
            out += #" xmlns:json="http://www.ibm.com/xmlns/prod/2009/jsonx""#
        }
        if let name { out += " name=\"" + escape(name) + "\"" }
        switch value {
        case .null:
            out += "></" + tag + ">"
            return
        case .object(let members):
            out += ">"
            for key in members.keys.sorted() { element(members[key] ?? .null, name: key, into: &out) }
        case .array(let items):
            out += ">"
            for item in items { element(item, name: nil, into: &out) }
        case .string(let text):
            out += ">" + escape(text)
        case .int(let number):
            out += ">" + String(number)
        case .double(let number):
            out += ">" + String(number)
        case .bool(let flag):
            out += ">" + (flag ? "true" : "false")
        }
        out += "</" + tag + ">"
    }

    private static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#xA;"
            case "\r": out += "&#xD;"
            case "\t": out += "&#x9;"
            default:
                // Other control characters cannot appear in XML 1.0: written as a replacement.
                if character.value < 0x20 { out += "\u{FFFD}" } else { out.unicodeScalars.append(character) }
            }
        }
        return out
    }
}
