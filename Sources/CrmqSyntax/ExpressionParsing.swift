import CrmqSource
import CrmqDiagnostics

extension ParserState {
    // expr := or
    mutating func parseExpression() throws(ParseAbort) -> Expr {
        try parseOr()
    }

    // or := and { 'or' and }
    private mutating func parseOr() throws(ParseAbort) -> Expr {
        var left = try parseAnd()
        while isKeyword(.or) {
            advance()
            left = try binary(.or, left, try parseAnd())
        }
        return left
    }

    // and := not { 'and' not }
    private mutating func parseAnd() throws(ParseAbort) -> Expr {
        var left = try parseNot()
        while isKeyword(.and) {
            advance()
            left = try binary(.and, left, try parseNot())
        }
        return left
    }

    // not := 'not' not | comparison
    private mutating func parseNot() throws(ParseAbort) -> Expr {
        guard isKeyword(.not) else { return try parseComparison() }
        let start = advance().range.start
        let operand = try nested { (parser) throws(ParseAbort) in try parser.parseNot() }
        return try node(.unary(.not, operand), range: SourceRange(start, operand.range.end))
    }

    // comparison := additive [ compareOp additive
    //                        | ['not'] 'in' '(' expr {',' expr} ')'
    //                        | ['not'] 'between' additive 'and' additive
    //                        | 'is' ['not'] 'null' ]
    private mutating func parseComparison() throws(ParseAbort) -> Expr {
        let left = try parseAdditive()
        if let op = comparisonOperator(current) {
            advance()
            let right = try parseAdditive()
            if comparisonOperator(current) != nil { throw chainedComparison(left, op, right) }
            return try binary(op, left, right)
        }
        var negated = false
        if isKeyword(.not), [.keyword(.in), .keyword(.between)].contains(peek().kind) {
            advance()
            negated = true
        }
        if isKeyword(.in) {
            advance()
            guard isSymbol(.leftParen) else {
                throw fail(.expectedToken("'('", after: "'in'", found: describe(current)))
            }
            let open = advance()
            var items = [try parseExpression()]
            while eat(.comma) { items.append(try parseExpression()) }
            try expectClosingParen(for: open)
            return try node(.inList(left, items, negated: negated), range: SourceRange(left.range.start, previousEnd))
        }
        if isKeyword(.between) {
            let start = advance().range.start
            let low = try parseAdditive()
            guard isKeyword(.and) else {
                throw fail(.expectedToken("'and'", after: quotedText(from: start), found: describe(current)))
            }
            advance()
            let high = try parseAdditive()
            return try node(
                .between(left, low: low, high: high, negated: negated),
                range: SourceRange(left.range.start, high.range.end))
        }
        if isKeyword(.is) {
            let start = advance().range.start
            let negatedNull = isKeyword(.not)
            if negatedNull { advance() }
            guard isKeyword(.null) else {
                throw fail(.expectedToken("'null'", after: quotedText(from: start), found: describe(current)))
            }
            let end = advance().range.end
            return try node(.isNull(left, negated: negatedNull), range: SourceRange(left.range.start, end))
        }
        return left
    }

    private func comparisonOperator(_ token: Token) -> BinaryOperator? {
        switch token.kind {
        // `=` in an expression is equality, as in SQL; `<>` is SQL's `!=`.
        case .symbol(.equalEqual), .symbol(.equal): .equal
        case .symbol(.bangEqual), .symbol(.lessGreater): .notEqual
        case .symbol(.less): .less
        case .symbol(.lessEqual): .lessEqual
        case .symbol(.greater): .greater
        case .symbol(.greaterEqual): .greaterEqual
        default: nil
        }
    }

    /// `a < b < c`: reported at the second operator, suggesting `a < b and b < c`.
    private mutating func chainedComparison(_ left: Expr, _ op: BinaryOperator, _ middle: Expr) -> ParseAbort {
        let secondOperator = current
        let file = self.file
        let text = { (e: Expr) in file.text(of: e.range) }
        var suggestion = "\(text(left)) \(op.rawValue) \(text(middle)) and \(text(middle)) \(secondOperator.text) ..."
        let saved = (index, previous, diagnostics.count)
        advance()
        if let right = try? parseAdditive() {
            suggestion = "\(text(left)) \(op.rawValue) \(text(middle)) and \(text(middle)) \(secondOperator.text) \(text(right))"
        }
        // The third operand is only read for the suggestion; its own errors belong to a later pass.
        diagnostics.removeSubrange(saved.2...)
        index = saved.0
        previous = saved.1
        return fail(.chainedComparison(suggestion: suggestion), at: secondOperator)
    }

