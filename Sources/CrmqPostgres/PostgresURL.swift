import Foundation

/// Where and as whom to connect to PostgreSQL: what `connect "postgres://..."` and
/// `--connect URL` name, read the way psql reads a connection URI
/// (`postgres[ql]://[user[:password]@][host][:port][/database][?param=value&...]`).
///
/// - `host` may be a Unix socket's folder (`%2Fvar%2Frun%2Fpostgresql`, or `?host=/path`);
///   no host means the socket in /var/run/postgresql, as for psql.
/// - Parameters: `sslmode` (disable, allow, prefer, require, verify-ca, verify-full),
///   `search_path` (the schemas whose tables crmq lists; crmq's own), `user`,
///   `password`, `port`, `dbname`, `host`, `connect_timeout`, `application_name`.
/// - The password comes from the URL, else `PGPASSWORD`, else the password file
///   (`PGPASSFILE`, default `~/.pgpass`, ignored unless only its owner can read it).
/// - Missing parts come from `PGHOST`, `PGPORT`, `PGUSER`, `PGDATABASE`, `PGSSLMODE`,
///   and then psql's defaults (the login name; the database named after the user).
public struct PostgresEndpoint: Equatable, Sendable {
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    /// The TCP host, or nil for a Unix socket.
    public var host: String?
    /// The folder holding the Unix socket `.s.PGSQL.<port>`, or nil for TCP.
    public var socketFolder: String?
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode
    /// Schemas listed in `.tables` and searched by the checker; nil: the server's
    /// `search_path` (usually `public`).
    public var searchPath: [String]?
    public var connectTimeout: Double
    public var applicationName: String

    /// The socket file, for a socket connection.
    public var socketPath: String? { socketFolder.map { $0 + "/.s.PGSQL.\(port)" } }

    /// The URL with the password left out: for messages, history and `.connection`.
    public var displayURL: String {
        var url = "postgres://" + percentEncoded(user) + "@"
        if let host { url += host.contains(":") ? "[\(host)]" : percentEncoded(host) }
        url += ":\(port)/" + percentEncoded(database)
        var params: [String] = []
        if let socketFolder { params.append("host=" + percentEncoded(socketFolder)) }
        if host != nil { params.append("sslmode=" + sslMode.rawValue) }
        if let searchPath { params.append("search_path=" + percentEncoded(searchPath.joined(separator: ","))) }
        return params.isEmpty ? url : url + "?" + params.joined(separator: "&")
    }

    public init(
        host: String?, socketFolder: String?, port: Int, user: String, password: String?, database: String,
        sslMode: SSLMode = .prefer, searchPath: [String]? = nil, connectTimeout: Double = 10,
        applicationName: String = "crmq"
    ) {
        self.host = host
        self.socketFolder = socketFolder
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.sslMode = sslMode
        self.searchPath = searchPath
        self.connectTimeout = connectTimeout
        self.applicationName = applicationName
    }

