import CrmqSource
import CrmqDiagnostics

extension ParserState {
    // pipeline := expr { '|' stage }
    // `nested` when inside '(' ... ')': a failed stage then also stops at the closing ')'.
    mutating func parsePipeline(nested: Bool) throws(ParseAbort) -> Pipeline {
        let source = try parseExpression()
        var stages: [Stage] = []
        while isSymbol(.pipe) {
            if stages.count == Self.maximumStages {
                // The executor and checker recurse once per stage.
                throw fail(.tooManyStages)
            }
            advance()
            let stageStart = index
            do throws(ParseAbort) {
                if let last = stages.last, case .chart = last.kind {
                    let next = current.kind == .identifier ? current.text : describe(current)
                    throw fail(.chartNotLast(next: next), notes: [
                        Note("a chart is not a table: write the stages that shape its rows before 'chart'",
                             at: .source(file, last.range)),
                    ])
                }
                let stage = try parseStage()
                try expectStageEnd(after: stage, nested: nested)
                stages.append(stage)
            } catch {
                skipStage(from: stageStart, nested: nested)
            }
        }
        return Pipeline(source: source, stages: stages, range: SourceRange(source.range.start, previousEnd))
    }

    private mutating func expectStageEnd(after stage: Stage, nested: Bool) throws(ParseAbort) {
        if isAtEnd || isSymbol(.pipe) || (nested && isSymbol(.rightParen)) { return }
        if isSymbol(.rightParen) { throw fail(.unmatchedClosingParen) }
        // `summarize n = count() group by region` (SQL): crmq's grouping is the stage's own 'by'.
        if isWord("group"), Self.isWord(peek(), "by") {
            throw fail(.foreignOperator("group by", crmq: "'by x' at the end of 'summarize' or 'count'"))
        }
        // SQL's window clauses: crmq's window functions are computed by a 'window' stage.
        if isWord("over") {
            throw fail(.overClause(stage: stage.name.name.lowercased()))
        }
        if stage.name.name.lowercased() == "window" {
            if isWord("partition"), Self.isWord(peek(), "by") {
                throw fail(.windowClause("partition by", crmq: "'by x' (the groups)"))
            }
            if isWord("order"), Self.isWord(peek(), "by") {
                throw fail(.windowClause("order by", crmq: "'sort x [desc]' (the order within a group)"))
            }
        }
        throw fail(
            .expectedStageEnd(
                stage: stage.name.name.lowercased(), closer: nested ? "')'" : "end of line",
                found: describe(current)))
    }

    // stage := 'where' expr | 'select' named {',' named} | 'extend' named {',' named}
    //        | 'sort' sortItem {',' sortItem} | 'take' expr | 'top' expr 'by' sortItem {',' sortItem}
    //        | 'count' [ 'by' named {',' named} ] | 'summarize' named {',' named} [ 'by' named {',' named} ]
    //        | 'join' joinSource 'on' joinKey {',' joinKey} [ 'kind' ( 'inner' | 'left' ) ]
    //        | 'distinct' named {',' named} | chart | window
    private mutating func parseStage() throws(ParseAbort) -> Stage {
        guard current.kind == .identifier, !current.text.hasPrefix("`") else {
            throw fail(.expectedOperator(found: describe(current)), notes: [operatorNote(for: nil)])
        }
        let operatorToken = advance()
        let name = Identifier(operatorToken.text, range: operatorToken.range)
        let kind: StageKind
        switch operatorToken.text.lowercased() {
        case "where": kind = .where(try parseExpression())
        case "select": kind = .select(try parseNamedList())
        case "extend": kind = .extend(try parseExtendItems())
        case "sort":
            // `sort by x` (KQL): `by` followed by an expression, not a column called `by`.
            if isWord("by"), Self.startsExpression(peek()) {
                throw fail(.sortBy, at: current)
            }
            kind = .sort(try parseSortItems())
        case "take": kind = .take(try parseExpression())
        case "top": kind = try parseTop(start: operatorToken.range.start)
        case "count": kind = .count(by: eatWord("by") ? try parseNamedList() : [])
        case "summarize":
            if current.kind == .identifier, current.text.lowercased() == "by", peek().kind == .identifier {
                throw fail(.summarizeNeedsAggregate)
            }
            let aggregates = try parseNamedList()
            kind = .summarize(aggregates: aggregates, by: eatWord("by") ? try parseNamedList() : [])
        case "join": kind = try parseJoin(start: operatorToken.range.start)
        case "distinct": kind = .distinct(try parseNamedList())
        case "chart": kind = .chart(try parseChart())
        case "window": kind = .window(try parseWindow())
        default:
            if let crmq = foreignOperators[operatorToken.text.lowercased()] {
                throw fail(.foreignOperator(operatorToken.text, crmq: crmq), at: operatorToken)
            }
            throw fail(
                .unknownOperator(operatorToken.text), at: operatorToken,
                notes: [operatorNote(for: operatorToken.text)])
        }
        return Stage(kind: kind, range: SourceRange(operatorToken.range.start, previousEnd), name: name)
    }

