import Foundation
import Testing
@testable import CrmqSession
@testable import CrmqCRM
@testable import CrmqEngine
import CrmqLoading
import CrmqSource

/// A session is freed when its last reference goes, and with it its tables and caches (the
/// store and the in-memory backend): a cycle would keep them for the life of the process
/// (one session per input in the fuzz targets, one per notebook cell run in a server).
@Suite struct SessionLifetimeTests {
    @Test(arguments: [
        "1 + 1",
        "customers | count by region",
        "let t = transactions | summarize s = sum(amount) by customer_id\nt | top 3 by s",
        "customers | select customer_id, recency, loyalty_stage | take 3",
        "rfm(transactions) | count by rfm_segment",
        "transactions | chart bar category, amount",
        "set asof = \"2025-01-01\"\ncustomers | summarize r = retention_rate()",
        "nonsense |",
    ])
    func aSessionIsFreedAfterRunning(_ script: String) throws {
        let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("GoldenTests/data")
        weak var freed: Session?
        weak var store: TableStore?
        weak var backend: InMemoryBackend?
        do {
            let session = Session()
            _ = try session.loadFolder(data.path)
            session.run(script, name: "t") { _ in }
            (freed, store, backend) = (session, session.store, session.memory)
        }
        #expect(freed == nil, "a session that ran \(script) is still alive")
        #expect(store == nil && backend == nil, "the tables of a session that ran \(script) are still alive")
    }
}

extension SessionLifetimeTests {
    /// As the statements fuzz target uses a session: tables registered, the script run on
    /// past its errors. The store and the backend of every such session stayed alive, each
    /// holding the other (about 2.8 KB an input, 2.4 GB a million inputs).
    @Test(arguments: ["1 + 1", "customers | count by region", "nonsense |", ""])
    func aSessionWithRegisteredTablesIsFreed(_ script: String) throws {
        let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("GoldenTests/data")
        let tables = try CSVReader.read(folder: data.path)
        weak var freed: Session?
        weak var store: TableStore?
        weak var backend: InMemoryBackend?
        do {
            let session = Session()
            for t in tables { session.register(t.table, as: t.name) }
            session.run(SourceFile(name: "t.crmq", text: script), continueAfterErrors: true) { _ in }
            (freed, store, backend) = (session, session.store, session.memory)
        }
        #expect(freed == nil, "a session that ran \(script) is still alive")
        #expect(store == nil && backend == nil, "the tables of a session that ran \(script) are still alive")
    }
}

extension SessionLifetimeTests {
    /// The columns that process-wide caches remember (the latest dates behind the as-of view
    /// and the default as-of date) are let go when the session replaces the table they came
    /// from: a reloaded 10M-row `transactions` otherwise kept its 480 MB of old dates alive.
    @Test func replacingATableLetsGoOfItsRememberedColumns() throws {
        let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("GoldenTests/data")
        let session = Session()
        _ = try session.loadFolder(data.path)
        // The default as-of date reads the transactions' latest date, and remembers it.
        session.run("customers | summarize r = avg(recency)", name: "t") { _ in }
        let transactions = try #require(session.tables["transactions"])
        let old = try #require(transactions.column(named: "date"))
        guard case .date(let days) = old.values else { Issue.record("dates"); return }
        // The same table with a new array of dates (one day later).
        var columns = transactions.columns
        columns[try #require(transactions.schema.index(of: "date"))] = Column(.date(days.map { $0 + 1 }), validity: old.validity)
        session.register(Table(schema: transactions.schema, columns: columns, rowCount: transactions.rowCount), as: "transactions")
        #expect(!ColumnStatistics.holds(old))
        session.run("customers | summarize r = avg(recency)", name: "t") { _ in }
        #expect(!ColumnStatistics.holds(old))
    }
}
