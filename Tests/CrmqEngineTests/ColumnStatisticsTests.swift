import Testing
@testable import CrmqEngine

/// The statistics remembered per stored column (`ColumnStatistics`): the greatest date (zone
/// maps have their own tests, `ZoneMapTests`).
@Suite struct ColumnStatisticsTests {
    /// The greatest date of a column counts only non-null rows, whatever a null slot holds; it is
    /// remembered per column (`ColumnStatistics`), so a column with other values is never answered
    /// from another's entry, on one core or several.
    @Test(arguments: [100, Parallel.minimumRows + 5, ColumnStatistics.minimumRows + 1_777])
    func theGreatestDateIsThatOfNonNullRowsOfThatColumn(n: Int) throws {
        ColumnStatistics.forget()
        var days = (0..<n).map { Int32($0 % 900) }
        var valid = [Bool](repeating: true, count: n)
        days[n / 2] = 50_000  // a null row's slot: not a date of the column
        valid[n / 2] = false
        let column = Column(.date(days), validity: valid)
        let latest = Int32(min(n, 900) - 1)
        #expect(ColumnStatistics.greatestDate(of: column) == latest)
        #expect(ColumnStatistics.greatestDate(of: column) == latest)  // remembered
        // The same values with that row valid: another column, with its own greatest date (from
        // its zone map when it is long enough to have one).
        let other = Column(.date(days))
        #expect(ColumnStatistics.greatestDate(of: other) == 50_000)
        #expect(ColumnStatistics.greatestDate(of: other) == 50_000)
        #expect((ColumnStatistics.zoneMap(of: other) != nil) == (n >= ColumnStatistics.minimumRows))
        #expect(ColumnStatistics.greatestDate(of: column) == latest)
        #expect(ColumnStatistics.greatestDate(of: Column(.date(days), validity: [Bool](repeating: false, count: n))) == nil)
        #expect(ColumnStatistics.greatestDate(of: Column(.date([]))) == nil)
        #expect(ColumnStatistics.greatestDate(of: Column(.int([1, 2]))) == nil)
        // More columns than are kept: each still gets its own answer.
        for k in 0..<(ColumnStatistics.kept + 2) { #expect(ColumnStatistics.greatestDate(of: Column(.date([Int32(k), 3]))) == max(Int32(k), 3)) }
        #expect(ColumnStatistics.greatestDate(of: column) == latest)
    }

    /// A date column's greatest date read from its zone map equals the greatest row, wherever
    /// in the column it is.
    @Test func theGreatestDateOfAZoneMapIsTheGreatestRow() {
        let n = ColumnStatistics.minimumRows + 1_777
        for at in [0, RowTest.zone - 1, n / 2, n - 1] {
            var days = (0..<n).map { Int32($0 % 1_000) }
            days[at] = 9_999
            let column = Column(.date(days))
            #expect(ColumnStatistics.zoneMap(of: column) != nil)
            #expect(ColumnStatistics.greatestDate(of: column) == 9_999, "at \(at)")
        }
    }

    /// Forgetting all but the columns of the tables that stay lets go of the others.
    @Test func forgettingKeepsOnlyTheGivenColumns() {
        let gone = Column(.date([1, 2, 9]))
        let stays = Column(.date([4, 5]))
        #expect(ColumnStatistics.greatestDate(of: gone) == 9)
        #expect(ColumnStatistics.greatestDate(of: stays) == 5)
        ColumnStatistics.forget(keeping: [stays, Column(.int([1, 2, 3]))])
        #expect(!ColumnStatistics.holds(gone))
        #expect(ColumnStatistics.greatestDate(of: stays) == 5)
    }
}