    /// Operators of SQL, KQL, PRQL and dplyr that crmq spells otherwise, and its spelling.
    private var foreignOperators: [String: String] {
        [
            "order": "'sort x [desc]'", "orderby": "'sort x [desc]'", "arrange": "'sort x [desc]'",
            "limit": "'take n'", "head": "'take n'",
            "filter": "'where condition'",
            "project": "'select a, b' (and 'extend' to add columns)", "rename": "'select new = old, ...'",
            "group": "'summarize name = aggregate, ... by x' or 'count by x'",
            "aggregate": "'summarize name = aggregate, ... [by x]'",
            "derive": "'extend name = expression'", "mutate": "'extend name = expression'",
        ]
    }

    /// Whether a token can start an expression (for telling `sort by x` from a column `by`).
    static func startsExpression(_ token: Token) -> Bool {
        switch token.kind {
        case .identifier:
            let word = token.text.lowercased()
            return word != "asc" && word != "desc"
        case .integer, .decimal, .string, .keyword(.not), .keyword(.null), .keyword(.true), .keyword(.false),
            .symbol(.leftParen), .symbol(.minus):
            return true
        default: return false
        }
    }

    private func operatorNote(for name: String?) -> Note {
        guard let name else {
            return Note("the operators are " + stageOperators.map { "'\($0)'" }.joined(separator: ", "))
        }
        return Note(Suggestions.note(for: name, among: stageOperators, kind: "operator"))
    }

    // named := IDENT '=' expr | expr
    mutating func parseNamed() throws(ParseAbort) -> NamedExpr {
        if peek().kind == .symbol(.equal) {
            switch current.kind {
            case .identifier:
                let token = advance()
                advance()
                let name = Identifier(Lexer.identifierName(of: token.text), range: token.range)
                return NamedExpr(name: name, expr: try parseExpression())
            case .keyword(let keyword):
                throw fail(.reservedWord(keyword.rawValue))
            default:
                break
            }
        }
        return NamedExpr(name: nil, expr: try parseExpression())
    }

    // namedList := named { ',' named }
    mutating func parseNamedList() throws(ParseAbort) -> [NamedExpr] {
        var items = [try parseNamed()]
        while eat(.comma) { items.append(try parseNamed()) }
        return items
    }

    // extendItems := IDENT '=' expr { ',' IDENT '=' expr }
    private mutating func parseExtendItems(stage: String = "extend") throws(ParseAbort) -> [NamedExpr] {
        var items: [NamedExpr] = []
        repeat {
            let first = current
            let item = try parseNamed()
            if item.name == nil { throw fail(.needsName(stage: stage), at: first) }
            items.append(item)
        } while eat(.comma)
        return items
    }

    // groupKeys := expr { ',' expr }   (the groups of 'top ... per' and 'window ... by')
    // A key is not named: it groups the rows and adds no column. `=` would read as a
    // comparison, so a name is caught here rather than becoming a true/false key.
    private mutating func parseGroupKeys(after word: String) throws(ParseAbort) -> [NamedExpr] {
        var keys: [NamedExpr] = []
        repeat {
            let first = current
            let key = try parseNamed()
            if let name = key.name {
                throw fail(.namedGroupKey(word: word, name: name.name, expression: file.text(of: key.expr.range)), at: first)
            }
            keys.append(key)
        } while eat(.comma)
        return keys
    }

    // window := 'window' extendItems [ 'by' groupKeys ] [ 'sort' sortItem { ',' sortItem } ]
    // The two clauses may come in either order, each once.
    private mutating func parseWindow() throws(ParseAbort) -> WindowStage {
        let items = try parseExtendItems(stage: "window")
        var by: [NamedExpr]?
        var sort: [SortItem]?
        while true {
            if by == nil, isWord("by") {
                advance()
                by = try parseGroupKeys(after: "by")
            } else if sort == nil, isWord("sort") {
                advance()
                if isWord("by"), Self.startsExpression(peek()) { throw fail(.sortBy, at: current) }
                sort = try parseSortItems()
            } else {
                break
            }
        }
        return WindowStage(items: items, by: by ?? [], sort: sort ?? [])
    }

    // sortItem := expr [ 'asc' | 'desc' ]
    private mutating func parseSortItem() throws(ParseAbort) -> SortItem {
        let expr = try parseExpression()
        var direction: SortDirection?
        if eatWord("asc") { direction = .ascending } else if eatWord("desc") { direction = .descending }
        return SortItem(expr: expr, direction: direction, range: SourceRange(expr.range.start, previousEnd))
    }

