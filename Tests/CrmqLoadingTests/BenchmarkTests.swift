import Foundation
import Testing
import CrmqLoading

/// Times reading a large CSV named by `CRMQ_BENCH_CSV` (skipped otherwise). Run in release:
/// `CRMQ_BENCH_CSV=big.csv swift test -c release -Xswiftc -enable-testing --filter CSVBenchmark`.
@Suite struct CSVBenchmark {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["CRMQ_BENCH_CSV"] != nil))
    func readLargeFile() throws {
        let path = ProcessInfo.processInfo.environment["CRMQ_BENCH_CSV"]!
        let clock = ContinuousClock()
        var rows = 0
        let elapsed = try clock.measure { rows = try CSVReader.read(file: path).rowCount }
        print("read \(rows) rows of \(path) in \(elapsed)")
    }
}