    /// Reads a connection URL. `environment` gives the `PG*` variables and `HOME`;
    /// `loginName` is the default user. Throws `ConnectionError.badURL` naming what is wrong.
    public static func parse(
        _ text: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        loginName: String = PostgresEndpoint.currentLoginName()
    ) throws(ConnectionError) -> PostgresEndpoint {
        func bad(_ why: String) -> ConnectionError { .badURL(text: redacted(text), reason: why) }
        let schemes = ["postgres://", "postgresql://"]
        guard let scheme = schemes.first(where: { text.lowercased().hasPrefix($0) }) else {
            throw bad("a connection URL starts with postgres:// or postgresql://")
        }
        var rest = Substring(text.dropFirst(scheme.count))
        var query = ""
        if let q = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: q)...])
            rest = rest[..<q]
        }
        var path = ""
        if let slash = rest.firstIndex(of: "/") {
            path = String(rest[rest.index(after: slash)...])
            rest = rest[..<slash]
        }
        var userPart: Substring?
        if let at = rest.lastIndex(of: "@") {
            userPart = rest[..<at]
            rest = rest[rest.index(after: at)...]
        }

        var user: String?
        var password: String?
        if let userPart {
            let pieces = userPart.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard let u = percentDecoded(String(pieces[0])) else { throw bad("the user name is not valid percent-encoding") }
            user = u.isEmpty ? nil : u
            if pieces.count == 2 {
                guard let p = percentDecoded(String(pieces[1])) else { throw bad("the password is not valid percent-encoding") }
                password = p
            }
        }

        var host: String?
        var port: Int?
        var hostPart = rest
        if hostPart.hasPrefix("[") {
            guard let close = hostPart.firstIndex(of: "]") else { throw bad("an IPv6 address in [ ] is not closed") }
            host = String(hostPart[hostPart.index(after: hostPart.startIndex)..<close])
            hostPart = hostPart[hostPart.index(after: close)...]
            if !hostPart.isEmpty {
                guard hostPart.hasPrefix(":") else { throw bad("'\(hostPart)' after the IPv6 address") }
                port = try parsePort(String(hostPart.dropFirst()), text)
            }
        } else if !hostPart.isEmpty {
            if hostPart.contains(",") { throw bad("several hosts are not supported; name one") }
            let pieces = hostPart.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard let h = percentDecoded(String(pieces[0])) else { throw bad("the host is not valid percent-encoding") }
            host = h.isEmpty ? nil : h
            if pieces.count == 2 { port = try parsePort(String(pieces[1]), text) }
        }
        guard let database = percentDecoded(path) else { throw bad("the database name is not valid percent-encoding") }

        var sslMode: SSLMode?
        var searchPath: [String]?
        var timeout: Double?
        var application: String?
        var dbFromQuery: String?
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard kv.count == 2, let key = percentDecoded(String(kv[0])), let value = percentDecoded(String(kv[1])) else {
                throw bad("'\(pair)' is not name=value")
            }
            switch key {
            case "sslmode":
                guard let mode = SSLMode(rawValue: value) else {
                    throw bad("sslmode '\(value)' is not one of " + SSLMode.allCases.map(\.rawValue).joined(separator: ", "))
                }
                sslMode = mode
            case "search_path", "schema":
                let schemas = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                guard !schemas.isEmpty else { throw bad("search_path names no schema") }
                searchPath = schemas
            case "host": host = value.isEmpty ? nil : value
            case "port": port = try parsePort(value, text)
            case "user": user = value
            case "password": password = value
            case "dbname": dbFromQuery = value
            case "connect_timeout":
                guard let t = Double(value), t > 0 else { throw bad("connect_timeout '\(value)' is not a positive number of seconds") }
                timeout = t
            case "application_name": application = value
            default:
                throw bad("unknown parameter '\(key)'; crmq knows sslmode, search_path, host, port, user, password, dbname, connect_timeout, application_name")
            }
        }

        host = host ?? environment["PGHOST"].flatMap { $0.isEmpty ? nil : $0 }
        if port == nil, let p = environment["PGPORT"], !p.isEmpty { port = try parsePort(p, text) }
        let finalUser = user ?? environment["PGUSER"].flatMap { $0.isEmpty ? nil : $0 } ?? loginName
        let finalDatabase = dbFromQuery ?? (database.isEmpty ? nil : database)
            ?? environment["PGDATABASE"].flatMap { $0.isEmpty ? nil : $0 } ?? finalUser
        if sslMode == nil, let m = environment["PGSSLMODE"], !m.isEmpty {
            guard let mode = SSLMode(rawValue: m) else { throw bad("PGSSLMODE '\(m)' is not a valid sslmode") }
            sslMode = mode
        }
        var socketFolder: String?
        if let h = host, h.hasPrefix("/") {
            socketFolder = h
            host = nil
        } else if host == nil {
            socketFolder = "/var/run/postgresql"
        }
        var endpoint = PostgresEndpoint(
            host: host, socketFolder: socketFolder, port: port ?? 5432, user: finalUser, password: password,
            database: finalDatabase, sslMode: sslMode ?? .prefer, searchPath: searchPath,
            connectTimeout: timeout ?? 10, applicationName: application ?? "crmq")
        if endpoint.password == nil {
            if let p = environment["PGPASSWORD"], !p.isEmpty {
                endpoint.password = p
            } else if let file = passwordFilePath(environment) {
                endpoint.password = PasswordFile.password(in: file, for: endpoint)
            }
        }
        return endpoint
    }

    /// The password file psql reads: `PGPASSFILE`, else `~/.pgpass`.
    static func passwordFilePath(_ environment: [String: String]) -> String? {
        if let f = environment["PGPASSFILE"], !f.isEmpty { return f }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.pgpass" }
        return nil
    }

    private static func parsePort(_ text: String, _ url: String) throws(ConnectionError) -> Int {
        guard let p = Int(text), (1...65535).contains(p) else {
            throw .badURL(text: redacted(url), reason: "the port '\(text)' is not a number from 1 to 65535")
        }
        return p
    }

    /// The login name of this process (psql's default user).
    public static func currentLoginName() -> String {
        if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "postgres"
    }

    /// A URL as the user typed it, with a password in it replaced by `***`.
    public static func redacted(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://") else { return text }
        let afterScheme = text[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        var out = text
        if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
            out.replaceSubrange(authority.index(after: colon)..<at, with: "***")
        }
        if let r = out.range(of: "password=") {
            let end = out[r.upperBound...].firstIndex(of: "&") ?? out.endIndex
            out.replaceSubrange(r.upperBound..<end, with: "***")
        }
        return out
    }
}

