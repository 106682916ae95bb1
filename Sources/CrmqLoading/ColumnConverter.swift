import CrmqSemantics
import CrmqEngine

/// The conversion pass: one column's cells, located by the scanner, become a typed
/// `Column`. The column's type is guessed from its first non-empty cell and the cells are
/// parsed as that type; a cell that does not fit widens the guess (int to double, anything
/// else to string) and the column is converted again. Data with consistent types is
/// therefore read once.
///
/// A column is converted in row ranges (`ranges`) on all cores at once. Each range parses
/// into its own rows of the column; if several ranges meet a cell that does not fit, the
/// first one in file order decides the widening, as in a serial pass. Strings are interned
/// per range and the ranges' dictionaries then merged in file order, which numbers the
/// values in order of first appearance, exactly as one serial pass does.
struct ColumnConverter {
    let p: UnsafeBufferPointer<UInt8>
    let chunks: [RecordChunk]
    let columns: Int
    let rowCount: Int
    /// Runs of whole chunks with about equal numbers of rows, in file order.
    let ranges: [RowRange]

    /// Chunks `chunks` of the file, holding rows `firstRow..<firstRow + rows`.
    struct RowRange {
        var chunks: Range<Int>
        var firstRow: Int
        var rows: Int
    }

    /// Whether `convertAll` drops the file's pages of each chunk it has converted.
    let releasePages: Bool

