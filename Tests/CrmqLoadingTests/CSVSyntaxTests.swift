import Testing
import CrmqSemantics
import CrmqEngine
@testable import CrmqLoading

@Suite struct CSVSyntaxTests {
    @Test func quotedFieldsWithCommasNewlinesAndQuotes() throws {
        let t = try read("id,note\n1,\"a, b\"\n2,\"line1\nline2\"\n3,\"say \"\"hi\"\"\"\n4,plain\n")
        #expect(t.rowCount == 4)
        #expect(values(t, "note") == [.string("a, b"), .string("line1\nline2"), .string("say \"hi\""), .string("plain")])
        #expect(values(t, "id") == [.int(1), .int(2), .int(3), .int(4)])
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let t = try readBytes([0xEF, 0xBB, 0xBF] + Array("id,name\n1,x\n".utf8))
        #expect(t.schema.names == ["id", "name"])
    }

    @Test func crlfLineBreaks() throws {
        let t = try read("a,b\r\n1,x\r\n2,\"y\"\r\n")
        #expect(t.schema.names == ["a", "b"])
        #expect(values(t, "b") == [.string("x"), .string("y")])
        #expect(values(t, "a") == [.int(1), .int(2)])
    }

    @Test func lastLineWithoutLineBreak() throws {
        #expect(values(try read("a,b\n1,2\n3,4"), "b") == [.int(2), .int(4)])
        #expect(values(try read("a,b\r\n1,2\r\n3,\"4\""), "b") == [.int(2), .int(4)])
        #expect(values(try read("a,b\n1,2\n3,"), "b") == [.int(2), .null])
    }

    @Test func blankTrailingLinesAreIgnored() throws {
        #expect(try read("a,b\n1,2\n\n\r\n\n").rowCount == 1)
    }

    /// With one column an empty line is a null cell, wherever it is; only the final line
    /// break starts no row.
    @Test func oneColumnEmptyLinesAreNulls() throws {
        #expect(values(try read("a\n1\n\n\n"), "a") == [.int(1), .null, .null])
        #expect(values(try read("a\n\n1\n\n"), "a") == [.null, .int(1), .null])
        #expect(values(try read("a\r\n1\r\n\r\n"), "a") == [.int(1), .null])
        #expect(values(try read("a\n1\n\n"), "a") == [.int(1), .null])
        #expect(try read("a\n1").rowCount == 1)
        #expect(try read("a\n").rowCount == 0)
        #expect(try read("a").rowCount == 0)
    }

    @Test func headerOnlyGivesNoRows() throws {
        let t = try read("a,b\n")
        #expect(t.rowCount == 0)
        #expect(types(t) == [.string, .string])
    }

    @Test func cellsAreNotTrimmed() throws {
        let t = try read("a,b\n 1,x \n")
        #expect(values(t, "a") == [.string(" 1")])
        #expect(values(t, "b") == [.string("x ")])
    }

    @Test func quotedEmptyIsEmptyStringUnquotedEmptyIsNull() throws {
        let t = try read("s,n\n\"\",1\n,\"\"\nx,3\n")
        #expect(values(t, "s") == [.string(""), .null, .string("x")])
        #expect(values(t, "n") == [.int(1), .null, .int(3)])
    }

    @Test func quotedHeaderNames() throws {
        let t = try read("\"first, name\",\"say \"\"x\"\"\"\n1,2\n")
        #expect(t.schema.names == ["first, name", "say \"x\""])
    }

    @Test func unicodeText() throws {
        let t = try read("name,city\n客户,Zürich\n")
        #expect(values(t, "name") == [.string("客户")])
        #expect(values(t, "city") == [.string("Zürich")])
    }

