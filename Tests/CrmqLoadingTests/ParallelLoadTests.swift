import Foundation
import Testing
import CrmqDiagnostics
import CrmqSemantics
import CrmqEngine
@testable import CrmqLoading

/// The parallel scan and conversion must give what the serial ones give: same table,
/// same first error at the same place. Tiny thresholds reach the parallel paths with
/// small texts.
@Suite struct ParallelLoadTests {
    static let serial = LoadTuning(workers: 1, parallelBytes: .max, parallelRows: .max, partsPerWorker: 1, chunkBytes: 1 << 22)

    /// Parallel settings with `parts` scan ranges and small chunks.
    static func parallel(parts: Int, chunkBytes: Int = 16) -> LoadTuning {
        LoadTuning(workers: 2, parallelBytes: 0, parallelRows: 1, partsPerWorker: (parts + 1) / 2, chunkBytes: chunkBytes)
    }

    /// Parallel settings that read any text in blocks of `bytes`.
    static func blocks(of bytes: Int, parts: Int = 4) -> LoadTuning {
        var tuning = parallel(parts: parts)
        tuning.blockedBytes = 0
        tuning.blockBytes = bytes
        return tuning
    }

    /// Whether `text` is read in blocks with `tuning`, rather than falling back to reading
    /// it whole.
    static func readInBlocks(_ text: String, _ tuning: LoadTuning) -> Bool {
        Array(text.utf8).withUnsafeBufferPointer { p in
            let scanner = CSVScanner(p)
            guard let (header, next) = try? scanner.scanHeader(from: scanner.dataStart) else { return false }
            return BlockedConversion.read(p, scanner: scanner, columns: header.count, from: next, tuning: tuning) != nil
        }
    }

    static func outcome(_ text: String, _ tuning: LoadTuning) -> String {
        do {
            let t = try CSVReader.read(bytes: Array(text.utf8), path: "t.csv", tuning: tuning)
            var out = "\(t.schema.names) \(types(t)) rows \(t.rowCount)\n"
            for j in 0..<t.columns.count {
                out += (0..<t.rowCount).map { "\(t.columns[j].value(at: $0))" }.joined(separator: "|") + "\n"
            }
            return out
        } catch {
            return "\(place(error)) \(error.message) notes \(error.notes.count)"
        }
    }

    /// Reads `text` serially and in parallel with several splits; all must agree.
    static func expectSame(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = outcome(text, serial)
        for parts in [2, 3, 5, 8, 17] {
            for chunk in [1, 16, 1 << 20] {
                let got = outcome(text, parallel(parts: parts, chunkBytes: chunk))
                #expect(got == expected, "parts \(parts) chunk \(chunk)", sourceLocation: sourceLocation)
            }
        }
        for block in [1, 40, 257, 4096] {
            for parts in [1, 3, 8] {
                let got = outcome(text, blocks(of: block, parts: parts))
                #expect(got == expected, "blocks of \(block), parts \(parts)", sourceLocation: sourceLocation)
            }
        }
    }

    static func rows(_ n: Int, _ row: (Int) -> String) -> String {
        (0..<n).map(row).joined()
    }

    @Test func sameTableAsSerial() {
        Self.expectSame("id,amount,region,day,ok\n" + Self.rows(200) { i in
            "\(i),\(Double(i) / 4),\(["North", "South", "East"][i % 3]),2025-01-\(i % 28 + 10),\(i % 2 == 0)\n"
        })
    }

    @Test func quotedNewlinesStraddleSplitPoints() {
        // Long quoted fields full of line breaks: most split points fall inside one.
        Self.expectSame("id,note\n" + Self.rows(60) { i in
            "\(i),\"line\n\(i)\n,\"\"x\"\"\n\n\nend\"\n"
        })
        Self.expectSame("a,b\n1,\"" + String(repeating: "x\n", count: 300) + "\"\n2,y\n")
        Self.expectSame("a,b\r\n" + Self.rows(50) { i in "\(i),\"\r\n\(i)\"\r\n" })
    }

    @Test func typesWidenFromAnyRange() {
        // The cell that widens the column is late in the file, in the last range.
        Self.expectSame("a,b\n" + Self.rows(100) { "\($0),\($0)\n" } + "1.5,x\n3,4\n")
        Self.expectSame("a,b\n" + Self.rows(100) { "\($0),\($0)\n" } + "99999999999999999999,2025-01-01\n")
        Self.expectSame("a,b\n" + Self.rows(100) { i in i % 10 == 0 ? ",\n" : "\(i),\"\"\n" })
    }

    @Test func stringsNumberedByFirstAppearance() {
        Self.expectSame("s,t\n" + Self.rows(300) { i in "v\(i * 7 % 23),\(i % 5 == 0 ? "" : "w\(i / 50)")\n" })
    }

    @Test func smallerAndLargerThanThresholds() throws {
        let text = "a,b\n" + Self.rows(120) { "\($0),\($0 % 3)\n" }
        var tuning = Self.parallel(parts: 4)
        tuning.parallelBytes = text.utf8.count + 1  // serial scan, parallel conversion
        #expect(Self.outcome(text, tuning) == Self.outcome(text, Self.serial))
        tuning.parallelBytes = 0
        tuning.parallelRows = 121  // parallel scan, serial conversion
        #expect(Self.outcome(text, tuning) == Self.outcome(text, Self.serial))
        Self.expectSame("a,b\n")
        Self.expectSame("a,b\n1,2")
        Self.expectSame("a\n1\n\n\n2\n\n")
        Self.expectSame("a,b\n1,2\n\n\r\n\n\n\n\n\n")
    }

