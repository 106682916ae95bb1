import Testing
import CrmqDiagnostics
@testable import CrmqLoading

@Suite struct LoadErrorTests {
    @Test func tooFewFields() {
        let d = failure("a,b,c\n1,2,3\n4,5\n")
        #expect(d?.id == "load.field-count")
        #expect(d?.message == "row 2 has 2 fields, but the header has 3")
        #expect(place(d) == "t.csv:3:4")
    }

    @Test func tooManyFieldsPointsAtTheFirstExtraField() {
        let d = failure("a,b\n1,2\n3,4,5,6\n")
        #expect(d?.message == "row 2 has 4 fields, but the header has 2")
        #expect(place(d) == "t.csv:3:5")
    }

    @Test func rowsCountRecordsLinesCountPhysicalLines() {
        // The quoted line break makes row 2 start on line 3.
        let d = failure("a,b\n\"x\ny\",1\n2\n")
        #expect(d?.message == "row 2 has 1 field, but the header has 2")
        #expect(place(d) == "t.csv:4:2")
    }

    @Test func blankLineInTheMiddle() {
        let d = failure("a,b\n1,2\n\n3,4\n")
        #expect(d?.message == "row 2 has 1 field, but the header has 2")
        #expect(place(d) == "t.csv:3:1")
        #expect(d?.notes.first?.message.contains("blank") == true)
    }

    @Test func unterminatedQuotePointsAtTheOpeningQuote() {
        let d = failure("a,b\n1,2\n3,\"abc\n4,5\n")
        #expect(d?.id == "load.unterminated-quote")
        #expect(place(d) == "t.csv:3:3")
    }

    @Test func quoteInsideUnquotedField() {
        let d = failure("a,b\n1,ab\"c\n")
        #expect(d?.id == "load.quote-in-field")
        #expect(place(d) == "t.csv:2:5")
    }

    @Test func textAfterClosingQuote() {
        let d = failure("a,b\n1,\"ab\"c\n")
        #expect(d?.id == "load.text-after-quote")
        #expect(d?.message.hasPrefix("unexpected 'c' after the closing quote") == true)
        #expect(place(d) == "t.csv:2:7")
    }

    @Test func invalidUTF8() {
        let d = failure(bytes: Array("a,b\n1,é\n2,x".utf8) + [0xFF] + Array("y\n".utf8))
        #expect(d?.id == "load.invalid-utf8")
        #expect(d?.message == "invalid UTF-8 (byte 0xFF); save the file as UTF-8")
        #expect(place(d) == "t.csv:3:4")
        let h = failure(bytes: [0x61, 0xC3, 0x28, 0x0A, 0x31, 0x0A])
        #expect(h?.id == "load.invalid-utf8")
        #expect(place(h) == "t.csv:1:2")
    }

    @Test func columnsAreCountedInCharacters() {
        let d = failure("名前,b\n客户,1,2\n")
        #expect(place(d) == "t.csv:2:6")
    }

    @Test func emptyHeaderName() {
        let d = failure("a,,c\n1,2,3\n")
        #expect(d?.id == "load.empty-column-name")
        #expect(d?.message == "column 2 of the header has no name")
        #expect(place(d) == "t.csv:1:3")
    }

    @Test func duplicateHeaderName() {
        let d = failure("id,name,id\n1,2,3\n")
        #expect(d?.id == "load.duplicate-column")
        #expect(d?.message == "duplicate column name 'id' in the header")
        #expect(place(d) == "t.csv:1:9")
        #expect(d?.notes.first?.message == "column 1 is also named 'id'")
        guard case .file(_, 1, 1)? = d?.notes.first?.location else {
            Issue.record("note should point at the first 'id'")
            return
        }
    }

    /// Lines ending in CR alone (old Mac) are an error naming the file, not one long header.
    @Test func crOnlyLineEnds() {
        let d = failure("id,name\r1,x\r2,y\r")
        #expect(d?.id == "load.cr-line-ends")
        #expect(place(d) == "t.csv:1:8")
        #expect(d?.message.contains("CR only") == true)
        // CRLF, a CR inside a quoted header name, and a final lone CR are fine.
        #expect(failure("id,name\r\n1,x\r\n") == nil)
        #expect(failure("\"a\rb\",c\n1,2\n") == nil)
        #expect(failure("id\r") == nil)
    }

    @Test func emptyFile() {
        for text in ["", "\n\n", "\u{FEFF}"] {
            let d = failure(text)
            #expect(d?.id == "load.empty-file")
            guard case .path("t.csv")? = d?.location else {
                Issue.record("expected a path location")
                continue
            }
        }
    }

    @Test func missingFile() {
        do {
            _ = try CSVReader.read(file: "/nonexistent/x.csv")
            Issue.record("should fail")
        } catch {
            #expect(error.id == "load.not-found")
            guard case .path("/nonexistent/x.csv")? = error.location else {
                Issue.record("expected a path location")
                return
            }
        }
    }

    @Test func folderWithoutCSV() {
        let dir = TempFolder()
        _ = dir.file("notes.txt", "x")
        do {
            _ = try CSVReader.load(path: dir.path)
            Issue.record("should fail")
        } catch {
            #expect(error.id == "load.no-csv-files")
            #expect(error.message == "the folder has no *.csv files (nor Arrow files: *.arrow, *.feather, *.ipc)")
        }
    }
}
