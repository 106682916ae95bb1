import CrmqSource
import CrmqDiagnostics

extension ParserState {
    // script := { statement ( statementEnd | EOF ) }
    mutating func parseScript() -> Script {
        var statements: [Statement] = []
        while current.kind != .endOfFile {
            if current.kind == .statementEnd {
                advance()
                continue
            }
            let startIndex = index
            let first = current
            let errorsBefore = diagnostics.count
            do throws(ParseAbort) {
                let kind = try parseStatement()
                if !isAtEnd { throw unexpectedAfterStatement() }
                let range = SourceRange(first.range.start, previousEnd)
                if diagnostics.count == errorsBefore && !hasLexicalError(in: range) {
                    statements.append(Statement(kind: kind, range: range, leadingComments: first.leadingComments))
                }
            } catch {
                skipToStatementEnd()
            }
            // Progress guard: every statement consumes at least one token.
            if index == startIndex { advance() }
        }
        return Script(file: file, statements: statements, trailingComments: current.leadingComments)
    }

    private mutating func unexpectedAfterStatement() -> ParseAbort {
        if isSymbol(.rightParen) { return fail(.unmatchedClosingParen) }
        if current.kind == .identifier, stageOperators.contains(current.text.lowercased()) {
            return fail(.missingPipe(before: current.text))
        }
        return fail(.expectedEndOfStatement(found: describe(current)))
    }

    // statement := 'let' IDENT '=' pipeline | 'load' ... | 'save' ... | 'set' ... | 'help' ...
    //            | DOTCOMMAND | pipeline
    mutating func parseStatement() throws(ParseAbort) -> StatementKind {
        let first = current
        switch first.kind {
        case .dotCommand:
            advance()
            return parseDotCommand(first)
        case .identifier where !first.text.hasPrefix("`"):
            let word = first.text.lowercased()
            // `help` always starts a help statement; the other words only when not
            // used as a table name (`let | count` queries a table called `let`).
            if word == "help" { return try parseHelp() }
            if peek().kind != .symbol(.pipe) {
                switch word {
                case "let": return try parseLet()
                case "load": return try parseLoad()
                case "save": return try parseSave()
                case "set": return try parseSet()
                case "explain" where peek().kind != .statementEnd && peek().kind != .endOfFile:
                    advance()
                    if isWord("sql"), peek().kind != .statementEnd, peek().kind != .endOfFile, peek().kind != .symbol(.pipe) {
                        advance()
                        return .explainSQL(try parsePipeline(nested: false))
                    }
                    // `explain let name = <query>` explains the query.
                    if current.kind == .identifier, current.text.lowercased() == "let", peek().kind != .symbol(.pipe),
                        case .let(_, let value) = try parseLet()
                    {
                        return .explain(value)
                    }
                    return .explain(try parsePipeline(nested: false))
                case "connect":
                    advance()
                    guard current.kind == .string else { throw fail(.expectedConnectionURL(found: describe(current))) }
                    let token = advance()
                    return .connect(url: StringLiteral(Lexer.stringValue(of: token.text), range: token.range))
                case "disconnect" where peek().kind == .statementEnd || peek().kind == .endOfFile:
                    advance()
                    return .disconnect
                default: break
                }
            }
        case .symbol(let symbol) where symbol != .leftParen && symbol != .minus:
            // A '|' line after a finished statement: in the shell the statement ran already.
            let notes = symbol == .pipe
                ? [Note("to go on with a statement on the next line, end its line with '|'; in a script, the next line may also start with '|'")]
                : []
            throw fail(.statementCannotStart("'\(first.text)'"), notes: notes)
        case .keyword(let keyword) where [.and, .or, .in, .between, .is].contains(keyword):
            throw fail(.statementCannotStart("'\(first.text)'"))
        default:
            break
        }
        return .query(try parsePipeline(nested: false))
    }

    // let := 'let' IDENT '=' pipeline
    private mutating func parseLet() throws(ParseAbort) -> StatementKind {
        let start = advance().range.start
        let name = try expectName()
        guard eat(.equal) else {
            throw fail(.expectedToken("'='", after: quotedText(from: start), found: describe(current)))
        }
        return .let(name: name, value: try parsePipeline(nested: false))
    }

    // load := 'load' STRING [ 'as' IDENT ]
    private mutating func parseLoad() throws(ParseAbort) -> StatementKind {
        advance()
        let path = try expectPath()
        var alias: Identifier?
        if eatWord("as") { alias = try expectName() }
        return .load(path: path, alias: alias)
    }

    // save := 'save' ( IDENT | '(' pipeline ')' ) 'to' STRING
    private mutating func parseSave() throws(ParseAbort) -> StatementKind {
        let start = advance().range.start
        let source: Pipeline
        switch current.kind {
        case .symbol(.leftParen):
            let open = advance()
            source = try parsePipeline(nested: true)
            try expectClosingParen(for: open)
        case .identifier:
            let token = advance()
            let expr = Expr(.name(Lexer.identifierName(of: token.text)), range: token.range)
            source = Pipeline(source: expr, stages: [], range: token.range)
        case .keyword(let keyword) where peek().kind != .symbol(.leftParen):
            throw fail(.reservedWord(keyword.rawValue))
        default:
            throw fail(.expectedSaveSource(found: describe(current)))
        }
        guard eatWord("to") else {
            throw fail(.expectedToken("'to'", after: quotedText(from: start), found: describe(current)))
        }
        return .save(source: source, path: try expectPath())
    }