    private mutating func parseSortItems() throws(ParseAbort) -> [SortItem] {
        var items = [try parseSortItem()]
        while eat(.comma) { items.append(try parseSortItem()) }
        return items
    }

    // top := 'top' expr 'by' sortItem { ',' sortItem } [ 'per' groupKeys ]
    private mutating func parseTop(start: Int) throws(ParseAbort) -> StageKind {
        // `top by x`: the count is missing (`by` would otherwise read as a column name).
        if isWord("by") { throw fail(.topNeedsCount) }
        let count = try parseExpression()
        guard eatWord("by") else { throw fail(.expectedBy(after: quotedText(from: start))) }
        let keys = try parseSortItems()
        let per = eatWord("per") ? try parseGroupKeys(after: "per") : []
        return .top(count: count, by: keys, per: per)
    }

    // join := 'join' joinSource 'on' joinKey { ',' joinKey } [ 'kind' ( 'inner' | 'left' ) ]
    // joinSource := IDENT | IDENT '(' args ')' | '(' pipeline ')'
    private mutating func parseJoin(start: Int) throws(ParseAbort) -> StageKind {
        switch current.kind {
        case .identifier, .symbol(.leftParen): break
        case .keyword(let keyword) where peek().kind != .symbol(.leftParen):
            throw fail(.reservedWord(keyword.rawValue))
        default: throw fail(.expectedJoinSource(found: describe(current)))
        }
        let source = try parsePrimary()
        guard eatWord("on") else {
            throw fail(.expectedToken("'on'", after: quotedText(from: start), found: describe(current)))
        }
        var keys = [try parseJoinKey()]
        while eat(.comma) { keys.append(try parseJoinKey()) }
        var kind = JoinKind.inner
        if eatWord("kind") {
            guard current.kind == .identifier else {
                throw fail(.expectedToken("'inner' or 'left'", after: "'kind'", found: describe(current)))
            }
            guard let written = JoinKind(rawValue: current.text.lowercased()) else {
                let note = Suggestions.note(for: current.text, among: ["inner", "left"], kind: "join kind")
                throw fail(.unknownJoinKind(current.text), notes: [Note(note)])
            }
            advance()
            kind = written
        }
        return .join(source: source, on: keys, kind: kind)
    }

    // joinKey := IDENT [ ( '==' | '=' ) IDENT ]
    private mutating func parseJoinKey() throws(ParseAbort) -> JoinKey {
        let left = try expectName()
        guard eat(.equalEqual) || eat(.equal) else { return JoinKey(left: left, right: left) }
        return JoinKey(left: left, right: try expectName())
    }

    // chart := 'chart' ( 'bar' | 'line' | 'histogram' | 'scatter' ) [ IDENT { ',' IDENT } ] { chartOption }
    // chartOption := 'bins' INTEGER | 'title' STRING
    // `bins` and `title` are options only when their value follows, so a column may have either name.
    private mutating func parseChart() throws(ParseAbort) -> ChartStage {
        guard current.kind == .identifier, !current.text.hasPrefix("`") else {
            throw fail(.expectedChartKind(found: describe(current)))
        }
        guard let style = ChartStyle(rawValue: current.text.lowercased()) else {
            let note = Suggestions.note(for: current.text, among: ChartStyle.allCases.map(\.rawValue), kind: "chart kind")
            throw fail(.unknownChartKind(current.text), notes: [Note(note)])
        }
        let styleToken = advance()
        var columns: [Identifier] = []
        if current.kind == .identifier, !isChartOption {
            columns.append(try expectName())
            while eat(.comma) { columns.append(try expectName()) }
        }
        var bins: (count: Int64, range: SourceRange)?
        var title: StringLiteral?
        while true {
            if bins == nil, isWord("bins") {
                let word = advance()
                guard current.kind == .integer, let n = Int64(current.text) else {
                    throw fail(.chartBinsCount(found: describe(current)))
                }
                let number = advance()
                bins = (n, word.range.union(number.range))
            } else if title == nil, isWord("title"), peek().kind == .string {
                advance()
                let text = advance()
                title = StringLiteral(Lexer.stringValue(of: text.text), range: text.range)
            } else {
                break
            }
        }
        return ChartStage(
            style: style, styleName: Identifier(styleToken.text, range: styleToken.range), columns: columns,
            bins: bins, title: title)
    }

    /// At `bins <integer>` or `title "text"`.
    private var isChartOption: Bool {
        (isWord("bins") && peek().kind == .integer) || (isWord("title") && peek().kind == .string)
    }
}
