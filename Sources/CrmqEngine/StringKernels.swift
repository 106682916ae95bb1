import CrmqSemantics

// Strings are compared by their UTF-8 bytes (DuckDB's binary collation), not by Swift's
// canonical-equivalence ordering, so that sorting, grouping and comparisons agree.

@inline(__always)
func utf8Less(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

@inline(__always)
func utf8Equal(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

/// The first eight UTF-8 bytes of a string as a big-endian integer: comparing two of these
/// orders most strings without touching their storage again.
func utf8Prefix(_ s: String) -> UInt64 {
    var p: UInt64 = 0
    var shift: UInt64 = 56
    for b in s.utf8 {
        p |= UInt64(b) << shift
        if shift == 0 { break }
        shift -= 8
    }
    return p
}

/// Dense ranks of the entries of one or more dictionaries in UTF-8 byte order: equal strings
/// get equal ranks, so ranks compare and group strings across dictionaries. Computed once per
/// operation, at a cost per distinct value rather than per row.
struct StringRanks {
    /// For each dictionary given, the rank of each code.
    var ranks: [[Int32]]
    /// How many distinct strings there are.
    var distinct: Int

    init(_ dicts: [StringDictionary]) {
        // One category's levels: the codes are the ranks already.
        if let first = dicts.first, first.isLevels,
            dicts.allSatisfy({ $0 === first || ($0.isLevels && $0.values == first.values) })
        {
            let identity = (0..<Int32(first.count)).map { $0 }
            self.ranks = dicts.map { _ in identity }
            self.distinct = first.count
            return
        }
        var entries: [(dict: Int32, code: Int32)] = []
        entries.reserveCapacity(dicts.reduce(0) { $0 + $1.count })
        var prefixes: [UInt64] = []
        for (di, d) in dicts.enumerated() where !dicts[..<di].contains(where: { $0 === d }) {
            for (code, s) in d.values.enumerated() {
                entries.append((Int32(di), Int32(code)))
                prefixes.append(utf8Prefix(s))
            }
        }
        @inline(__always) func string(_ e: Int) -> String { dicts[Int(entries[e].dict)].values[Int(entries[e].code)] }
        var order = Array(0..<entries.count)
        order.sort { a, b in
            let pa = prefixes[a], pb = prefixes[b]
            if pa != pb { return pa < pb }
            return utf8Less(string(a), string(b))
        }
        var ranks = dicts.map { [Int32](repeating: 0, count: $0.count) }
        var rank: Int32 = -1
        for (k, e) in order.enumerated() {
            if k == 0 || prefixes[e] != prefixes[order[k - 1]] || !utf8Equal(string(e), string(order[k - 1])) {
                rank += 1
            }
            ranks[Int(entries[e].dict)][Int(entries[e].code)] = rank
        }
        // A dictionary given twice shares the ranks computed for its first occurrence.
        for (di, d) in dicts.enumerated() {
            if let first = dicts.firstIndex(where: { $0 === d }), first != di { ranks[di] = ranks[first] }
        }
        self.ranks = ranks
        self.distinct = Int(rank + 1)
    }
}

/// One dictionary holding the strings of several, with each old code's new code
/// (nil where a dictionary is kept as it is).
func unifyDictionaries(_ dicts: [StringDictionary]) -> (StringDictionary, [[Int32]?]) {
    guard let first = dicts.first else { return (StringDictionary([""]), []) }
    if dicts.allSatisfy({ $0 === first }) { return (first, dicts.map { _ in nil }) }
    var builder = StringDictionaryBuilder()
    for s in first.values { _ = builder.code(for: s) }
    let remaps: [[Int32]?] = dicts.map { d in
        d === first ? nil : d.values.map { builder.code(for: $0) }
    }
    return (builder.build(), remaps)
}

/// A string column with its codes remapped through `remap` (if any) into another dictionary.
func remapped(_ codes: [Int32], _ remap: [Int32]?) -> [Int32] {
    guard let remap else { return codes }
    return remap.withUnsafeBufferPointer { m in map1(.array(codes), codes.count) { m[Int($0)] } }
}

/// The string operands of one kernel in one dictionary: each column's codes remapped, each
/// scalar given a code.
func unifiedStrings(_ ops: [StringOperand], n: Int) -> (StringDictionary, [Vec<Int32>]) {
    var dicts: [StringDictionary] = []
    for case .column(_, let d) in ops where !dicts.contains(where: { $0 === d }) { dicts.append(d) }
    let scalars = ops.compactMap { if case .scalar(let s) = $0 { s } else { nil } }
    var dict: StringDictionary
    var remaps: [[Int32]?]
    if scalars.isEmpty, !dicts.isEmpty {
        (dict, remaps) = unifyDictionaries(dicts)
    } else {
        var builder = StringDictionaryBuilder()
        remaps = dicts.map { d in d.values.map { builder.code(for: $0) } }
        for s in scalars { _ = builder.code(for: s) }
        dict = builder.build()
    }
    let vecs: [Vec<Int32>] = ops.map { op in
        switch op {
        case .scalar(let s): return .scalar(dict.codes[s]!)
        case .column(let codes, let d):
            return .array(remapped(codes, remaps[dicts.firstIndex { $0 === d }!]))
        }
    }
    return (dict, vecs)
}

// MARK: - Per-distinct evaluation

/// The result type of a function evaluated once per distinct argument combination.
typealias DistinctFunction = ([Value]) throws(EngineError) -> Value

/// Evaluates `f` once per distinct combination of the arguments' values that occurs, then
/// spreads the results over the rows by group id. For a single string column this is once per
/// dictionary entry in use, so string functions cost per distinct value rather than per row.
/// `f` sees nulls and decides what they give.
func perDistinct(
    _ args: [Datum], _ cx: CallContext, cancel: CancellationFlag, _ f: DistinctFunction
) throws(EngineError) -> Datum {
    let columns = args.enumerated().compactMap { i, a -> (Int, Column)? in
        if case .column(let c) = a { (i, c) } else { nil }
    }
    if columns.isEmpty { return .scalar(try f(args.map { $0.scalarValue! })) }
    let grouping = try Grouper.group(columns.map(\.1), rowCount: cx.n, ordered: false, cancel: cancel)
    let first = try grouping.firstRows(cancel: cancel)
    var results: [Value] = []
    results.reserveCapacity(grouping.count)
    var values = args.map { $0.scalarValue ?? .null }
    for g in 0..<grouping.count {
        let row = Int(first[g])
        for (i, c) in columns { values[i] = c.value(at: row) }
        results.append(coerce(try f(values), to: cx.type))
    }
    let small = Column.from(results, type: cx.type)
    return .column(small.take(grouping.ids))
}

// MARK: - Functions on single strings (applied per distinct value).

extension String {
    /// Leading and trailing white space removed.
    var trimmed: String {
        guard let start = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let end = lastIndex(where: { !$0.isWhitespace })!
        return String(self[start...end])
    }

    /// Characters from the 1-based `start` (negative counts from the end), at most `length` of them.
    func substring(start: Int64, length: Int64?) -> String {
        let count = Int64(self.count)
        var from = start < 0 ? count + start + 1 : start
        if let length, length < 0 { return "" }
        // Clamped: a huge start or length means "to the end", not an overflow.
        var to = length.map { l in
            let (sum, overflow) = from.addingReportingOverflow(l)
            return overflow ? Int64.max : sum
        } ?? count + 1
        from = Swift.max(from, 1)
        to = Swift.min(to, count + 1)
        guard from < to else { return "" }
        let lo = index(startIndex, offsetBy: Int(from - 1))
        let hi = index(lo, offsetBy: Int(to - from))
        return String(self[lo..<hi])
    }

    /// Every occurrence of `target` replaced by `replacement` (none if `target` is empty).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        return replacing(target, with: replacement)
    }
}

/// The functions of `ScalarFunction` that map strings (or values to strings) and are evaluated
/// once per distinct combination of arguments.
func stringFunction(_ fn: ScalarFunction, _ cx: CallContext) -> DistinctFunction? {
    @inline(__always) func str(_ v: Value) -> String? { if case .string(let s) = v { s } else { nil } }
    @inline(__always) func int(_ v: Value) -> Int64? { if case .int(let i) = v { i } else { nil } }
    switch fn {
    case .lower: return { a throws(EngineError) in str(a[0]).map { .string($0.lowercased()) } ?? .null }
    case .upper: return { a throws(EngineError) in str(a[0]).map { .string($0.uppercased()) } ?? .null }
    case .trim: return { a throws(EngineError) in str(a[0]).map { .string($0.trimmed) } ?? .null }
    case .length: return { a throws(EngineError) in str(a[0]).map { .int(Int64($0.count)) } ?? .null }
    case .contains:
        return { a throws(EngineError) in
            guard let s = str(a[0]), let t = str(a[1]) else { return .null }
            return .bool(t.isEmpty || s.contains(t))
        }
    case .startsWith:
        return { a throws(EngineError) in
            guard let s = str(a[0]), let t = str(a[1]) else { return .null }
            return .bool(s.utf8.starts(with: t.utf8))
        }
    case .endsWith:
        return { a throws(EngineError) in
            guard let s = str(a[0]), let t = str(a[1]) else { return .null }
            return .bool(s.utf8.reversed().starts(with: t.utf8.reversed()))
        }
    case .replace:
        return { a throws(EngineError) in
            guard let s = str(a[0]), let t = str(a[1]), let r = str(a[2]) else { return .null }
            return .string(s.replacingAll(t, with: r))
        }
    case .substring:
        return { a throws(EngineError) in
            guard let s = str(a[0]), let start = int(a[1]) else { return .null }
            if a.count > 2 {
                guard let length = int(a[2]) else { return .null }
                return .string(s.substring(start: start, length: length))
            }
            return .string(s.substring(start: start, length: nil))
        }
    case .concat:
        return { a throws(EngineError) in .string(a.map(\.exactText).joined()) }
    case .toString:
        return { a throws(EngineError) in a[0].isNull ? .null : .string(a[0].exactText) }
    case .toInt:
        return { a throws(EngineError) in
            guard let s = str(a[0]) else { return .null }
            return Int64(s.trimmed).map { .int($0) } ?? .null
        }
    case .toDouble:
        return { a throws(EngineError) in
            guard let s = str(a[0]) else { return .null }
            return parseFiniteDecimal(s).map { .double($0) } ?? .null
        }
    case .toDate:
        return { a throws(EngineError) in
            guard let s = str(a[0]) else { return .null }
            guard let d = CivilDate.parse(s) else { throw cx.error(.invalidDate(text: s)) }
            return .date(d.days)
        }
    default:
        return nil
    }
}
