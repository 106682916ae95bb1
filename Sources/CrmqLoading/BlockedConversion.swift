import CrmqSemantics
import CrmqEngine

#if canImport(Glibc)
    import Glibc
#endif

/// A large file read block by block: each block of about `LoadTuning.blockBytes` is
/// scanned, converted into the columns, and its bytes and field ends dropped before the
/// next block is scanned. Read whole, the 5 GB transactions.csv of the 10M-customer
/// benchmark had its bytes (mapped), its field ends (2.4 GB) and its columns (3.8 GB)
/// resident at once; block by block, only one block's bytes and field ends are beside the
/// columns (docs/performance.md, "Loading in blocks").
///
/// The column types are guessed from the first block, and the columns get room for the
/// rows the first block's density predicts, with a margin. When that does not hold (a cell
/// of a later block does not fit its column's guess, a column is empty throughout the first
/// block, the rows outnumber the room) or on any error, `read` returns nil and the caller
/// reads the file whole, which gives the same table, or the same first error, as always.
enum BlockedConversion {
    /// Room for this many times the rows the first block predicts.
    static let margin = 1.25

    /// The columns and row count of the records from `start` to the end of `p`, or nil (see
    /// above).
    static func read(
        _ p: UnsafeBufferPointer<UInt8>, scanner: CSVScanner, columns: Int, from start: Int, tuning: LoadTuning
    ) -> (columns: [Column], rows: Int)? {
        let end = p.count
        let groups = max(tuning.workers * tuning.partsPerWorker, 1)
        func scan(_ from: Int) -> (chunks: [RecordChunk], next: Int)? {
            let limit = min(from + tuning.blockBytes, end)
            if tuning.releasePages { FileSystem.populate(p, from, limit) }
            return try? scanner.scanRecords(from: from, to: limit, columns: columns, parts: groups)
        }
        func converter(_ chunks: [RecordChunk]) -> ColumnConverter {
            ColumnConverter(
                p: p, chunks: chunks, columns: columns, rowCount: chunks.reduce(0) { $0 + $1.recordCount },
                groups: groups, releasePages: tuning.releasePages)
        }
        guard let first = scan(start), first.next < end else { return nil }
        var block = converter(first.chunks)
        guard block.rowCount > 0 else { return nil }
        var types: [DataType] = []
        for j in 0..<columns {
            guard let t = block.decidingType(column: j) else { return nil }
            types.append(t)
        }
        let predicted = Double(end - start) / Double(first.next - start) * Double(block.rowCount)
        let capacity = Int((predicted * margin).rounded(.up)) + 1024

        var values: [ColumnValues?] = []
        var nulls = [[(ColumnConverter.RowRange, [Bool])]](repeating: [], count: columns)
        var strings = [[(ColumnConverter.RowRange, ColumnConverter.InternedRange)]](repeating: [], count: columns)
        var complete = false
        var rows = 0
        ColumnConverter.withStorage(types, capacity: capacity, &values) { storages in
            var next = first.next
            while true {
                guard rows + block.rowCount <= capacity else { return rows }
                let outcomes = block.convertRanges(storages.map { $0.advanced(by: rows) })
                for (range, outcome) in zip(block.ranges, outcomes) {
                    var global = range
                    global.firstRow += rows
                    for j in 0..<columns {
                        if outcome.failed[j] != nil || outcome.strings[j]?.failure != nil { return rows }
                        if let n = outcome.nulls[j] { nulls[j].append((global, n)) }
                        if let s = outcome.strings[j] { strings[j].append((global, s)) }
                    }
                }
                rows += block.rowCount
                if next >= end {
                    complete = true
                    return rows
                }
                // The block's field ends go before the next block's are made.
                block = converter([])
                guard let scanned = scan(next) else { return rows }
                block = converter(scanned.chunks)
                next = scanned.next
            }
        }
        guard complete else { return nil }
        var result: [Column] = []
        for j in 0..<columns {
            switch values[j]! {
            case .string(var codes, _):
                // Each part's failure was checked above, so this does not throw.
                guard let column = try? ColumnConverter.finishStrings(codes: &codes, strings[j], rowCount: rows)
                else { return nil }
                result.append(column)
            case let v:
                result.append(Column(v, validity: ColumnConverter.validity(rowCount: rows, nulls[j])))
            }
        }
        return (result, rows)
    }
}