    @Test func firstErrorInFileOrderAtItsPlace() {
        let good = Self.rows(80) { "\($0),x\($0)\n" }
        // Errors only in the second half, some of them several.
        Self.expectSame("a,b\n" + good + "1,2,3\n" + good + "1\n")
        Self.expectSame("a,b\n" + good + "1\n" + good + "1,2,3\n")
        Self.expectSame("a,b\n" + good + "1,x\"y\n" + good)
        Self.expectSame("a,b\n" + good + "1,\"open\n" + good)
        Self.expectSame("a,b\n" + good + "\n" + good)
        Self.expectSame("a,b\n" + good + "1,\"x\"y\n" + good + "1,2,3\n")
        Self.expectSame("a,b\r" + good)
        #expect(Self.outcome("a,b\n" + good + "1,2,3\n", Self.parallel(parts: 8)).hasPrefix("t.csv:82:5 row 81 has 3 fields"))
    }

    @Test func invalidUTF8FirstInFileOrder() {
        var bytes = Array(("a,b\n" + Self.rows(100) { "\($0),x\($0 % 7)\n" }).utf8)
        bytes.insert(0xFF, at: bytes.count - 3)
        bytes.insert(0xC0, at: bytes.count - 300)
        let serial = failure(bytes: bytes)
        for parts in [2, 5, 8] {
            do {
                _ = try CSVReader.read(bytes: bytes, path: "t.csv", tuning: Self.parallel(parts: parts))
                Issue.record("no error")
            } catch {
                #expect(place(error) == place(serial))
                #expect(error.message == serial?.message)
            }
        }
    }

    @Test func largeFilesAreReadInBlocks() {
        // Every type, nulls, quoted line breaks and repeated strings, over many blocks.
        let text = "id,amount,region,day,ok,note\n" + Self.rows(400) { i in
            let note = i % 9 == 0 ? "\"two\nlines, \"\"quoted\"\"\"" : i % 4 == 0 ? "" : "n\(i % 13)"
            return "\(i),\(i % 7 == 3 ? "" : "\(Double(i) / 8)"),\(["North", "South", "East"][i % 3]),"
                + "2025-02-\(i % 28 + 1),\(i % 2 == 0),\(note)\n"
        }
        for block in [64, 500, 3000] {
            #expect(Self.readInBlocks(text, Self.blocks(of: block)), "blocks of \(block)")
            #expect(Self.outcome(text, Self.blocks(of: block)) == Self.outcome(text, Self.serial))
        }
    }

    @Test func blocksFallBackToTheWholeFileWhenTheFirstBlockMisleads() {
        let ints = Self.rows(300) { "\($0),\($0 % 5)\n" }
        let cases = [
            // A later block widens a column: to double, to string.
            "a,b\n" + ints + "1.5,2\n",
            "a,b\n" + ints + "7,text\n",
            // A column empty throughout the first block.
            "a,b\n" + Self.rows(300) { "\($0),\n" } + "1,2025-01-01\n",
            // Many more rows than the first block's long ones predict.
            "a,b\n" + Self.rows(20) { "\($0),\(String(repeating: "9", count: 60))\n" } + Self.rows(3000) { "\($0 % 10),1\n" },
            // Errors in a later block: the same first error as reading the file whole.
            "a,b\n" + ints + "1,2,3\n" + ints,
            "a,b\n" + ints + "1,\"open\n" + ints,
        ]
        for text in cases {
            #expect(!Self.readInBlocks(text, Self.blocks(of: 200)))
            #expect(Self.outcome(text, Self.blocks(of: 200)) == Self.outcome(text, Self.serial))
        }
        var bytes = Array(("a,b\n" + Self.rows(300) { "\($0),x\($0 % 7)\n" }).utf8)
        bytes.insert(0xFF, at: bytes.count - 3)
        do {
            _ = try CSVReader.read(bytes: bytes, path: "t.csv", tuning: Self.blocks(of: 200))
            Issue.record("no error")
        } catch {
            #expect(place(error) == place(failure(bytes: bytes)))
        }
    }
}

@Suite struct DateArithmeticTests {
    /// The loader's byte-level date reader gives `CivilDate`'s day count, and nil for a date
    /// the calendar does not have.
    @Test func byteDatesMatchCivilDate() {
        func read(_ text: String) -> Int32? {
            Array(text.utf8).withUnsafeBufferPointer { CivilDateBytes.days($0, 0) }
        }
        for year in [0, 1, 4, 99, 100, 399, 400, 1600, 1900, 1969, 1970, 2000, 2024, 2025, 2100, 9999] {
            for month in 1...12 {
                for day in 1...CivilDate.daysIn(month: month, year: year) {
                    let date = CivilDate(year: year, month: month, day: day)
                    #expect(read(date.description) == date.days)
                }
            }
        }
        #expect(read("2025-02-29") == nil && read("2024-13-01") == nil && read("2024-04-31") == nil)
    }
}