    /// `groups` is the number of row ranges to convert in parallel (1: serially).
    init(
        p: UnsafeBufferPointer<UInt8>, chunks: [RecordChunk], columns: Int, rowCount: Int, groups: Int = 1,
        releasePages: Bool = false
    ) {
        self.p = p
        self.releasePages = releasePages
        self.chunks = chunks
        self.columns = columns
        self.rowCount = rowCount
        var ranges: [RowRange] = []
        var first = 0, firstRow = 0, row = 0
        for (k, chunk) in chunks.enumerated() {
            row += chunk.recordCount
            // Close a range once it reaches its share of the rows.
            if row * groups >= rowCount * (ranges.count + 1) || k == chunks.count - 1 {
                ranges.append(RowRange(chunks: first..<(k + 1), firstRow: firstRow, rows: row - firstRow))
                first = k + 1
                firstRow = row
            }
        }
        if ranges.isEmpty { ranges.append(RowRange(chunks: 0..<chunks.count, firstRow: 0, rows: 0)) }
        self.ranges = ranges
    }

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
        try convert(column: j, as: decidingType(column: j) ?? .string)
    }

    /// Column `j` converted as `type` or, if a cell does not fit, a wider type.
    private func convert(column j: Int, as first: DataType) throws(CSVSyntaxError) -> Column {
        var type = first
        while true {
            let failed: CellClass
            switch type {
            case .int:
                switch convertFixed(column: j, fill: Int64(0), parser: IntCells.self) {
                case .done(let v, let valid): return Column(.int(v), validity: valid)
                case .failed(let c): failed = c
                }
            case .double:
                switch convertFixed(column: j, fill: 0.0, parser: DoubleCells.self) {
                case .done(let v, let valid): return Column(.double(v), validity: valid)
                case .failed(let c): failed = c
                }
            case .bool:
                switch convertFixed(column: j, fill: false, parser: BoolCells.self) {
                case .done(let v, let valid): return Column(.bool(v), validity: valid)
                case .failed(let c): failed = c
                }
            case .date:
                switch convertFixed(column: j, fill: Int32(0), parser: DateCells.self) {
                case .done(let v, let valid): return Column(.date(v), validity: valid)
                case .failed(let c): failed = c
                }
            default:
                return try convertStrings(column: j)
            }
            type = Self.widened(type, failed)
        }
    }

    /// The type to try after `type` failed on a cell of class `failed`.
    static func widened(_ type: DataType, _ failed: CellClass) -> DataType {
        (type == .int && (failed == .double || failed == .bigInteger)) ? .double : .string
    }

    /// Every column, converted chunk by chunk: each worker takes a row range and converts
    /// all the columns of one chunk before the next, while the chunk's bytes and field ends
    /// are in cache. Column by column, the whole file and all field ends went through
    /// memory once per column; this took converting transactions.csv (5 columns) from
    /// 1.46 to 0.89 s, and customers.csv from 0.66 to 0.34 s (2 cores). A column whose first guess fails somewhere is converted again alone
    /// (`convert(column:as:)`) with the type that cell calls for. Results and errors are
    /// those of converting each column with `convert(column:)`; of several errors the one
    /// earliest in the file is thrown.
    func convertAll() throws(CSVSyntaxError) -> [Column] {
        let types = (0..<columns).map { decidingType(column: $0) ?? .string }
        var values: [ColumnValues?] = []
        var outcomes: [RangeColumns] = []
        Self.withStorage(types, capacity: rowCount, &values) { storages in
            outcomes = convertRanges(storages)
            return rowCount
        }
        var result: [Column] = []
        var firstError: CSVSyntaxError? = nil
        for j in 0..<columns {
            do throws(CSVSyntaxError) {
                if let failed = outcomes.lazy.compactMap({ $0.failed[j] }).first {
                    result.append(try convert(column: j, as: Self.widened(types[j], failed)))
                    continue
                }
                switch values[j]! {
                case .string(var codes, _):
                    result.append(
                        try Self.finishStrings(
                            codes: &codes, Array(zip(ranges, outcomes.map { $0.strings[j]! })), rowCount: rowCount))
                case let v:
                    let nulls = zip(ranges, outcomes).compactMap { r, o in o.nulls[j].map { (r, $0) } }
                    result.append(Column(v, validity: Self.validity(rowCount: rowCount, nulls)))
                }
            } catch {
                if firstError == nil || error.offset < firstError!.offset { firstError = error }
            }
        }
        if let e = firstError { throw e }
        return result
    }

    /// The validity of `rowCount` rows from the nulls of some row ranges (nil: no nulls).
    static func validity(rowCount: Int, _ nulls: [(RowRange, [Bool])]) -> [Bool]? {
        var validity: [Bool]? = nil
        for (range, nulls) in nulls {
            if validity == nil { validity = [Bool](repeating: true, count: rowCount) }
            validity!.withUnsafeMutableBufferPointer { v in
                for (k, valid) in nulls.enumerated() where !valid { v[range.firstRow + k] = false }
            }
        }
        return validity
    }

    /// Where a column's values go during `convertAll`: the base of its uninitialized array.
    enum Storage {
        case int(SendablePointer<Int64>)
        case double(SendablePointer<Double>)
        case bool(SendablePointer<Bool>)
        case date(SendablePointer<Int32>)
        case string(SendablePointer<Int32>)

        /// The same storage from row `rows` on.
        func advanced(by rows: Int) -> Storage {
            switch self {
            case .int(let b): .int(SendablePointer(b.pointer.map { $0 + rows }))
            case .double(let b): .double(SendablePointer(b.pointer.map { $0 + rows }))
            case .bool(let b): .bool(SendablePointer(b.pointer.map { $0 + rows }))
            case .date(let b): .date(SendablePointer(b.pointer.map { $0 + rows }))
            case .string(let b): .string(SendablePointer(b.pointer.map { $0 + rows }))
            }
        }
    }

    /// Creates one array with room for `capacity` values per column, of its type, and runs
    /// `body` with their storage; `body` returns how many rows it filled, which is each
    /// array's count, and `values` gets the arrays. The first `nestedColumns` arrays are
    /// built by nested `unsafeUninitializedCapacity` calls (one level per column), so
    /// their values are written in place and never copied; the columns after those (a
    /// wide file) are written to buffers of their own and moved into their arrays at the
    /// end, so the nesting, and the stack, stay small however many columns there are. A
    /// string column's array holds codes; its dictionary is still to be made. Room beyond
    /// the rows filled is address space only: pages never written are never made resident.
    static func withStorage(
        _ types: [DataType], capacity: Int, _ values: inout [ColumnValues?], _ body: ([Storage]) -> Int
    ) {
        values = Array(repeating: nil, count: types.count)
        var storages: [Storage] = []
        var filled = 0
        let nested = min(types.count, Self.nestedColumns)
        func open(_ j: Int, _ values: inout [ColumnValues?]) {
            if j == nested {
                filled = withBuffers(types, from: nested, capacity: capacity, &values, storages, body)
                return
            }
            // The element types are trivial: rows that a failed column left unset are
            // never read (the column is converted again).
            switch types[j] {
            case .int:
                values[j] = .int(
                    [Int64](unsafeUninitializedCapacity: capacity) { b, n in
                        storages.append(.int(SendablePointer(b.baseAddress)))
                        open(j + 1, &values)
                        n = filled
                    })
            case .double:
                values[j] = .double(
                    [Double](unsafeUninitializedCapacity: capacity) { b, n in
                        storages.append(.double(SendablePointer(b.baseAddress)))
                        open(j + 1, &values)
                        n = filled
                    })
            case .bool:
                values[j] = .bool(
                    [Bool](unsafeUninitializedCapacity: capacity) { b, n in
                        storages.append(.bool(SendablePointer(b.baseAddress)))
                        open(j + 1, &values)
                        n = filled
                    })
            case .date:
                values[j] = .date(
                    [Int32](unsafeUninitializedCapacity: capacity) { b, n in
                        storages.append(.date(SendablePointer(b.baseAddress)))
                        open(j + 1, &values)
                        n = filled
                    })
            default:
                let codes = [Int32](unsafeUninitializedCapacity: capacity) { b, n in
                    storages.append(.string(SendablePointer(b.baseAddress)))
                    open(j + 1, &values)
                    n = filled
                }
                values[j] = .string(codes: codes, dictionary: StringDictionary([]))
            }
        }
        open(0, &values)
    }

    /// Columns converted in place, by nested closures, before the rest use buffers of
    /// their own: one stack frame each (a CSV file with 30,600 columns overflowed the
    /// stack when every column nested).
    static let nestedColumns = 64

    /// Runs `body` with `storages` and, for columns `first...`, buffers allocated here,
    /// then moves each buffer's filled rows into its column's array in `values`; returns
    /// what `body` returned.
    private static func withBuffers(
        _ types: [DataType], from first: Int, capacity: Int, _ values: inout [ColumnValues?], _ storages: [Storage],
        _ body: ([Storage]) -> Int
    ) -> Int {
        var storages = storages
        // At least one slot, so no buffer relies on a zero-size allocation.
        let capacity = max(capacity, 1)
        for j in first..<types.count {
            switch types[j] {
            case .int: storages.append(.int(SendablePointer(UnsafeMutablePointer<Int64>.allocate(capacity: capacity))))
            case .double: storages.append(.double(SendablePointer(UnsafeMutablePointer<Double>.allocate(capacity: capacity))))
            case .bool: storages.append(.bool(SendablePointer(UnsafeMutablePointer<Bool>.allocate(capacity: capacity))))
            case .date: storages.append(.date(SendablePointer(UnsafeMutablePointer<Int32>.allocate(capacity: capacity))))
            default: storages.append(.string(SendablePointer(UnsafeMutablePointer<Int32>.allocate(capacity: capacity))))
            }
        }
        let filled = body(storages)
        func moved<T>(_ p: SendablePointer<T>) -> [T] {
            defer { p.pointer!.deallocate() }
            return [T](unsafeUninitializedCapacity: filled) { b, n in
                if filled > 0 { b.baseAddress!.moveInitialize(from: p.pointer!, count: filled) }
                n = filled
            }
        }
        for j in first..<types.count {
            switch storages[j] {
            case .int(let p): values[j] = .int(moved(p))
            case .double(let p): values[j] = .double(moved(p))
            case .bool(let p): values[j] = .bool(moved(p))
            case .date(let p): values[j] = .date(moved(p))
            case .string(let p): values[j] = .string(codes: moved(p), dictionary: StringDictionary([]))
            }
        }
        return filled
    }

    /// What one row range gave for every column.
    struct RangeColumns {
        /// Per column, the class of the first cell that did not parse as its guess.
        var failed: [CellClass?]
        /// Per fixed-width column, the nulls among the range's rows (nil: none).
        var nulls: [[Bool]?]
        /// Per string column, the range's interned values.
        var strings: [InternedRange?]
    }

    /// Every column of every row range, converted into `storages` (row `range.firstRow` of a
    /// range at each storage's row `range.firstRow`), on all cores when there are several ranges.
    func convertRanges(_ storages: [Storage]) -> [RangeColumns] {
        forEachRange { range in convertRange(range, storages) }
    }

    private func convertRange(_ range: RowRange, _ storages: [Storage]) -> RangeColumns {
        var out = RangeColumns(
            failed: Array(repeating: nil, count: columns), nulls: Array(repeating: nil, count: columns),
            strings: Array(repeating: nil, count: columns))
        for (j, s) in storages.enumerated() { if case .string = s { out.strings[j] = InternedRange() } }
        var row = range.firstRow
        for chunk in chunks[range.chunks] {
            chunk.fieldEnds.withUnsafeBufferPointer { ends in
                for j in 0..<columns where out.failed[j] == nil {
                    switch storages[j] {
                    case .int(let b):
                        out.failed[j] = convertCells(
                            column: j, chunk: chunk, ends, row: row, range: range, into: b.pointer, fill: 0,
                            parser: IntCells.self, nulls: &out.nulls[j])
                    case .double(let b):
                        out.failed[j] = convertCells(
                            column: j, chunk: chunk, ends, row: row, range: range, into: b.pointer, fill: 0,
                            parser: DoubleCells.self, nulls: &out.nulls[j])
                    case .bool(let b):
                        out.failed[j] = convertCells(
                            column: j, chunk: chunk, ends, row: row, range: range, into: b.pointer, fill: false,
                            parser: BoolCells.self, nulls: &out.nulls[j])
                    case .date(let b):
                        out.failed[j] = convertCells(
                            column: j, chunk: chunk, ends, row: row, range: range, into: b.pointer, fill: 0,
                            parser: DateCells.self, nulls: &out.nulls[j])
                    case .string(let b):
                        // An invalid cell is an error, not a wider type: the range stops
                        // interning this column and keeps the error.
                        guard out.strings[j]!.failure == nil else { continue }
                        internCells(
                            column: j, chunk: chunk, ends, row: row, range: range, into: b.pointer,
                            part: &out.strings[j]!)
                    }
                }
            }
            row += chunk.recordCount
            if releasePages && chunk.recordCount > 0 {
                let end = chunk.fieldEnds.withUnsafeBufferPointer { chunk.base + Int($0[$0.count - 1]) }
                FileSystem.releasePages(p, chunk.base, end)
            }
        }
        return out
    }

    /// The type suggested by the first cell that is not empty; nil if there is none (the
    /// whole file reads such a column as strings, all null).
    func decidingType(column j: Int) -> DataType? {
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
        return nil
    }

    /// Runs `body` for every row range, on all cores when there are several, and returns
    /// the results in file order.
    private func forEachRange<R>(_ body: (RowRange) -> R) -> [R] {
        if ranges.count == 1 { return [body(ranges[0])] }
        return SharedSlots<R>.map(ranges.count) { body(ranges[$0]) }
    }

    private enum Outcome<T> {
        case done([T], [Bool]?)
        case failed(CellClass)
    }

    /// What one row range gave: the nulls among its rows (nil: none), or the class of the
    /// first cell that did not parse.
    private enum RangeOutcome {
        case done(nulls: [Bool]?)
        case failed(CellClass)
    }

    /// Parses every cell as one fixed-width type; an empty cell (quoted or not) is null.
    @inline(__always)
    private func convertFixed<P: CellParser>(column j: Int, fill: P.Value, parser: P.Type) -> Outcome<P.Value> {
        typealias T = P.Value
        var outcomes: [RangeOutcome] = []
        let values = [T](unsafeUninitializedCapacity: rowCount) { out, initialized in
            let base = SendablePointer(out.baseAddress)
            outcomes = forEachRange { range in
                convertFixed(column: j, range: range, into: base.pointer, fill: fill, parser: parser)
            }
            // The element types are trivial: rows a failed pass left unset are never read.
            initialized = rowCount
        }
        var validity: [Bool]? = nil
        for (range, outcome) in zip(ranges, outcomes) {
            switch outcome {
            case .failed(let c): return .failed(c)
            case .done(nil): continue
            case .done(let nulls?):
                if validity == nil { validity = [Bool](repeating: true, count: rowCount) }
                validity!.withUnsafeMutableBufferPointer { v in
                    for (k, valid) in nulls.enumerated() where !valid { v[range.firstRow + k] = false }
                }
            }
        }
        return .done(values, validity)
    }

    @inline(__always)
    private func convertFixed<P: CellParser>(
        column j: Int, range: RowRange, into out: UnsafeMutablePointer<P.Value>?, fill: P.Value, parser: P.Type
    ) -> RangeOutcome {
        var nulls: [Bool]? = nil
        var row = range.firstRow
        for chunk in chunks[range.chunks] {
            let failure = chunk.fieldEnds.withUnsafeBufferPointer { ends in
                convertCells(
                    column: j, chunk: chunk, ends, row: row, range: range, into: out, fill: fill, parser: parser,
                    nulls: &nulls)
            }
            if let f = failure { return .failed(f) }
            row += chunk.recordCount
        }
        return .done(nulls: nulls)
    }

    /// Parses column `j` of one chunk, whose first row is `row` (in `range`); returns the
    /// class of the first cell that does not parse.
    @inline(__always)
    private func convertCells<P: CellParser>(
        column j: Int, chunk: RecordChunk, _ ends: UnsafeBufferPointer<UInt32>, row first: Int, range: RowRange,
        into out: UnsafeMutablePointer<P.Value>?, fill: P.Value, parser: P.Type, nulls: inout [Bool]?
    ) -> CellClass? {
        let last = j == columns - 1
        var row = first
        for r in 0..<chunk.recordCount {
            let c = cell(ends, chunk.base, r * columns + j, last: last)
            if c.s == c.e {
                (out! + row).initialize(to: fill)
                if nulls == nil { nulls = [Bool](repeating: true, count: range.rows) }
                nulls![row - range.firstRow] = false
            } else if let v = P.parse(p, c.s, c.e) {
                (out! + row).initialize(to: v)
            } else {
                return CellParsing.classify(p, c.s, c.e)
            }
            row += 1
        }
        return nil
    }

    /// Interns every cell's text. An empty unquoted cell is null; a quoted empty cell ("")
    /// is the empty string.
    private func convertStrings(column j: Int) throws(CSVSyntaxError) -> Column {
        var parts: [InternedRange] = []
        var codes = [Int32](unsafeUninitializedCapacity: rowCount) { out, initialized in
            let base = SendablePointer(out.baseAddress)
            parts = forEachRange { range in internStrings(column: j, range: range, into: base.pointer) }
            // Int32 is trivial: the rows not reached are never read.
            initialized = rowCount
        }
        return try Self.finishStrings(codes: &codes, Array(zip(ranges, parts)), rowCount: rowCount)
    }

    /// The string column of codes interned per range: errors first, then one dictionary
    /// for the column, the ranges' values merged in file order, and each range's codes
    /// renumbered into it (in parallel).
    static func finishStrings(codes: inout [Int32], _ parts: [(RowRange, InternedRange)], rowCount: Int)
        throws(CSVSyntaxError) -> Column
    {
        if let f = parts.lazy.compactMap(\.1.failure).first { throw f }
        var values: [String]
        if parts.count == 1 {
            values = parts[0].1.interner.strings()
        } else {
            var merged = ByteInterner()
            let renumber = parts.map { merged.intern(all: $0.1.interner) }
            values = merged.strings()
            codes.withUnsafeMutableBufferPointer { out in
                let base = SendablePointer(out.baseAddress)
                _ = SharedSlots<Bool>.map(parts.count) { k in
                    let (range, part) = parts[k], map = renumber[k], nulls = part.nulls
                    guard !map.isEmpty else { return true }  // only nulls
                    for row in range.firstRow..<(range.firstRow + range.rows)
                    where nulls == nil || nulls![row - range.firstRow] {
                        base.pointer![row] = map[Int(base.pointer![row])]
                    }
                    return true
                }
            }
        }
        let validity = validity(rowCount: rowCount, parts.compactMap { r, part in part.nulls.map { (r, $0) } })
        // Null rows hold code 0, which must exist.
        if values.isEmpty { values = [""] }
        return Column(.string(codes: codes, dictionary: StringDictionary(values)), validity: validity)
    }

    /// One row range's strings: codes of its own dictionary, its nulls (nil: none) and its
    /// first invalid UTF-8.
    struct InternedRange {
        var interner = ByteInterner()
        var nulls: [Bool]? = nil
        var failure: CSVSyntaxError? = nil
    }

    private func internStrings(column j: Int, range: RowRange, into out: UnsafeMutablePointer<Int32>?)
        -> InternedRange
    {
        var part = InternedRange()
        var row = range.firstRow
        for chunk in chunks[range.chunks] {
            chunk.fieldEnds.withUnsafeBufferPointer { ends in
                internCells(column: j, chunk: chunk, ends, row: row, range: range, into: out, part: &part)
            }
            if part.failure != nil { break }
            row += chunk.recordCount
        }
        return part
    }

    /// Interns column `j` of one chunk, whose first row is `row` (in `range`), into `part`
    /// (which records the first invalid UTF-8).
    private func internCells(
        column j: Int, chunk: RecordChunk, _ ends: UnsafeBufferPointer<UInt32>, row first: Int, range: RowRange,
        into out: UnsafeMutablePointer<Int32>?, part: inout InternedRange
    ) {
        var scratch: [UInt8] = []
        let last = j == columns - 1
        var row = first
        for r in 0..<chunk.recordCount {
            let c = cell(ends, chunk.base, r * columns + j, last: last)
            if c.s == c.e && !c.quoted {
                out![row] = 0
                if part.nulls == nil { part.nulls = [Bool](repeating: true, count: range.rows) }
                part.nulls![row - range.firstRow] = false
                row += 1
                continue
            }
            let interned: (code: Int32, isNew: Bool)
            if c.quoted && hasQuote(c.s, c.e) {
                unescape(c.s, c.e, into: &scratch)
                interned = scratch.withUnsafeBufferPointer {
                    part.interner.intern($0.baseAddress!, count: $0.count)
                }
            } else {
                interned = part.interner.intern(p.baseAddress! + c.s, count: c.e - c.s)
            }
            // The escapes are ASCII, so the raw cell is valid UTF-8 exactly when its value
            // is; checking the raw bytes gives the file offset. A value is checked where it
            // first appears, so this finds the range's first invalid cell.
            if interned.isNew, let bad = CellParsing.firstInvalidUTF8(p, c.s, c.e) {
                part.failure = CSVSyntaxError(message: .invalidUTF8(byte: p[bad]), offset: bad)
                return
            }
            out![row] = interned.code
            row += 1
        }
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

/// A pointer to a column's storage, shared by the workers that fill it: each writes only
/// the rows of its own range, and nothing reads them until all have finished.
struct SendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>?
    init(_ pointer: UnsafeMutablePointer<T>?) { self.pointer = pointer }
}