    // additive := multiplicative { ('+'|'-') multiplicative }
    private mutating func parseAdditive() throws(ParseAbort) -> Expr {
        var left = try parseMultiplicative()
        while true {
            let op: BinaryOperator
            switch current.kind {
            case .symbol(.plus): op = .add
            case .symbol(.minus): op = .subtract
            default: return left
            }
            advance()
            left = try binary(op, left, try parseMultiplicative())
        }
    }

    // multiplicative := unary { ('*'|'/'|'%') unary }
    private mutating func parseMultiplicative() throws(ParseAbort) -> Expr {
        var left = try parseUnary()
        while true {
            let op: BinaryOperator
            switch current.kind {
            case .symbol(.star): op = .multiply
            case .symbol(.slash): op = .divide
            case .symbol(.percent): op = .modulo
            default: return left
            }
            advance()
            left = try binary(op, left, try parseUnary())
        }
    }

    // unary := '-' unary | primary
    private mutating func parseUnary() throws(ParseAbort) -> Expr {
        guard isSymbol(.minus) else { return try parsePrimary() }
        let start = advance().range.start
        let operand = try nested { (parser) throws(ParseAbort) in try parser.parseUnary() }
        return try node(.unary(.negate, operand), range: SourceRange(start, operand.range.end))
    }

    // primary := INTEGER | DECIMAL | STRING | 'true' | 'false' | 'null'
    //          | IDENT [ '(' [ expr { ',' expr } ] ')' ] | '(' pipeline ')'
    mutating func parsePrimary() throws(ParseAbort) -> Expr {
        let token = current
        switch token.kind {
        case .integer:
            advance()
            // Too large was reported by the lexer; 0 keeps the tree whole.
            return Expr(.literal(.integer(Int64(token.text) ?? 0)), range: token.range)
        case .decimal:
            advance()
            return Expr(.literal(.decimal(token.text)), range: token.range)
        case .string:
            advance()
            return Expr(.literal(.string(Lexer.stringValue(of: token.text))), range: token.range)
        case .keyword(.true), .keyword(.false):
            advance()
            return Expr(.literal(.bool(token.kind == .keyword(.true))), range: token.range)
        case .keyword(.null):
            advance()
            return Expr(.literal(.null), range: token.range)
        case .identifier:
            advance()
            let name = Lexer.identifierName(of: token.text)
            guard isSymbol(.leftParen) else { return Expr(.name(name), range: token.range) }
            // `count(distinct x)` (SQL): the caret goes under 'distinct x'.
            if name.lowercased() == "count", Self.isWord(peek(), "distinct"), Self.startsExpression(peek(2)) {
                let distinct = peek()
                throw fail(.countDistinct(function: name), at: distinct)
            }
            let arguments = try parseArguments()
            return try node(
                .call(name: Identifier(name, range: token.range), arguments: arguments),
                range: SourceRange(token.range.start, previousEnd))
        case .symbol(.leftParen):
            let open = advance()
            let inner = try nested { (parser) throws(ParseAbort) in try parser.parsePipeline(nested: true) }
            try expectClosingParen(for: open)
            let range = SourceRange(open.range.start, previousEnd)
            // Without stages the parentheses only group; with stages they make a subquery.
            if inner.stages.isEmpty { return Expr(inner.source.kind, range: range) }
            return try node(.subquery(inner), range: range)
        default:
            throw fail(.expectedExpression(after: afterPrevious, found: describe(token)))
        }
    }

    // args := '(' [ expr { ',' expr } ] ')'
    private mutating func parseArguments() throws(ParseAbort) -> [Expr] {
        try nested { (parser) throws(ParseAbort) in
            let open = parser.advance()
            var arguments: [Expr] = []
            if !parser.isSymbol(.rightParen) {
                arguments.append(try parser.parseExpression())
                while parser.eat(.comma) { arguments.append(try parser.parseExpression()) }
            }
            try parser.expectClosingParen(for: open)
            return arguments
        }
    }

    private mutating func binary(_ op: BinaryOperator, _ left: Expr, _ right: Expr) throws(ParseAbort) -> Expr {
        try node(.binary(op, left, right), range: left.range.union(right.range))
    }
}
