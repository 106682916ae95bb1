import Foundation
import Testing
import CrmqSession

/// A session is freed when its last reference goes: a cycle through it would keep its
/// tables and caches for the life of the process (one session per input in the fuzz
/// targets, one per notebook cell run in a server).
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
        do {
            let session = Session()
            _ = try session.loadFolder(data.path)
            session.run(script, name: "t") { _ in }
            freed = session
        }
        #expect(freed == nil, "a session that ran \(script) is still alive")
    }
}