    // set := 'set' [ IDENT ( '=' | 'to' ) expr ]
    private mutating func parseSet() throws(ParseAbort) -> StatementKind {
        let start = advance().range.start
        if isAtEnd { return .set(name: nil, value: nil) }
        let name = try expectName()
        guard eat(.equal) || eatWord("to") else {
            throw fail(.expectedToken("'=' or 'to'", after: quotedText(from: start), found: describe(current)))
        }
        return .set(name: name, value: try parseExpression())
    }

    // help := 'help' [ topic ]   -- topic: words, a keyword, symbol, string, number or .name
    private mutating func parseHelp() throws(ParseAbort) -> StatementKind {
        advance()
        if isAtEnd { return .help(topic: nil) }
        let token = current
        let topic: String
        switch token.kind {
        case .string: topic = Lexer.stringValue(of: token.text)
        case .identifier: topic = Lexer.identifierName(of: token.text)
        case .keyword(let keyword): topic = keyword.rawValue
        case .symbol, .integer, .decimal: topic = token.text
        default: throw fail(.expectedToken("a topic", after: "'help'", found: describe(token)))
        }
        advance()
        // `help count()`: a function written as it is called names its function topic.
        if token.kind == .identifier, isSymbol(.leftParen), peek().kind == .symbol(.rightParen) {
            advance()
            let close = advance()
            if !isAtEnd { throw fail(.helpTakesOneTopic(found: describe(current))) }
            return .help(topic: Identifier(topic + "()", range: SourceRange(token.range.start, close.range.end)))
        }
        // `help share of wallet`: a topic of several words is their text as written.
        func isWord(_ kind: TokenKind) -> Bool {
            switch kind {
            case .identifier, .integer, .keyword: true
            default: false
            }
        }
        while !isAtEnd {
            // `help share-of-wallet`: a hyphen joins words.
            guard isWord(token.kind), isWord(current.kind) || current.kind == .symbol(.minus) else {
                throw fail(.helpTakesOneTopic(found: describe(current)))
            }
            advance()
        }
        if previousEnd > token.range.end {
            let range = SourceRange(token.range.start, previousEnd)
            return .help(topic: Identifier(file.text(of: range), range: range))
        }
        return .help(topic: Identifier(topic, range: token.range))
    }

    // dotCommand := '.' NAME { ARGUMENT }   -- arguments split at spaces; double quotes group
    private func parseDotCommand(_ token: Token) -> StatementKind {
        let bytes = Array(token.text.utf8)
        let base = token.range.start
        var i = 1
        while i < bytes.count, !isSpace(bytes[i]) { i += 1 }
        let name = Identifier(
            String(decoding: bytes[1..<i], as: UTF8.self), range: SourceRange(base + 1, base + i))
        var arguments: [StringLiteral] = []
        while i < bytes.count {
            while i < bytes.count, isSpace(bytes[i]) { i += 1 }
            guard i < bytes.count else { break }
            let start = i
            var value: [UInt8] = []
            var quoted = false
            while i < bytes.count, quoted || !isSpace(bytes[i]) {
                if bytes[i] == .doubleQuote {
                    quoted.toggle()
                } else {
                    value.append(bytes[i])
                }
                i += 1
            }
            arguments.append(
                StringLiteral(String(decoding: value, as: UTF8.self), range: SourceRange(base + start, base + i)))
        }
        return .dotCommand(name: name, arguments: arguments)
    }

    private func isSpace(_ b: UInt8) -> Bool { b == .space || b == .tab }

    // MARK: Shared pieces

    /// A name being defined (binding, alias, setting, output column): an identifier,
    /// or a helpful error when a reserved word is used instead.
    mutating func expectName() throws(ParseAbort) -> Identifier {
        switch current.kind {
        case .identifier:
            let token = advance()
            return Identifier(Lexer.identifierName(of: token.text), range: token.range)
        case .keyword(let keyword):
            throw fail(.reservedWord(keyword.rawValue))
        default:
            throw fail(.expectedName(after: afterPrevious, found: describe(current)))
        }
    }

    private mutating func expectPath() throws(ParseAbort) -> StringLiteral {
        guard current.kind == .string else {
            throw fail(.expectedPath(after: afterPrevious, found: describe(current)))
        }
        let token = advance()
        return StringLiteral(Lexer.stringValue(of: token.text), range: token.range)
    }

    /// Consumes the `)` matching `open`, or reports it missing with a note at the opener.
    mutating func expectClosingParen(for open: Token) throws(ParseAbort) {
        if eat(.rightParen) { return }
        throw fail(.expectedClosingParen, notes: [Note("to close '(' here", at: .source(file, open.range))])
    }
}