/// What goes wrong when connecting or talking to the server, as crmq reports it.
public enum ConnectionError: Error, Equatable, Sendable {
    /// The URL cannot be read: the reason says what to change.
    case badURL(text: String, reason: String)
    /// The server cannot be reached (refused, timed out, no such socket).
    case unreachable(url: String, reason: String)
    /// The server refused the login (wrong password, no such user or database).
    case refused(url: String, message: String)
    /// The server reported an error for a statement: SQLSTATE and message, and the
    /// position (1-based character offset in the SQL) when it gave one.
    case server(code: String, message: String, detail: String?, position: Int?)
    /// The connection was lost while a statement ran.
    case lost(reason: String)
    /// The statement was cancelled (Ctrl-C).
    case cancelled
    /// A column of the result has a type crmq cannot represent.
    case unsupportedType(column: String, type: String)

    public var message: String {
        switch self {
        case .badURL(let text, let reason): "cannot read the connection URL '\(text)': \(reason)"
        case .unreachable(let url, let reason): "cannot reach the PostgreSQL server at \(url): \(reason)"
        case .refused(let url, let message): "the PostgreSQL server at \(url) refused the login: \(message)"
        case .server(_, let message, let detail, _): "PostgreSQL: \(message)" + (detail.map { " (\($0))" } ?? "")
        case .lost(let reason): "the connection to PostgreSQL was lost: \(reason)"
        case .cancelled: "cancelled"
        case .unsupportedType(let column, let type): "column '\(column)' has the PostgreSQL type \(type), which crmq cannot read; cast it in a view (to text, numeric, date ...)"
        }
    }
}

/// psql's password file: lines `host:port:database:user:password`, `*` matching
/// anything, `\:` and `\\` escaping, `#` starting a comment. The first matching line
/// wins. A socket connection matches the host `localhost`. The file is ignored when
/// group or others may read it, as psql does.
enum PasswordFile {
    static func password(in path: String, for endpoint: PostgresEndpoint) -> String? {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_mode & 0o077 == 0,
            st.st_size < 1 << 20, let data = FileManager.default.contents(atPath: path),
            let text = String(data: data, encoding: .utf8)
        else { return nil }
        let host = endpoint.host ?? "localhost"
        let wanted = [host, String(endpoint.port), endpoint.database, endpoint.user]
        for raw in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = String(raw)
            if line.hasPrefix("#") || line.isEmpty { continue }
            let fields = splitFields(line)
            guard fields.count == 5 else { continue }
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }

    /// The fields of a line: `:` separates, `\` escapes the next character.
    static func splitFields(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var escaped = false
        for c in line {
            if escaped {
                current.append(c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == ":" && fields.count < 4 {
                fields.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        fields.append(current)
        return fields
    }
}

private func percentDecoded(_ text: String) -> String? {
    text.contains("%") ? text.removingPercentEncoding : text
}

private func percentEncoded(_ text: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
}
