import CrmqSemantics
import CrmqEngine

/// The conversion pass: one column's cells, located by the scanner, become a typed
/// `Column`. The column's type is guessed from its first non-empty cell and the cells are
/// parsed as that type; a cell that does not fit widens the guess (int to double, anything
/// else to string) and the column is converted again. Data with consistent types is
/// therefore read once.
struct ColumnConverter {
    let p: UnsafeBufferPointer<UInt8>
    let chunks: [RecordChunk]
    let columns: Int
    let rowCount: Int

    /// The content of field `i` of a chunk: inside the quotes for a quoted field, without
    /// the CR of a CRLF line break for the last field of a record.
    @inline(__always)
    func cell(_ ends: UnsafeBufferPointer<UInt32>, _ base: Int, _ i: Int, last: Bool)
        -> (s: Int, e: Int, quoted: Bool)
    {
        let s = i == 0 ? base : base + Int(ends[i - 1]) + 1
        var e = base + Int(ends[i])
        if last && e > s && p[e - 1] == asciiCR { e -= 1 }
        if e > s && p[s] == asciiQuote { return (s + 1, e - 1, true) }
        return (s, e, false)
    }

    func convert(column j: Int) throws(CSVSyntaxError) -> Column {
        var type = firstDecidingType(column: j)
        while true {
            let failed: CellClass
            switch type {
            case .int:
                switch convertFixed(column: j, fill: Int64(0), parse: CellParsing.parseInt) {
                case .done(let v, let valid): return Column(.int(v), validity: valid)
                case .failed(let c): failed = c
                }
            case .double:
                switch convertFixed(column: j, fill: 0.0, parse: CellParsing.parseDouble) {
                case .done(let v, let valid): return Column(.double(v), validity: valid)
                case .failed(let c): failed = c
                }
            case .bool:
                switch convertFixed(column: j, fill: false, parse: CellParsing.parseBool) {
                case .done(let v, let valid): return Column(.bool(v), validity: valid)
                case .failed(let c): failed = c
                }
            case .date:
                switch convertFixed(column: j, fill: Int32(0), parse: CellParsing.parseDate) {
                case .done(let v, let valid): return Column(.date(v), validity: valid)
                case .failed(let c): failed = c
                }
            default:
                return try convertStrings(column: j)
            }
            type = (type == .int && (failed == .double || failed == .bigInteger)) ? .double : .string
        }
    }

    /// The type suggested by the first cell that is not empty; string if there is none.
    private func firstDecidingType(column j: Int) -> DataType {
        for chunk in chunks {
            let found: CellClass? = chunk.fieldEnds.withUnsafeBufferPointer { ends in
                for r in 0..<chunk.recordCount {
                    let c = cell(ends, chunk.base, r * columns + j, last: j == columns - 1)
                    if c.s < c.e { return CellParsing.classify(p, c.s, c.e) }
                }
                return nil
            }
            switch found {
            case nil, .empty?: continue
            case .int?: return .int
            case .bigInteger?, .double?: return .double
            case .bool?: return .bool
            case .date?: return .date
            case .text?: return .string
            }
        }
        return .string
    }

    private enum Outcome<T> {
        case done([T], [Bool]?)
        case failed(CellClass)
    }

    /// Parses every cell as one fixed-width type; an empty cell (quoted or not) is null.
    @inline(__always)
    private func convertFixed<T>(
        column j: Int, fill: T, parse: (UnsafeBufferPointer<UInt8>, Int, Int) -> T?
    ) -> Outcome<T> {
        var failure: CellClass? = nil
        var validity: [Bool]? = nil
        let last = j == columns - 1
        let values = [T](unsafeUninitializedCapacity: rowCount) { out, initialized in
            var row = 0
            outer: for chunk in chunks {
                chunk.fieldEnds.withUnsafeBufferPointer { ends in
                    for r in 0..<chunk.recordCount {
                        let c = cell(ends, chunk.base, r * columns + j, last: last)
                        if c.s == c.e {
                            (out.baseAddress! + row).initialize(to: fill)
                            if validity == nil { validity = [Bool](repeating: true, count: rowCount) }
                            validity![row] = false
                        } else if let v = parse(p, c.s, c.e) {
                            (out.baseAddress! + row).initialize(to: v)
                        } else {
                            failure = CellParsing.classify(p, c.s, c.e)
                            return
                        }
                        row += 1
                    }
                }
                if failure != nil { break outer }
            }
            initialized = row
        }
        if let f = failure { return .failed(f) }
        return .done(values, validity)
    }

    /// Interns every cell's text. An empty unquoted cell is null; a quoted empty cell ("")
    /// is the empty string.
    private func convertStrings(column j: Int) throws(CSVSyntaxError) -> Column {
        var interner = ByteInterner()
        var validity: [Bool]? = nil
        var scratch: [UInt8] = []
        var failure: CSVSyntaxError? = nil
        let last = j == columns - 1
        let codes = [Int32](unsafeUninitializedCapacity: rowCount) { out, initialized in
            var row = 0
            for chunk in chunks {
                chunk.fieldEnds.withUnsafeBufferPointer { ends in
                    for r in 0..<chunk.recordCount {
                        let c = cell(ends, chunk.base, r * columns + j, last: last)
                        if c.s == c.e && !c.quoted {
                            out[row] = 0
                            if validity == nil { validity = [Bool](repeating: true, count: rowCount) }
                            validity![row] = false
                            row += 1
                            continue
                        }
                        let interned: (code: Int32, isNew: Bool)
                        if c.quoted && hasQuote(c.s, c.e) {
                            unescape(c.s, c.e, into: &scratch)
                            interned = scratch.withUnsafeBufferPointer {
                                interner.intern($0.baseAddress!, count: $0.count)
                            }
                        } else {
                            interned = interner.intern(p.baseAddress! + c.s, count: c.e - c.s)
                        }
                        // The escapes are ASCII, so the raw cell is valid UTF-8 exactly when
                        // its value is; checking the raw bytes gives the file offset.
                        if interned.isNew, let bad = CellParsing.firstInvalidUTF8(p, c.s, c.e) {
                            failure = CSVSyntaxError(message: .invalidUTF8(byte: p[bad]), offset: bad)
                            return
                        }
                        out[row] = interned.code
                        row += 1
                    }
                }
                if failure != nil { break }
            }
            // Int32 is trivial: the rows not reached are never read.
            initialized = rowCount
        }
        if let f = failure { throw f }
        var values = interner.strings()
        // Null rows hold code 0, which must exist.
        if values.isEmpty { values = [""] }
        return Column(.string(codes: codes, dictionary: StringDictionary(values)), validity: validity)
    }

    private func hasQuote(_ s: Int, _ e: Int) -> Bool {
        var i = s
        while i < e {
            if p[i] == asciiQuote { return true }
            i += 1
        }
        return false
    }

    /// The text of a quoted field with each `""` made one `"`.
    private func unescape(_ s: Int, _ e: Int, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        var i = s
        while i < e {
            out.append(p[i])
            i += p[i] == asciiQuote ? 2 : 1
        }
    }
}
