/// A Spark Connect address as its clients write it (Spark's connect/docs/client-connection-string.md):
/// `sc://host[:port][/;param=value;param=value...]`, port 15002 by default. Parameters:
/// `token` (a bearer token, sent as `authorization: Bearer ...`; implies TLS), `use_ssl`
/// (true/false), `user_id`, `user_agent`, `session_id`; unknown parameters are kept as gRPC
/// metadata, as Spark's clients do.
public struct SparkConnectURL: Equatable, Sendable {
    public var host: String
    public var port: Int
    public var token: String?
    public var useSSL: Bool
    public var userID: String
    public var userAgent: String
    public var sessionID: String?
    /// Other parameters, sent as metadata with every call.
    public var metadata: [(key: String, value: String)]

    public static let defaultPort = 15002

    public struct Problem: Error, Equatable, Sendable {
        public var message: String
    }

    public init(parsing text: String) throws(Problem) {
        guard text.hasPrefix("sc://") else {
            throw Problem(message: "a Spark Connect address starts with sc://, as in sc://localhost:15002")
        }
        var rest = Substring(text.dropFirst(5))
        var parameters = Substring("")
        if let slash = rest.firstIndex(of: "/") {
            parameters = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        guard !rest.isEmpty else { throw Problem(message: "the address names no host: sc://HOST[:PORT]") }
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw Problem(message: "an IPv6 address needs its closing ']'") }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            rest = rest[rest.index(after: close)...]
        } else if let colon = rest.firstIndex(of: ":") {
            host = String(rest[..<colon])
            rest = rest[colon...]
        } else {
            host = String(rest)
            rest = ""
        }
        port = Self.defaultPort
        if rest.hasPrefix(":") {
            guard let p = Int(rest.dropFirst()), (1...65535).contains(p) else {
                throw Problem(message: "the port '\(rest.dropFirst())' is not a number from 1 to 65535")
            }
            port = p
        } else if !rest.isEmpty {
            throw Problem(message: "unexpected '\(rest)' after the host")
        }
        guard !host.isEmpty else { throw Problem(message: "the address names no host: sc://HOST[:PORT]") }
        token = nil
        useSSL = false
        userID = "crmq"
        userAgent = "crmq"
        sessionID = nil
        metadata = []
        var sslGiven: Bool?
        if parameters.hasPrefix(";") { parameters = parameters.dropFirst() }
        for item in parameters.split(separator: ";", omittingEmptySubsequences: true) {
            guard let eq = item.firstIndex(of: "=") else {
                throw Problem(message: "the parameter '\(item)' has no value; write name=value")
            }
            let key = String(item[..<eq]), value = String(item[item.index(after: eq)...]).removingPercentEncodingLossless
            switch key {
            case "token": token = value
            case "use_ssl":
                switch value.lowercased() {
                case "true": sslGiven = true
                case "false": sslGiven = false
                default: throw Problem(message: "use_ssl is true or false, not '\(value)'")
                }
            case "user_id": userID = value
            case "user_agent": userAgent = value
            case "session_id": sessionID = value
            default: metadata.append((key, value))
            }
        }
        // A token is sent only over TLS, as Spark's clients require.
        useSSL = sslGiven ?? (token != nil)
        if token != nil, !useSSL {
            throw Problem(message: "a token is sent only over TLS: drop use_ssl=false, or the token")
        }
    }

    public static func == (a: SparkConnectURL, b: SparkConnectURL) -> Bool {
        a.host == b.host && a.port == b.port && a.token == b.token && a.useSSL == b.useSSL && a.userID == b.userID
            && a.userAgent == b.userAgent && a.sessionID == b.sessionID
            && a.metadata.map(\.key) == b.metadata.map(\.key) && a.metadata.map(\.value) == b.metadata.map(\.value)
    }

    /// The address for messages, without the token.
    public var shown: String {
        "sc://\(host.contains(":") ? "[\(host)]" : host):\(port)" + (useSSL ? " (TLS)" : "")
    }
}

extension String {
    /// `%XX` escapes decoded where they form UTF-8; the text as it is otherwise.
    var removingPercentEncodingLossless: String {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        let u = Array(utf8)
        var k = 0
        while k < u.count {
            if u[k] == UInt8(ascii: "%"), k + 2 < u.count, let v = UInt8(String(decoding: u[(k + 1)...(k + 2)], as: UTF8.self), radix: 16) {
                bytes.append(v)
                k += 3
            } else {
                bytes.append(u[k])
                k += 1
            }
        }
        return String(validating: bytes, as: UTF8.self) ?? self
    }
}
