import Foundation
import Testing

/// k-means through the real binary: its answers do not depend on how many cores run it.
@Suite struct SegmentationTests {
    /// 100,000 rows, enough for the assignment step to be split over the cores.
    static func points(in folder: URL) throws -> String {
        var text = "customer_id,a,b,c\n"
        var state: UInt64 = 12345
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        for i in 0..<100_000 {
            let group = Double(i % 3)
            text += "\(i),\(group * 2 + next()),\(next() * 10),\(group * group + next())\n"
        }
        let path = folder.appendingPathComponent("points.csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func segmentsAndInertiaAreTheSameOnOneCoreAndOnSeveral() throws {
        let folder = try Binary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try Self.points(in: folder)
        let query = """
            load "\(path)" as p; \
            kmeans(p, columns = "a, b, c", k = 5, n_init = 2) | summarize n = count(), d = sum(distance) by segment; \
            kmeans_elbow(p, columns = "a, b, c", max_k = 4)
            """
        let one = try Binary.run(["--format", "csv", "-c", query], environment: ["CRMQ_THREADS": "1"])
        let four = try Binary.run(["--format", "csv", "-c", query], environment: ["CRMQ_THREADS": "4"])
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stdout.contains("segment,n,d"))
        #expect(one.stdout == four.stdout)
    }
}
