import CrmqSemantics

// The engine's gather: 32-bit row indices (half the memory traffic of `Int`), one switch per
// column instead of one per row, and validity built only when needed.

/// What `pick` reads rows from: stored values, or values made from the row's index.
private protocol PickSource {
    associatedtype Element
    func value(at i: Int) -> Element
}

extension UnsafeBufferPointer: PickSource {
    @inline(__always) fileprivate func value(at i: Int) -> Element { self[i] }
}

/// A sequence's values are made from their indices: a filter of transactions keeps its
/// `txn_id`s without widening 120M of them.
extension IntSequence: PickSource {
    @inline(__always) fileprivate func value(at i: Int) -> Int64 { self[i] }
}

/// With `cancel`, each part stops between chunks once it is set (the rest of its range is
/// filled with `fill`): a gather of tens of millions of rows is longer than Ctrl-C may take,
/// so the caller checks the flag afterwards and throws the result away.
@inline(__always)
private func pick<S: PickSource>(_ source: S, _ indices: [Int32], fill: S.Element, cancel: CancellationFlag? = nil)
    -> [S.Element]
{
    indices.withUnsafeBufferPointer { idx in
        Parallel.array(idx.count) { out, rows in
            var start = rows.lowerBound
            while start < rows.upperBound {
                if let cancel, cancel.isCancelled {
                    UnsafeMutableBufferPointer(rebasing: out[start..<rows.upperBound]).initialize(repeating: fill)
                    return
                }
                let end = Swift.min(rows.upperBound, start + chunkSize)
                for k in start..<end {
                    let i = Int(idx[k])
                    out.initializeElement(at: k, to: i >= 0 ? source.value(at: i) : fill)
                }
                start = end
            }
        }
    }
}

@inline(__always)
private func pick<T>(_ a: [T], _ indices: [Int32], fill: T, cancel: CancellationFlag? = nil) -> [T] {
    a.withUnsafeBufferPointer { pick($0, indices, fill: fill, cancel: cancel) }
}

extension Column {
    /// Rows in the order of `indices`; an index of -1 gives a null row.
    /// `knownValid`: the rows taken are all non-null, so no validity is copied.
    /// `cancel`: stop early once it is set (the column is then of no use: check it after).
    func take(
        _ indices: [Int32], mayHaveMissing: Bool = false, knownValid: Bool = false, cancel: CancellationFlag? = nil
    ) -> Column {
        var valid: [Bool]? = nil
        if knownValid {
            valid = nil
        } else if let v = validity {
            valid = pick(v, indices, fill: false, cancel: cancel)
        } else if mayHaveMissing {
            valid = map1(.array(indices), indices.count) { $0 >= 0 }
        }
        if let small = smallInts {
            return Column(smallInts: pick(small.values, indices, fill: 0, cancel: cancel), validity: valid)
        }
        if let sequence = intSequence {
            return Column(.int(pick(sequence, indices, fill: 0, cancel: cancel)), validity: valid)
        }
        if let words = int32s {
            return Column(int32s: pick(words.values, indices, fill: 0, cancel: cancel), validity: valid)
        }
        switch values {
        case .int(let a): return Column(.int(pick(a, indices, fill: 0, cancel: cancel)), validity: valid)
        case .double(let a): return Column(.double(pick(a, indices, fill: 0, cancel: cancel)), validity: valid)
        case .bool(let a): return Column(.bool(pick(a, indices, fill: false, cancel: cancel)), validity: valid)
        case .date(let a): return Column(.date(pick(a, indices, fill: 0, cancel: cancel)), validity: valid)
        case .string(let c, let d):
            return Column(.string(codes: pick(c, indices, fill: 0, cancel: cancel), dictionary: d), validity: valid)
        case .null: return Column(.null(count: indices.count))
        }
    }

    /// The first `count` rows.
    func prefix(_ count: Int) -> Column {
        let k = Swift.min(count, self.count)
        let valid = validity.map { Array($0[..<k]) }
        if let small = smallInts { return Column(smallInts: Array(small.values[..<k]), validity: valid) }
        if let sequence = intSequence { return Column(sequenceFrom: sequence.first, count: k) }
        if let words = int32s { return Column(int32s: Array(words.values[..<k]), validity: valid) }
        switch values {
        case .int(let a): return Column(.int(Array(a[..<k])), validity: valid)
        case .double(let a): return Column(.double(Array(a[..<k])), validity: valid)
        case .bool(let a): return Column(.bool(Array(a[..<k])), validity: valid)
        case .date(let a): return Column(.date(Array(a[..<k])), validity: valid)
        case .string(let c, let d): return Column(.string(codes: Array(c[..<k]), dictionary: d), validity: valid)
        case .null: return Column(.null(count: k))
        }
    }
}

extension Table {
    /// Rows in the order of `indices` (-1 gives a null row).
    func take(_ indices: [Int32], mayHaveMissing: Bool = false) -> Table {
        Table(
            schema: schema, columns: columns.map { $0.take(indices, mayHaveMissing: mayHaveMissing) },
            rowCount: indices.count)
    }

    /// `take`, checking for cancellation between columns and, inside a column, between chunks
    /// of rows (a wide gather of many rows is long).
    /// Columns not in `keeping` (when given) become all-null placeholders instead of being gathered.
    /// Columns in `nonNull` are known to have no null among these rows.
    func take(_ indices: [Int32], keeping: Set<Int>? = nil, nonNull: Set<Int> = [], cancel: CancellationFlag)
        throws(EngineError) -> Table
    {
        var out: [Column] = []
        out.reserveCapacity(columns.count)
        for (i, c) in columns.enumerated() {
            try cancel.check()
            out.append(
                keeping.map { $0.contains(i) } ?? true
                    ? c.take(indices, knownValid: nonNull.contains(i), cancel: cancel) : Column(.null(count: indices.count)))
        }
        try cancel.check()
        return Table(schema: schema, columns: out, rowCount: indices.count)
    }
}
