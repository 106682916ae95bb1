import Testing
import CrmqSemantics
import CrmqEngine
@testable import CrmqRendering

func table(_ fields: [(String, DataType)], _ rows: [[Value]]) -> Table {
    Table(schema: Schema(fields.map { Field($0.0, $0.1) }), columns: fields.indices.map { k in
        Column.from(rows.map { $0[k] }, type: fields[k].1)
    }, rowCount: rows.count)
}

func regions(_ n: Int) -> Table {
    table([("region", .string), ("n", .int), ("share", .double)], (0..<n).map { i in
        [.string("r\(i)"), .int(Int64(i * 10)), .double(Double(i) / 8)]
    })
}

@Suite struct TableRendererTests {
    @Test func alignmentAndNulls() {
        let t = table([("region", .string), ("n", .int), ("share", .double), ("since", .date), ("vip", .bool)], [
            [.string("East"), .int(629), .double(0.1258), .date(CivilDate(year: 2025, month: 1, day: 2).days), .bool(true)],
            [.string("North"), .null, .double(12), .null, .bool(false)],
            [.null, .int(-5), .null, .date(0), .null],
        ])
        #expect(TableRenderer.render(t, format: .table) == """
            region     n    share  since       vip
            ──────  ────  ───────  ──────────  ─────
            East     629   0.1258  2025-01-02  true
            North   null  12.0000  null        false
            null      -5     null  1970-01-01  null
            3 rows

            """)
    }

    @Test func doubleRounding() {
        let cases: [(Double, String)] = [
            (3, "3.0"), (0.5, "0.5"), (12.345678, "12.3457"), (0.1 + 0.2, "0.3"), (-2.00004, "-2.0"),
            (0.00012, "0.00012"), (0.0123456, "0.01235"), (0.00009, "9.0e-5"), (1.5e-7, "1.5e-7"), (123456.78912, "123456.7891"),
            (999_999_999_999_999, "999999999999999.0"), (1e15, "1.0e15"), (-1.23456e20, "-1.235e20"),
            (9.9996e15, "1.0e16"), (0, "0.0"), (-0.0, "0.0"), (.nan, "NaN"), (-.infinity, "-inf"),
            (5e-324, "4.941e-324"),
        ]
        for (x, text) in cases { #expect(DisplayText.double(x) == text, "\(x)") }
    }

    /// A column of decimals has one number of decimals, so that the points line up.
    @Test func decimalsPerColumn() {
        func column(_ values: [Double?]) -> [String] {
            let t = table([("x", .double)], values.map { [$0.map(Value.double) ?? .null] })
            return TableRenderer.render(t, format: .table).split(separator: "\n").dropFirst(2).dropLast().map {
                String($0.drop { $0 == " " })
            }
        }
        // The example: 0.172 under 0.1152 keeps four decimals.
        #expect(column([0.1152, 0.172, 0.5]) == ["0.1152", "0.1720", "0.5000"])
        // No more decimals than any value needs, but at least one.
        #expect(column([7, 8.5, nil]) == ["7.0", "8.5", "null"])
        #expect(column([3, 4]) == ["3.0", "4.0"])
        // Below 0.1 the typical value keeps 4 significant digits, up to 6 decimals.
        #expect(column([0.012346, 0.05]) == ["0.01235", "0.05000"])
        #expect(column([0.0012346, 0.002]) == ["0.001235", "0.002000"])
        // A value that is not zero never reads as zero: scientific where its column's
        // decimals would round it away; zero itself has no sign.
        #expect(column([0.1152, -0.00001, 0]) == ["0.1152", "-1.0e-5", "0.0000"])
        #expect(column([0.1152, -0.0]) == ["0.1152", "0.0000"])
        // A column of tiny or huge values is scientific throughout; a huge value in a
        // fixed column too.
        #expect(column([0.00001234, 0.00002]) == ["1.234e-5", "2.0e-5"])
        #expect(column([1.5, 2e15, 2.25]) == ["1.50", "2.0e15", "2.25"])
        #expect(column([.nan, 1.5, -.infinity]) == ["NaN", "1.5", "-inf"])
        // Every value gets the decimals of the one that needs most.
        #expect(column([1234.5, 0.25, 17.125]) == ["1234.500", "0.250", "17.125"])
    }

    /// CSV and JSON are not rounded; Markdown follows the table view.
    @Test func markdownFollowsTheTableView() {
        let t = table([("x", .double)], [[.double(0.1152)], [.double(0.172)]])
        #expect(TableRenderer.render(t, format: .markdown).contains("| 0.1720 |"))
        #expect(TableRenderer.render(t, format: .csv) == "x\n0.1152\n0.172\n")
    }

    @Test func longResultOddMaxRows() {
        #expect(TableRenderer.render(regions(1000), format: .table, options: RenderOptions(maxRows: 5)) == """
            region     n    share
            ──────  ────  ───────
            r0         0    0.000
            r1        10    0.125
            r2        20    0.250
            …          …        …
            r998    9980  124.750
            r999    9990  124.875
            1,000 rows (5 shown)

            """)
    }

    @Test func longResultEvenMaxRows() {
        #expect(TableRenderer.render(regions(7), format: .table, options: RenderOptions(maxRows: 4)) == """
            region   n  share
            ──────  ──  ─────
            r0       0  0.000
            r1      10  0.125
            …        …      …
            r5      50  0.625
            r6      60  0.750
            7 rows (4 shown)

            """)
        // Exactly maxRows rows, or no limit: everything.
        #expect(!TableRenderer.render(regions(4), format: .table, options: RenderOptions(maxRows: 4)).contains("…"))
        #expect(!TableRenderer.render(regions(100), format: .table, options: RenderOptions(maxRows: 0)).contains("…"))
    }

    @Test func zeroRows() {
        #expect(TableRenderer.render(regions(0), format: .table) == """
            region  n  share
            ──────  ─  ─────
            0 rows

            """)
        #expect(TableRenderer.render(regions(1), format: .table).hasSuffix("\n1 row\n"))
    }

    @Test func wideCharactersAlign() {
        let t = table([("名前", .string), ("n", .int)], [[.string("客户"), .int(1)], [.string("ab"), .int(22)], [.string("e\u{301}"), .int(3)]])
        #expect(TableRenderer.render(t, format: .table) == """
            名前   n
            ────  ──
            客户   1
            ab    22
            é      3
            3 rows

            """)
    }

    @Test func displayWidths() {
        #expect(displayWidth("abc") == 3)
        #expect(displayWidth("客户") == 4)
        #expect(displayWidth("한국") == 4)
        #expect(displayWidth("ＡＢ") == 4)
        #expect(displayWidth("e\u{301}") == 1)
        #expect(displayWidth("😀") == 2)
        #expect(displayWidth("👩‍👩‍👧") == 2)
        #expect(displayWidth("🇫🇷") == 2)
        #expect(displayWidth("❤️") == 2)
    }

    @Test func longAndControlCellsAreCutAndEscaped() {
        let t = table([("note", .string)], [[.string("line1\nline2\tend")], [.string(String(repeating: "x", count: 60))],
                                             [.string(String(repeating: "客", count: 10))]])
        #expect(TableRenderer.render(t, format: .table, options: RenderOptions(maxCellWidth: 12)) == """
            note
            ────────────
            line1\\nline…
            xxxxxxxxxxx…
            客客客客客…
            3 rows

            """)
        // The default limit is 50 display columns.
        let line = TableRenderer.render(t, format: .table).split(separator: "\n")[3]
        #expect(displayWidth(String(line)) == 50)
        #expect(line.hasSuffix("…"))
    }

    @Test func wideTablesLeaveOutMiddleColumns() {
        let fields = (1...12).map { ("column\($0)", DataType.int) }
        let t = table(fields, [(1...12).map { .int(Int64($0)) }])
        #expect(TableRenderer.render(t, format: .table, options: RenderOptions(maxWidth: 60)) == """
            column1  column2  column3  …  column10  column11  column12
            ───────  ───────  ───────  ─  ────────  ────────  ────────
                  1        2        3  …        10        11        12
            1 row, 12 columns (6 shown)

            """)
        #expect(!TableRenderer.render(t, format: .table, options: RenderOptions(maxWidth: 200)).contains("…"))
    }

    @Test func scalarValues() {
        #expect(TableRenderer.render(value: .double(2.0 / 3)) == "0.6667\n")
        #expect(TableRenderer.render(value: .null) == "null\n")
        #expect(TableRenderer.render(value: .string("a\nb")) == "a\\nb\n")
        #expect(TableRenderer.render(value: .date(0)) == "1970-01-01\n")
    }

    @Test func thousands() {
        #expect(DisplayText.grouped(0) == "0")
        #expect(DisplayText.grouped(999) == "999")
        #expect(DisplayText.grouped(1000) == "1,000")
        #expect(DisplayText.grouped(12_345_678) == "12,345,678")
    }

    @Test func markdown() {
        let t = table([("name", .string), ("n", .int), ("share", .double)], [
            [.string("a|b"), .int(629), .double(0.125_84)], [.string("客户"), .null, .double(3)],
        ])
        #expect(TableRenderer.render(t, format: .markdown) == """
            | name |    n |  share |
            | ---- | ---: | -----: |
            | a\\|b |  629 | 0.1258 |
            | 客户 | null | 3.0000 |

            """)
    }

    @Test func csvAndJSONKeepFullPrecision() {
        let t = table([("x", .double)], [[.double(0.1 + 0.2)], [.null]])
        #expect(TableRenderer.render(t, format: .csv) == "x\n0.30000000000000004\n\n")
        #expect(TableRenderer.render(t, format: .json) == "[\n  {\"x\": 0.30000000000000004},\n  {\"x\": null}\n]\n")
    }
}