    @Test func manyRowsUseSeveralChunksAndCores() throws {
        var text = "id,amount,region,day\n"
        let regions = ["North", "South", "East"]
        for i in 0..<60_000 {
            text += "\(i),\(Double(i) / 4),\(regions[i % 3]),2025-01-\(String(format: "%02d", i % 28 + 1))\n"
        }
        let bytes = Array(text.utf8)
        let t = try bytes.withUnsafeBufferPointer { p in
            // Small chunks exercise the boundaries between them.
            var scanner = CSVScanner(p)
            scanner.chunkBytes = 4096
            let (header, next) = try scanner.scanHeader(from: 0)
            let chunks = try scanner.scanRecords(from: next, columns: header.count)
            #expect(chunks.count > 100)
            let c = ColumnConverter(p: p, chunks: chunks, columns: 4, rowCount: 60_000)
            return try (0..<4).map { try c.convert(column: $0) }
        }
        #expect(t[0].value(at: 59_999) == .int(59_999))
        #expect(t[1].value(at: 3) == .double(0.75))
        #expect(t[2].value(at: 4) == .string("South"))
        let whole = try readBytes(bytes)
        #expect(whole.rowCount == 60_000)
        #expect(types(whole) == [.int, .double, .string, .date])
        #expect(whole.columns[3].value(at: 27) == .date(CivilDate(year: 2025, month: 1, day: 28).days))
        if case .string(_, let d) = whole.columns[2].values { #expect(d.count == 3) }
    }
}

/// The structure scan's 64-byte bit masks (`CSVScanner.StructuralBits`) find each field's end
/// where a byte-by-byte search does, across block boundaries and at the end of the buffer.
@Suite struct StructuralBitsTests {
    /// Every start position a scan can take (each field end + 1, jumps over quoted or long
    /// fields included) on random bytes rich in ',', '\n' and '"', of lengths around the
    /// block size and its multiples.
    @Test func theMasksFindWhatAByteSearchFinds() {
        var seed: UInt64 = 0x5EED
        func next() -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int(seed >> 33)
        }
        let alphabet: [UInt8] = Array("a,\n\"x9-.".utf8)
        var mismatches = 0, checked = 0
        for length in [0, 1, 7, 63, 64, 65, 127, 128, 129, 200, 1000, 4097] {
            for round in 0..<40 {
                // Sparse structure in some rounds (long fields, whole blocks without a mark).
                let sparse = round % 3 == 0
                let bytes = (0..<length).map { _ in sparse && next() % 40 != 0 ? UInt8(ascii: "q") : alphabet[next() % alphabet.count] }
                bytes.withUnsafeBufferPointer { p in
                    let scanner = CSVScanner(p)
                    var bits = CSVScanner.StructuralBits()
                    var pos = 0
                    while pos < scanner.end {
                        let expected = scanner.nextStructural(pos)
                        let found = bits.next(pos, scanner)
                        checked += 1
                        if found != expected { mismatches += 1 }
                        // Mostly the next field; sometimes a jump ahead (a quoted field's end).
                        pos = next() % 5 == 0 ? pos + 1 + next() % 150 : expected + 1
                    }
                    #expect(bits.next(scanner.end, scanner) == scanner.end)
                }
            }
        }
        #expect(mismatches == 0)
        #expect(checked > 10_000)
    }

    /// A file whose fields, quoted fields among them, straddle the 64-byte blocks in every
    /// way reads cell by cell as written.
    @Test func fieldsAcrossBlocksReadWhole() throws {
        var text = "id,note,n\n"
        var expected: [(Int64, String, Int64)] = []
        for i in 0..<300 {
            let note = String(repeating: "w", count: i % 97) + (i % 7 == 0 ? ", quoted" : "")
            let cell = i % 7 == 0 ? "\"\(note)\"" : note
            text += "\(i),\(cell),\(i * 3)\n"
            expected.append((Int64(i), note, Int64(i * 3)))
        }
        let t = try read(text)
        #expect(t.rowCount == 300)
        #expect(values(t, "id") == expected.map { .int($0.0) })
        #expect(values(t, "note") == expected.map { $0.1.isEmpty ? .null : .string($0.1) })
        #expect(values(t, "n") == expected.map { .int($0.2) })
    }
}
