import Testing
import CrmqSemantics
@testable import CrmqEngine

/// Zone maps (`ColumnStatistics`): each zone's bounds, and range tests through them keeping exactly
/// the rows a test without them keeps.
@Suite struct ZoneMapTests {
    static let n = ColumnStatistics.minimumRows + 1_777

    /// Dates in order (a day per 700 rows: bounds fall inside zones), and the same with a
    /// stretch shuffled (zones whose bounds are far apart).
    static func columns() -> [[Int32]] {
        let ordered = (0..<n).map { Int32($0 / 700) }
        var shuffled = ordered
        var seed: UInt64 = 99
        for i in 200_000..<400_000 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            shuffled.swapAt(i, 200_000 + Int(seed >> 33) % 200_000)
        }
        return [ordered, shuffled]
    }

    @Test func eachZoneHoldsTheBoundsOfItsRows() throws {
        for days in Self.columns() {
            guard case .date(let z)? = ColumnStatistics.zoneMap(of: Column(.date(days))) else {
                Issue.record("no zone map")
                return
            }
            let zones = (days.count + RowTest.zone - 1) / RowTest.zone
            #expect(z.lo.count == zones && z.hi.count == zones)
            var wrong = 0
            for k in 0..<zones {
                let rows = days[(k * RowTest.zone)..<min((k + 1) * RowTest.zone, days.count)]
                if z.lo[k] != rows.min() || z.hi[k] != rows.max() { wrong += 1 }
            }
            #expect(wrong == 0)
        }
    }

    /// Over row ranges that start anywhere in a zone (the cores' parts do not start on zone
    /// boundaries), with one bound, two, none met and every row met.
    @Test func rangeTestsThroughZoneMapsKeepTheSameRows() throws {
        let n = Self.n
        for days in Self.columns() {
            let map = try #require(ColumnStatistics.zoneMap(of: Column(.date(days))))
            let kinds: [RowTest.Kind] = [
                .dateRange(days, .greaterEqual, 300, .less, 900),
                .dateRange(days, .greater, 0, .lessEqual, 1),
                .date(days, .greaterEqual, 1000),
                .date(days, .less, 437),
                .date(days, .equal, 512),
                .date(days, .greater, 10_000),
                .date(days, .greaterEqual, 0),
            ]
            for kind in kinds {
                let plain = RowTest(kind: kind, validity: nil, nullPasses: false)
                var zoned = plain
                zoned.zones = map
                for range in [0..<n, 333..<70_000, 1024..<5000, (n / 2 + 5)..<n, (n - 10)..<n] {
                    var a = [Int32](repeating: -1, count: range.count), b = a
                    let ka = a.withUnsafeMutableBufferPointer { plain.apply(range: range, input: nil, out: $0.baseAddress!) }
                    let kb = b.withUnsafeMutableBufferPointer { zoned.apply(range: range, input: nil, out: $0.baseAddress!) }
                    #expect(ka == kb && a[..<ka] == b[..<kb], "\(kind) over \(range)")
                }
            }
        }
    }

    @Test func onlyLongColumnsWithoutNullsHaveZoneMaps() {
        #expect(ColumnStatistics.zoneMap(of: Column(.date([1, 2, 3]))) == nil)
        let days = [Int32](repeating: 5, count: Self.n)
        var valid = [Bool](repeating: true, count: Self.n)
        valid[7] = false
        #expect(ColumnStatistics.zoneMap(of: Column(.date(days), validity: valid)) == nil)
        #expect(ColumnStatistics.zoneMap(of: Column(.bool([Bool](repeating: true, count: Self.n)))) == nil)
        #expect(ColumnStatistics.zoneMap(of: Column(.int([Int64](repeating: 1, count: Self.n)))) != nil)
    }
}
