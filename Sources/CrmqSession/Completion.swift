import Foundation
import CrmqSource
import CrmqSyntax
import CrmqSemantics

/// What Tab offers at a cursor: the word being completed and its candidates.
public struct Completion: Sendable, Equatable {
    /// The UTF-8 byte offsets, within the text given, of the partial word at the cursor:
    /// a chosen candidate replaces `start..<end`. Always within the text's last line.
    public var start: Int
    public var end: Int
    /// The candidates, unique, in the order to show them (columns before functions).
    /// Functions end in `(`, folders in `/`, file names in the closing quote.
    public var candidates: [String]

    public init(start: Int, end: Int, candidates: [String]) {
        self.start = start
        self.end = end
        self.candidates = candidates
    }
}

extension Session {
    /// The completions at `cursor` (a UTF-8 byte offset) in `text`, the statement typed so
    /// far (earlier lines of a multi-line statement included). Context decides the
    /// candidates: statement words, tables and `let` names at the start; operator names
    /// after `|`; the columns flowing into the current stage, then functions, inside an
    /// expression; topics after `help`; file names after `load` and `.read`; session
    /// commands after a leading `.`.
    public func completions(text: String, cursor: Int) -> Completion {
        CompletionContext(session: self, text: text, cursor: cursor).complete()
    }
}

/// One completion request: the text up to the cursor, split into the word being typed
/// and the tokens of the statement before it.
private struct CompletionContext {
    let session: Session
    let bytes: [UInt8]
    let cursor: Int

    init(session: Session, text: String, cursor: Int) {
        self.session = session
        self.bytes = Array(text.utf8)
        self.cursor = max(0, min(cursor, bytes.count))
    }

