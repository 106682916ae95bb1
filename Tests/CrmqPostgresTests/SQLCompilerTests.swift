import Testing
import CrmqSource
import CrmqSyntax
import CrmqSemantics
import CrmqEngine
import CrmqSQL

/// The compiler's output without a server: quoting, parameters, and what it refuses.
@Suite struct SQLCompilerTests {
    let schema = Schema([Field("id", .int), Field("na\"me", .string), Field("amount", .double)])

    func plan(_ query: String, table: String = "t\"; DROP TABLE x; --") throws -> Plan {
        struct OneTable: Catalog {
            var name: String
            var schema: Schema
            func tableSchema(_ n: String) -> Schema? { n == name ? schema : nil }
            var tableNames: [String] { [name] }
            func scalarValue(_ name: String) -> Value? { nil }
            var scalarNames: [String] { [] }
            func settingType(_ name: String) -> DataType? { nil }
            var settingNames: [String] { [] }
        }
        let file = SourceFile(name: "q", text: query)
        let (script, diagnostics) = Parser.parse(file)
        try #require(diagnostics.isEmpty, "\(diagnostics)")
        guard case .query(let p) = try Checker(catalog: OneTable(name: "t", schema: schema), file: file).check(script.statements[0]) else {
            throw SQLCompileError("not a query")
        }
        return p
    }

    func compile(_ p: Plan) throws -> SQLStatement {
        let d = PostgresDialect()
        return try SQLCompiler.compile(p, dialect: d) { _ in
            SQLRelation(
                qualifiedName: d.quote("public") + "." + d.quote("t\"; DROP TABLE x; --"),
                columns: ["id": d.quote("id") + "::int8", "na\"me": d.quote("na\"me") + "::text", "amount": d.quote("amount") + "::float8"])
        }
    }

    @Test func valuesAreParametersAndNamesAreQuoted() throws {
        let sql = try compile(plan("t | where `na\"me` == \"'; DROP TABLE t; --\" and amount > 1.5"))
        #expect(sql.binds == [.string("'; DROP TABLE t; --"), .double(1.5)])
        #expect(!sql.text.contains("DROP TABLE t"))
        #expect(sql.text.contains("\"public\".\"t\"\"; DROP TABLE x; --\""))
        #expect(sql.text.contains("AS \"na\"\"me\""))
        #expect(sql.text.contains("$1::text") && sql.text.contains("$2::float8"))
    }

    @Test func theFinalSelectOrdersByCrmqsRowOrder() throws {
        let sql = try compile(plan("t | sort amount desc"))
        #expect(sql.text.hasSuffix("ORDER BY t2.o"))
        #expect(sql.text.contains("row_number() OVER (ORDER BY ctid)"))
        #expect(sql.text.contains("DESC NULLS LAST"))
    }

    @Test func anAggregateDoesNotNumberItsInput() throws {
        let sql = try compile(plan("t | summarize s = sum(amount)"))
        #expect(!sql.text.contains("ORDER BY ctid"))
    }

    @Test func stringsCompareByBytes() throws {
        let sql = try compile(plan("t | where `na\"me` < \"b\""))
        #expect(sql.text.contains("COLLATE \"C\""))
    }

    @Test func aMissingTableIsAnError() throws {
        let p = try plan("t | take 1")
        #expect(throws: SQLCompileError.self) {
            try SQLCompiler.compile(p, dialect: PostgresDialect()) { _ in nil }
        }
    }
}
