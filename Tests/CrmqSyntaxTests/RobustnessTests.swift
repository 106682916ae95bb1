import Testing

@testable import CrmqSyntax

/// The parser must end, and not crash, on any input.
@Suite struct RobustnessTests {
    @Test func deepNestingIsAnErrorNotACrash() {
        let depth = ParserState.maximumNesting
        #expect(Syntax.parse(String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth))
            .diagnostics.isEmpty)
        let tooDeep = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
        #expect(Syntax.messages(tooDeep) == [
            "expression too deep: more than 200 levels of brackets, operators or calls; "
                + "compute parts of it in separate 'extend' steps"
        ])
        #expect(Syntax.messages(String(repeating: "- ", count: 4999) + "1").count == 1)
        #expect(Syntax.messages("not " + String(repeating: "not ", count: 5000) + "x").count == 1)
        #expect(Syntax.messages(String(repeating: "f(", count: 5000)).count == 1)
    }

    /// Left-associative chains are as deep as they are long: the checker and executor
    /// would recurse 5,000 levels, so the parser stops them at the nesting limit.
    @Test func longOperatorChainsAreBounded() {
        let limit = ParserState.maximumNesting
        #expect(Syntax.parse(Array(repeating: "1", count: limit).joined(separator: " + ")).diagnostics.isEmpty)
        for op in ["+", "-", "*", "/", "and", "or", "%"] {
            let chain = Array(repeating: "1", count: 5000).joined(separator: " \(op) ")
            let messages = Syntax.messages(chain)
            #expect(messages.count == 1, "\(op)")
            #expect(messages.first?.hasPrefix("expression too deep: more than 200 levels") == true, "\(op)")
        }
        #expect(Syntax.messages("x | where " + Array(repeating: "1", count: 5000).joined(separator: "+")).count == 1)
        // Calls and brackets add to the depth of the operators around them.
        let calls = String(repeating: "abs(1 + ", count: 150) + "1" + String(repeating: ")", count: 150)
        #expect(Syntax.messages(calls).count == 1)
        #expect(Syntax.messages("(" + Array(repeating: "1", count: 150).joined(separator: "+") + ") + " +
            Array(repeating: "1", count: 100).joined(separator: "+")).count == 1)
    }

    /// Garbage makes thousands of damaged tokens (unterminated strings) and thousands of
    /// parse errors; each error asked every damaged token, and each lexical error every
    /// skipped range, so this script took 194 s to parse (the checker fuzz target ran 150
    /// inputs a second). The limit is a hang guard: the work is about linear now (1 s).
    @Test(.timeLimit(.minutes(1))) func manyBrokenLinesParseInLinearTime() {
        let lines = Array(repeating: "\"open\n) x\n", count: 60_000).joined()
        let result = Syntax.parse(lines)
        // Each unterminated string and each `) x` is reported.
        #expect(result.diagnostics.count == 120_000)
    }

    @Test func tooManyStagesIsAnError() {
        let limit = ParserState.maximumStages
        #expect(Syntax.parse("t" + String(repeating: " | where true", count: limit)).diagnostics.isEmpty)
        let messages = Syntax.messages("t" + String(repeating: " | where true", count: 2000))
        #expect(messages == [
            "a query may have at most 500 stages; split it with 'let name = ...' and continue from the name"
        ])
        #expect(Syntax.messages("t | join (u" + String(repeating: " | where true", count: 2000) + ") on k").count == 1)
    }

    @Test func randomTokenSoupTerminates() {
        let pieces = [
            "customers", "|", "where", "select", "extend", "sort", "top", "by", "join", "on", "kind", "count",
            "summarize", "(", ")", ",", "=", "==", "<", "and", "or", "not", "in", "between", "is", "null", "1",
            "2.5", "\"s\"", "'t", "@", "\n", ";", "-- c\n", "let", "x", "save", "to", "set", "help", ".mode csv\n",
            "-", "+", "*", "`q`", "desc",
        ]
        // A fixed linear congruential generator keeps failures reproducible.
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<3000 {
            let text = (0..<next(25)).map { _ in pieces[next(pieces.count)] }.joined(separator: " ")
            let (script, diagnostics) = Syntax.parse(text)
            _ = Lexer.isComplete(text)
            for statement in script.statements {
                #expect(statement.range.end <= script.file.bytes.count)
            }
            // Every diagnostic points into the text.
            for diagnostic in diagnostics {
                #expect((diagnostic.sourceRange?.end ?? 0) <= script.file.bytes.count, "\(text)")
            }
        }
    }
}