    func complete() -> Completion {
        let lineStart = (bytes[..<cursor].lastIndex(of: UInt8(ascii: "\n"))).map { $0 + 1 } ?? 0
        if let c = dotCommand(lineStart: lineStart) { return c }
        if let c = insideString(lineStart: lineStart) { return c }

        var start = cursor
        while start > lineStart, Self.isWordByte(bytes[start - 1]) { start -= 1 }
        let word = String(decoding: bytes[start..<cursor], as: UTF8.self)
        let before = String(decoding: bytes[..<start], as: UTF8.self)
        let file = SourceFile(name: "<completion>", text: before)
        var all = Lexer.tokenize(file).tokens.filter { $0.kind != .endOfFile }
        if lineStart > 0, bytes[lineStart..<start].allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) {
            // A word at the start of a later line: whether the statement above ended there
            // shows only once a token follows the line end, so lex with one in place of the
            // word (its own token dropped).
            let probe = SourceFile(name: "<completion>", text: before + "x")
            all = Array(Lexer.tokenize(probe).tokens.filter { $0.kind != .endOfFile }.dropLast())
        }
        let statement = Array(all[((all.lastIndex { $0.kind == .statementEnd }).map { $0 + 1 } ?? 0)...])
        let candidates = candidates(in: statement, file: file)
        return Completion(start: start, end: cursor, candidates: Self.matching(candidates, word))
    }

    // MARK: - Contexts

    /// The candidates for a word following `tokens` (the statement so far).
    private func candidates(in tokens: [Token], file: SourceFile) -> [String] {
        guard let first = tokens.first else {
            return statementWords + sources + session.scalarNames
        }
        let firstWord = first.kind == .identifier ? first.text.lowercased() : ""
        let last = tokens[tokens.count - 1]
        switch (firstWord, tokens.count) {
        case ("help", 1): return Help.topicNames
        case ("set", 1): return Settings.specs.map(\.name)
        case ("save", 1): return session.tableNames
        case ("let", 3), ("explain", 1): return sources + session.scalarNames + functions
        default: break
        }
        if last.kind == .symbol(.pipe) { return stageOperators }

        // The pipeline the cursor is in: after the innermost open '(' (or the statement's
        // start), and within it the stage after its last '|'.
        var opens: [Int] = []
        for (i, t) in tokens.enumerated() {
            if t.kind == .symbol(.leftParen) { opens.append(i) }
            if t.kind == .symbol(.rightParen), !opens.isEmpty { opens.removeLast() }
        }
        var pipelineStart = opens.last.map { $0 + 1 } ?? 0
        if opens.isEmpty, firstWord == "let", tokens.count > 3 { pipelineStart = 3 }
        if opens.isEmpty, firstWord == "explain", tokens.count > 1 { pipelineStart = 1 }
        var depth = 0
        var lastPipe: Int?
        for i in pipelineStart..<tokens.count {
            switch tokens[i].kind {
            case .symbol(.leftParen): depth += 1
            case .symbol(.rightParen): depth -= 1
            case .symbol(.pipe) where depth == 0: lastPipe = i
            default: break
            }
        }
        guard let pipe = lastPipe, pipe + 1 < tokens.count else {
            // Still in the source: a table, or the start of a scalar expression.
            return Self.endsExpression(last) ? [] : sources + session.scalarNames + functions
        }
        let stage = tokens[pipe + 1].text.lowercased()
        let stageTokens = Array(tokens[(pipe + 1)...])
        let columns = inputColumns(tokens: tokens, pipelineStart: pipelineStart, pipe: pipe, file: file)

        if stage == "join" {
            let words = stageTokens.map { $0.text.lowercased() }
            if stageTokens.count == 1 { return sources }
            if words.last == "kind" { return ["inner", "left"] }
            if !words.contains("on") { return Self.endsExpression(last) ? ["on"] : sources }
            return Self.endsExpression(last) ? ["kind"] : columns
        }
        if Self.endsExpression(last) && stageTokens.count > 1 {
            let hasBy = stageTokens.contains { $0.kind == .identifier && $0.text.lowercased() == "by" }
            switch stage {
            case "sort": return ["asc", "desc"]
            case "top": return hasBy ? ["asc", "desc", "per"] : ["by"]
            case "window":
                let words = Set(stageTokens.map { $0.text.lowercased() })
                return (words.contains("sort") ? ["asc", "desc"] : ["sort"]) + (words.contains("by") ? [] : ["by"])
            case "summarize": return hasBy ? [] : ["by"]
            default: return ["and", "or", "in", "between", "is", "not"]
            }
        }
        if stage == "count" && stageTokens.count == 1 { return ["by"] }
        if stage == "take" || (stage == "top" && stageTokens.count == 1) { return session.scalarNames }
        // Aggregates belong in summarize's items (not its 'by' list); window functions and
        // aggregates in a window stage's items (not its 'by' or 'sort').
        let inItems = ["summarize", "window"].contains(stage)
            && !stageTokens.contains { $0.kind == .identifier && ["by", "sort"].contains($0.text.lowercased()) }
        return columns + session.scalarNames + functions(aggregates: inItems, windows: inItems && stage == "window")
    }

    /// The columns of the rows flowing into the stage after `tokens[pipe]`: the pipeline
    /// before it, checked. When that does not check, the longest prefix that does, found by
    /// bisection: a prefix that fails to parse or check makes every longer one fail, and
    /// trying each prefix from the longest took time quadratic in the stages (seconds for a
    /// pasted line of a few hundred pipes, which the fuzzer found).
    private func inputColumns(tokens: [Token], pipelineStart: Int, pipe: Int, file: SourceFile) -> [String] {
        var depth = 0
        var pipes: [Int] = []
        for i in pipelineStart..<pipe + 1 {
            switch tokens[i].kind {
            case .symbol(.leftParen): depth += 1
            case .symbol(.rightParen): depth -= 1
            case .symbol(.pipe) where depth == 0: pipes.append(i)
            default: break
            }
        }
        guard pipelineStart < tokens.count else { return [] }
        let startByte = tokens[pipelineStart].range.start
        func columns(_ k: Int) -> [String]? {
            schema(ofQuery: file.text(of: SourceRange(startByte, tokens[pipes[k]].range.start)))?.names
        }
        if let all = pipes.indices.last.flatMap(columns) { return all }
        // Invariant: the prefix before pipes[good] checks (or good is -1); the one before pipes[bad] does not.
        var good = -1
        var bad = pipes.count - 1
        var found: [String] = []
        while bad - good > 1 {
            let middle = (good + bad) / 2
            if let c = columns(middle) {
                good = middle
                found = c
            } else {
                bad = middle
            }
        }
        return found
    }

    /// The schema of a query's result, nil if it does not parse and check as a query.
    private func schema(ofQuery text: String) -> Schema? {
        let file = SourceFile(name: "<completion>", text: text)
        let (script, diagnostics) = Parser.parse(file)
        guard diagnostics.isEmpty, script.statements.count == 1,
            let checked = try? Checker(catalog: session, file: file).check(script.statements[0]),
            case .query(let plan) = checked
        else { return nil }
        return plan.schema
    }

    /// A line starting with '.': command names, then each command's arguments.
    private func dotCommand(lineStart: Int) -> Completion? {
        var i = lineStart
        while i < cursor, bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t") { i += 1 }
        // A session command is a line of its own, not the continuation of a statement.
        let earlier = String(decoding: bytes[..<lineStart], as: UTF8.self)
        guard i < cursor, bytes[i] == UInt8(ascii: "."), Lexer.isComplete(earlier) else { return nil }
        let line = bytes[i..<cursor]
        guard let space = line.firstIndex(where: { $0 == UInt8(ascii: " ") }) else {
            let word = String(decoding: line, as: UTF8.self)
            return Completion(
                start: i, end: cursor,
                candidates: Self.matching(Session.dotCommands.map { "." + $0.name }, word))
        }
        let command = String(decoding: bytes[i..<space], as: UTF8.self).lowercased()
        var start = cursor
        while start > space, bytes[start - 1] != UInt8(ascii: " ") { start -= 1 }
        let word = String(decoding: bytes[start..<cursor], as: UTF8.self)
        let candidates: [String]
        switch command {
        case ".read", ".output": candidates = Self.files(matching: word, closingQuote: false)
        case ".mode": candidates = Self.matching(OutputMode.allCases.map(\.rawValue), word)
        case ".timer": candidates = Self.matching(["on", "off"], word)
        case ".schema": candidates = Self.matching(session.tableNames, word)
        default: candidates = []
        }
        return Completion(start: start, end: cursor, candidates: candidates)
    }

    /// Inside an unfinished string after `load` or `save ... to`: file names.
    private func insideString(lineStart: Int) -> Completion? {
        var quote: Int? = nil
        var i = lineStart
        while i < cursor {
            let b = bytes[i]
            if let q = quote {
                if b == UInt8(ascii: "\\") { i += 1 } else if b == bytes[q] { quote = nil }
            } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                quote = i
            }
            i += 1
        }
        guard let q = quote else { return nil }
        let before = String(decoding: bytes[..<q], as: UTF8.self)
        let tokens = Lexer.tokenize(SourceFile(name: "<completion>", text: before)).tokens
            .filter { $0.kind != .endOfFile && $0.kind != .statementEnd }
        let previous = tokens.last?.text.lowercased()
        guard previous == "load" || previous == "to" else {
            return Completion(start: q + 1, end: cursor, candidates: [])
        }
        let word = String(decoding: bytes[(q + 1)..<cursor], as: UTF8.self)
        return Completion(start: q + 1, end: cursor, candidates: Self.files(matching: word, closingQuote: true))
    }

    // MARK: - Candidate sources

    private var functions: [String] { functions(aggregates: false, windows: false) }

    /// What a query may start from: the tables (`let` tables included), then the table
    /// functions with their '(' (`cohorts(`, `rfm(`).
    private var sources: [String] {
        session.tableNames + session.tableFunctionNames.map { $0 + "(" }
    }

    /// Function names with their '(' — the scalar ones, then (where they fit) aggregates and
    /// window functions.
    private func functions(aggregates: Bool, windows: Bool) -> [String] {
        Help.allFunctions.filter { ($0.isAggregate ? aggregates : true) && ($0.isWindow ? windows : true) }
            .map { $0.name + "(" }
    }

    /// Files and folders whose path starts with `partial`; folders end in '/'.
    static func files(matching partial: String, closingQuote: Bool) -> [String] {
        let slash = partial.lastIndex(of: "/")
        let folder = slash.map { String(partial[...$0]) } ?? ""
        let prefix = slash.map { String(partial[partial.index(after: $0)...]) } ?? partial
        let fm = FileManager.default
        let listed = folder.isEmpty ? fm.currentDirectoryPath : (folder.hasPrefix("/") ? folder : fm.currentDirectoryPath + "/" + folder)
        guard let names = try? fm.contentsOfDirectory(atPath: listed) else { return [] }
        return names.filter { $0.hasPrefix(prefix) && (prefix.hasPrefix(".") || !$0.hasPrefix(".")) }.sorted().map { name in
            var isDirectory: ObjCBool = false
            _ = fm.fileExists(atPath: listed + "/" + name, isDirectory: &isDirectory)
            return folder + name + (isDirectory.boolValue ? "/" : (closingQuote ? "\"" : ""))
        }
    }

    // MARK: - Helpers

    /// Candidates starting with `word` (ignoring case), unique, in their order.
    static func matching(_ candidates: [String], _ word: String) -> [String] {
        var seen = Set<String>()
        let lower = word.lowercased()
        return candidates.filter { $0.lowercased().hasPrefix(lower) && seen.insert($0).inserted }
    }

    /// Letters, digits, '_' and any non-ASCII byte (names may be Unicode).
    static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b >= 0x80
    }

    /// Whether a token can end an expression (so what follows is an operator or keyword).
    static func endsExpression(_ t: Token) -> Bool {
        switch t.kind {
        case .identifier: !["by", "on", "kind", "sort", "per"].contains(t.text.lowercased())
        case .integer, .decimal, .string, .symbol(.rightParen): true
        case .keyword(let k): k == .true || k == .false || k == .null
        default: false
        }
    }
}
