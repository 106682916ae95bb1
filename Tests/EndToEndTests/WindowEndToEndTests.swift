import Foundation
import Testing

/// Window functions and per-group top-N through the real binary, on more rows than one
/// core's share (gathers and groupings split over the cores from 256K rows).
@Suite struct WindowEndToEndTests {
    static func points(in folder: URL) throws -> (path: String, values: [[Int64]]) {
        var text = "id,g,v\n"
        var values = [[Int64]](repeating: [], count: 7)
        var state: UInt64 = 99
        for i in 0..<300_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let v = Int64(state >> 40) % 1000
            text += "\(i),\(i % 7),\(v)\n"
            values[i % 7].append(v)
        }
        let path = folder.appendingPathComponent("points.csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (path, values)
    }

    @Test func windowAnswersAreRightAndTheSameOnOneCoreAndOnSeveral() throws {
        let folder = try Binary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (path, values) = try Self.points(in: folder)
        let query = """
            load "\(path)" as p; \
            p | window c = cume_dist(), s = running_sum(v), r = rank() by g sort v desc \
              | summarize top_20 = sum(if(c <= 0.2, v, 0)), last = max(s), firsts = sum(if(r == 1, 1, 0)) by g; \
            p | top 2 by v per g | summarize n = count(), best = max(v) by g
            """
        let one = try Binary.run(["--format", "csv", "-c", query], environment: ["CRMQ_THREADS": "1"])
        let four = try Binary.run(["--format", "csv", "-c", query], environment: ["CRMQ_THREADS": "4"])
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stdout == four.stdout)
        let lines = one.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "g,top_20,last,firsts")
        for g in 0..<7 {
            let sorted = values[g].sorted(by: >)
            let n = sorted.count
            // cume_dist <= 0.2: the values whose count of values at least as large is at most n / 5.
            var top: Int64 = 0
            var i = 0
            while i < n {
                var j = i
                while j + 1 < n && sorted[j + 1] == sorted[i] { j += 1 }
                if Double(j + 1) / Double(n) <= 0.2 { top += sorted[i...j].reduce(0, +) }
                i = j + 1
            }
            let firsts = sorted.filter { $0 == sorted[0] }.count
            #expect(lines[1 + g] == "\(g),\(top),\(sorted.reduce(0, +)),\(firsts)")
            #expect(lines.contains("\(g),2,\(sorted[0])"))
        }
    }
}
