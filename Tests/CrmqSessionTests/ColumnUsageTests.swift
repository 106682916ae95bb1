import Testing
import CrmqSource
import CrmqSyntax
import CrmqSemantics
import CrmqEngine
import CrmqSession

/// `Plan.scannedColumns` decides which columns the session may replace by placeholders,
/// so it must name every column any node reads.
@Suite struct ColumnUsageTests {
    let session: Session = {
        let s = Session()
        s.register(Table(schema: Schema([Field("id", .int), Field("region", .string), Field("score", .int), Field("spend", .double)]),
            columns: [Column.from([.int(1), .int(2)], type: .int), Column.from([.string("N"), .string("S")], type: .string),
                      Column.from([.int(5), .null], type: .int), Column.from([.double(1), .double(2)], type: .double)]), as: "c")
        s.register(Table(schema: Schema([Field("id", .int), Field("amount", .double)]),
            columns: [Column.from([.int(1), .int(1)], type: .int), Column.from([.double(3), .double(4)], type: .double)]), as: "t")
        return s
    }()

    func usage(_ query: String) throws -> [String: Set<Int>] {
        let file = SourceFile(name: "q", text: query)
        let (script, diagnostics) = Parser.parse(file)
        try #require(diagnostics.isEmpty)
        guard case .query(let plan) = try Checker(catalog: session, file: file).check(script.statements[0]) else {
            Issue.record("not a query")
            return [:]
        }
        return plan.scannedColumns()
    }

    @Test func aWholeTableIsReadWhole() throws {
        #expect(try usage("c") == ["c": [0, 1, 2, 3]])
        #expect(try usage("c | where score > 1") == ["c": [0, 1, 2, 3]])
        #expect(try usage("c | distinct region") == ["c": [1]])
    }

    @Test func onlyWhatIsReadCounts() throws {
        #expect(try usage("c | where score > 1 | count") == ["c": [2]])
        #expect(try usage("c | where score > 1 | summarize avg(spend) by region") == ["c": [1, 2, 3]])
        #expect(try usage("c | sort spend | select region") == ["c": [1, 3]])
        #expect(try usage("c | top 1 by spend | select id") == ["c": [0, 3]])
        #expect(try usage("c | extend x = score * 2 | select x") == ["c": [2]])
        #expect(try usage("c | count by region") == ["c": [1]])
    }

    @Test func joinsReadTheirKeysOnBothSides() throws {
        #expect(try usage("t | join c on id | summarize sum(amount) by region") == ["t": [0, 1], "c": [0, 1]])
        #expect(try usage("t | join c on id kind left | count") == ["t": [0], "c": [0]])
    }

    @Test func placeholdersNeverChangeAnAnswer() throws {
        // The same question with and without columns flowing past it.
        var out: [String] = []
        for q in ["c | where score is null | count", "c | where score is null | select id, spend | take 5",
                  "t | join c on id | where amount > 3 | select region, amount"] {
            session.run(q, name: "q") { r in
                if case .table(let t) = r.outcome { out.append((0..<t.rowCount).map { row in t.columns.map { $0.value(at: row).exactText }.joined(separator: ",") }.joined(separator: ";")) }
            }
        }
        #expect(out == ["1", "2,2.0", "N,4.0"])
    }
}
