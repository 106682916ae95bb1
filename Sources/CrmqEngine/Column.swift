import CrmqSemantics
import Synchronization

/// The distinct strings of a string column; rows hold 32-bit codes into `values`.
/// Immutable once built, so filtered or reordered columns share it.
public final class StringDictionary: Sendable {
    public let values: [String]
    /// Whether `values` are the levels of an ordered category, lowest first: a column with
    /// this dictionary is of that category type, and its codes are the levels' ranks, so
    /// sorting, grouping and comparing read the codes and never the strings.
    public let isLevels: Bool
    /// Each string's first code; nil when the values were built known to be distinct and
    /// nobody needed the table (formatting a million numbers should not hash them again).
    private let table: [String: Int32]?
    /// Whether no two values are equal strings, when known: codes are then canonical.
    let distinct: Bool?

    public init(_ values: [String]) {
        self.values = values
        var codes = [String: Int32](minimumCapacity: values.count)
        for (i, v) in values.enumerated() where codes[v] == nil { codes[v] = Int32(i) }
        self.table = codes
        self.distinct = codes.count == values.count
        self.isLevels = false
    }

    /// A dictionary whose code table was built along with `values` (no string hashed twice).
    init(values: [String], codes: [String: Int32]) {
        self.values = values
        self.table = codes
        self.distinct = codes.count == values.count
        self.isLevels = false
    }

    /// Values already known to be pairwise different strings (`known: true`), or unique
    /// only byte by byte (`known: false`: canonically equal strings may repeat).
    init(unchecked values: [String], distinct known: Bool) {
        self.values = values
        self.table = nil
        self.distinct = known ? true : nil
        self.isLevels = false
    }

    private init(levels: [String]) {
        self.values = levels
        var codes = [String: Int32](minimumCapacity: levels.count)
        for (i, v) in levels.enumerated() where codes[v] == nil { codes[v] = Int32(i) }
        self.table = codes
        self.distinct = codes.count == levels.count
        self.isLevels = true
    }

    private static let levelDictionaries = Mutex<[[String]: StringDictionary]>([:])

    /// The most lists of levels kept: a long session (or the statements fuzzer, which grew past
    /// 2 GB with one entry per `ordered(...)` it made up) does not keep every category it ever
    /// saw. After the cache is emptied a column gets a new object with the same levels, which
    /// the kernels treat as the same category (they compare the levels, not only the object).
    public static let cachedCategories = 1024

    /// How many lists of levels are cached now.
    public static var cachedLevelLists: Int { levelDictionaries.withLock { $0.count } }

    /// The dictionary of a category's columns: its levels in order. One object per list of
    /// levels (while cached), so that columns of one category share it and meet without remapping.
    public static func levels(of category: CategoryType) -> StringDictionary {
        levelDictionaries.withLock { cache in
            if let d = cache[category.levels] { return d }
            if cache.count >= cachedCategories { cache.removeAll() }
            let d = StringDictionary(levels: category.levels)
            cache[category.levels] = d
            return d
        }
    }

    /// Whether this is the dictionary of `category`.
    func holdsLevels(of category: CategoryType) -> Bool { isLevels && values == category.levels }

    /// The same strings as plain text, without the level order (a category cast to string).
    var plainText: StringDictionary {
        isLevels ? StringDictionary(values: values, codes: codes) : self
    }

    /// Each string's first code.
    public var codes: [String: Int32] {
        if let table { return table }
        var codes = [String: Int32](minimumCapacity: values.count)
        for (i, v) in values.enumerated() where codes[v] == nil { codes[v] = Int32(i) }
        return codes
    }

    public var count: Int { values.count }
    public subscript(code: Int32) -> String { values[Int(code)] }
}

/// Builds a dictionary and codes for strings appended one at a time.
public struct StringDictionaryBuilder {
    public private(set) var values: [String] = []
    public private(set) var codes: [String: Int32] = [:]
    public init() {}

    public mutating func code(for s: String) -> Int32 {
        if let c = codes[s] { return c }
        let c = Int32(values.count)
        values.append(s)
        codes[s] = c
        return c
    }

    public func build() -> StringDictionary { StringDictionary(values: values, codes: codes) }
}

/// The values of a column as one typed array. A null row holds an arbitrary
/// value (0, code 0, false); `Column.validity` says which rows are null.
public enum ColumnValues: Sendable {
    case int([Int64])
    case double([Double])
    case bool([Bool])
    /// Days since 1970-01-01.
    case date([Int32])
    case string(codes: [Int32], dictionary: StringDictionary)
    /// A column of the `null` type: every row null.
    case null(count: Int)
}

/// An int column's values stored in fewer bits: one byte each (`SmallInts`: survey answers,
/// 0/1 flags, scores, the small ranges most customer columns have, an eighth of the 64-bit
/// form) or four (`Int32s`: keys such as a purchase's `customer_id`, half of it). Immutable;
/// the 64-bit form is made the first time a reader that knows only it asks, and kept, so such
/// a reader is never slower than with 64-bit storage after its first read.
public final class NarrowInts<T: FixedWidthInteger & SignedInteger & Sendable>: Sendable {
    public let values: [T]
    private let widened = Mutex<[Int64]?>(nil)

    init(_ values: [T]) { self.values = values }

    /// The values as 64-bit integers (made once, then kept).
    var wide: [Int64] {
        widened.withLock { cached in
            if let cached { return cached }
            let wide = values.withUnsafeBufferPointer { v in
                Parallel.array(v.count) { (out: UnsafeMutableBufferPointer<Int64>, rows) in
                    for i in rows { out[i] = Int64(v[i]) }
                }
            }
            cached = wide
            return wide
        }
    }

    /// Whether the 64-bit form was made (tests, `memoryBytes`).
    var isWidened: Bool { widened.withLock { $0 != nil } }
}

/// An int column stored one byte a value.
public typealias SmallInts = NarrowInts<Int8>
/// An int column stored four bytes a value.
public typealias Int32s = NarrowInts<Int32>

/// An int column whose values are `first, first + 1, first + 2, ...` without nulls: row ids
/// (`txn_id`, `customer_id` numbered from 1), which need no storage at all since each is its
/// row's position plus a constant. Immutable; like `SmallInts`, the 64-bit form is made the
/// first time a reader that knows only it asks, and kept.
public final class IntSequence: Sendable {
    public let first: Int64
    public let count: Int
    private let widened = Mutex<[Int64]?>(nil)

    init(first: Int64, count: Int) {
        self.first = first
        self.count = count
    }

    /// Row `i`'s value.
    @inline(__always) public subscript(i: Int) -> Int64 { first &+ Int64(i) }

    /// The values as 64-bit integers (made once, then kept).
    var wide: [Int64] {
        widened.withLock { cached in
            if let cached { return cached }
            let first = self.first
            let wide = Parallel.array(count) { (out: UnsafeMutableBufferPointer<Int64>, rows) in
                for i in rows { out[i] = first &+ Int64(i) }
            }
            cached = wide
            return wide
        }
    }

    /// Whether the 64-bit form was made (tests, `memoryBytes`).
    var isWidened: Bool { widened.withLock { $0 != nil } }
}

/// One typed, nullable column.
public struct Column: Sendable {
    /// The values, unless `smallInts`, `intSequence` or `int32s` holds them.
    private var stored: ColumnValues
    /// An int column's values when they are stored in 8 bits (`compacted()`); nil otherwise.
    /// Kernels that know this form read it; every other reader asks for `values`.
    public private(set) var smallInts: SmallInts?
    /// An int column's values when they are consecutive (`compacted()`); nil otherwise. Read
    /// like `smallInts`: by the gathers, which keep no 64-bit copy, else through `values`.
    public private(set) var intSequence: IntSequence?
    /// An int column's values when they are stored in 32 bits (`compacted()`); nil otherwise.
    /// Read like `smallInts`.
    public private(set) var int32s: Int32s?
    /// `validity[i] == false` means row i is null; nil means no row is null.
    public var validity: [Bool]?

    /// The values in their 64-bit form (an int column stored in 8 bits is widened once, see
    /// `SmallInts`). Setting them replaces any compact storage.
    public var values: ColumnValues {
        get {
            if let smallInts { return .int(smallInts.wide) }
            if let intSequence { return .int(intSequence.wide) }
            if let int32s { return .int(int32s.wide) }
            return stored
        }
        set {
            stored = newValue
            smallInts = nil
            intSequence = nil
            int32s = nil
        }
    }

    /// Whether the values are in a compact form (`smallInts`, `intSequence`, `int32s`): a
    /// kernel that only wants some other storage tests this before asking for `values`, which
    /// would widen.
    public var isCompact: Bool { smallInts != nil || intSequence != nil || int32s != nil }

    public init(_ values: ColumnValues, validity: [Bool]? = nil) {
        self.stored = values
        // Normalise: a validity with no false is the same as none.
        if let v = validity, v.contains(false) { self.validity = v } else { self.validity = nil }
        if case .null = values { self.validity = nil }
    }

    /// An int column stored one byte a value. A null row holds 0.
    public init(smallInts values: [Int8], validity: [Bool]? = nil) {
        self.init(.int([]), validity: validity)
        self.smallInts = SmallInts(values)
    }

    /// An int column stored four bytes a value. A null row holds 0.
    public init(int32s values: [Int32], validity: [Bool]? = nil) {
        self.init(.int([]), validity: validity)
        self.int32s = Int32s(values)
    }

    /// An int column of the values `first, first + 1, ...`, `count` of them, none null.
    public init(sequenceFrom first: Int64, count: Int) {
        self.init(.int([]))
        self.intSequence = IntSequence(first: first, count: count)
    }

    /// The same column, an int column whose values all fit in 8 bits stored so, one of
    /// consecutive values without nulls as a sequence, else one whose values fit in 32 bits
    /// stored so (what reading a file and storing a table, loaded or `let`-bound, do to their
    /// columns); any other column as it is. A pass over the values for each form tried, each
    /// given up at the first block that does not fit it, and one to copy them.
    public func compacted() -> Column {
        guard !isCompact, case .int(let a) = stored, !a.isEmpty else { return self }
        if let small: [Int8] = Self.narrowed(a) { return Column(smallInts: small, validity: validity) }
        if validity == nil, Self.consecutive(a) { return Column(sequenceFrom: a[0], count: a.count) }
        if let words: [Int32] = Self.narrowed(a) { return Column(int32s: words, validity: validity) }
        return self
    }

    /// Whether `a[i] == a[0] + i` for every row, checked a block at a time on each core and
    /// given up at the first block that is not (amounts and keys fail in their first block).
    private static func consecutive(_ a: [Int64]) -> Bool {
        let first = a[0]
        // (The last value must not wrap around: then `first &+ i` would equal a smaller value.)
        guard !first.addingReportingOverflow(Int64(a.count - 1)).overflow else { return false }
        let parts = Parallel.parts(a.count)
        var holds = [Bool](repeating: true, count: parts)
        a.withUnsafeBufferPointer { a in
            holds.withUnsafeMutableBufferPointer { holds in
                Parallel.forEach(a.count, parts: parts) { part, range in
                    var start = range.lowerBound
                    while start < range.upperBound {
                        let end = Swift.min(start + 4096, range.upperBound)
                        var differs: Int64 = 0
                        for i in start..<end { differs |= a[i] ^ (first &+ Int64(i)) }
                        guard differs == 0 else {
                            holds[part] = false
                            return
                        }
                        start = end
                    }
                }
            }
        }
        return !holds.contains(false)
    }

    /// The values as `T` when every one fits it, else nil.
    private static func narrowed<T: FixedWidthInteger & SignedInteger>(_ a: [Int64]) -> [T]? {
        let parts = Parallel.parts(a.count)
        var fits = [Bool](repeating: true, count: parts)
        let narrow: [T]? = a.withUnsafeBufferPointer { a in
            fits.withUnsafeMutableBufferPointer { fits in
                // Block by block, stopping at the first block out of range: a column of keys
                // or amounts is given up for 8 bits after its first few thousand rows.
                Parallel.forEach(a.count, parts: parts) { part, range in
                    var start = range.lowerBound
                    while start < range.upperBound {
                        let end = Swift.min(start + 4096, range.upperBound)
                        var lo = Int64.max, hi = Int64.min
                        for i in start..<end {
                            lo = Swift.min(lo, a[i])
                            hi = Swift.max(hi, a[i])
                        }
                        guard lo >= Int64(T.min) && hi <= Int64(T.max) else {
                            fits[part] = false
                            return
                        }
                        start = end
                    }
                }
            }
            guard !fits.contains(false) else { return nil }
            return Parallel.array(a.count) { (out: UnsafeMutableBufferPointer<T>, rows) in
                for i in rows { out[i] = T(truncatingIfNeeded: a[i]) }
            }
        }
        return narrow
    }

    /// Whether this is a column of the `null` type (every row null), asked without
    /// widening a compact column.
    public var isNullType: Bool {
        if !isCompact, case .null = stored { return true }
        return false
    }

    public var type: DataType {
        if isCompact { return .int }
        return switch stored {
        case .int: .int
        case .double: .double
        case .bool: .bool
        case .date: .date
        case .string(_, let d): d.isLevels ? .category(CategoryType(d.values)) : .string
        case .null: .null
        }
    }

    public var count: Int {
        if let smallInts { return smallInts.values.count }
        if let intSequence { return intSequence.count }
        if let int32s { return int32s.values.count }
        return switch stored {
        case .int(let a): a.count
        case .double(let a): a.count
        case .bool(let a): a.count
        case .date(let a): a.count
        case .string(let c, _): c.count
        case .null(let n): n
        }
    }

    @inline(__always)
    public func isNull(_ i: Int) -> Bool {
        if !isCompact, case .null = stored { return true }
        if let v = validity { return !v[i] }
        return false
    }

    public var nullCount: Int {
        if !isCompact, case .null(let n) = stored { return n }
        guard let v = validity else { return 0 }
        var n = 0
        for b in v where !b { n += 1 }
        return n
    }

    /// The value of row i (for rendering and tests; kernels read the typed arrays).
    public func value(at i: Int) -> Value {
        if isNull(i) { return .null }
        if let smallInts { return .int(Int64(smallInts.values[i])) }
        if let intSequence { return .int(intSequence[i]) }
        if let int32s { return .int(Int64(int32s.values[i])) }
        switch stored {
        case .int(let a): return .int(a[i])
        case .double(let a): return .double(a[i])
        case .bool(let a): return .bool(a[i])
        case .date(let a): return .date(a[i])
        case .string(let c, let d): return .string(d[c[i]])
        case .null: return .null
        }
    }

    /// Rows in the order of `indices`; an index of -1 gives a null row (left joins).
    public func gather(_ indices: [Int]) -> Column {
        @inline(__always) func pick<T>(_ a: [T], _ fill: T) -> [T] {
            var out = [T]()
            out.reserveCapacity(indices.count)
            for i in indices { out.append(i >= 0 ? a[i] : fill) }
            return out
        }
        var valid: [Bool]? = nil
        if validity != nil || indices.contains(-1) {
            var v = [Bool]()
            v.reserveCapacity(indices.count)
            for i in indices { v.append(i >= 0 && !isNull(i)) }
            valid = v
        }
        if let smallInts { return Column(smallInts: pick(smallInts.values, 0), validity: valid) }
        if let intSequence { return Column(.int(indices.map { $0 >= 0 ? intSequence[$0] : 0 }), validity: valid) }
        if let int32s { return Column(int32s: pick(int32s.values, 0), validity: valid) }
        switch stored {
        case .int(let a): return Column(.int(pick(a, 0)), validity: valid)
        case .double(let a): return Column(.double(pick(a, 0)), validity: valid)
        case .bool(let a): return Column(.bool(pick(a, false)), validity: valid)
        case .date(let a): return Column(.date(pick(a, 0)), validity: valid)
        case .string(let c, let d): return Column(.string(codes: pick(c, 0), dictionary: d), validity: valid)
        case .null: return Column(.null(count: indices.count))
        }
    }

    /// A column of `count` copies of one value (literals evaluated over a table).
    public static func constant(_ value: Value, count: Int) -> Column {
        switch value {
        case .null: return Column(.null(count: count))
        case .int(let v): return Column(.int([Int64](repeating: v, count: count)))
        case .double(let v): return Column(.double([Double](repeating: v, count: count)))
        case .bool(let v): return Column(.bool([Bool](repeating: v, count: count)))
        case .date(let v): return Column(.date([Int32](repeating: v, count: count)))
        case .string(let s):
            return Column(.string(codes: [Int32](repeating: 0, count: count), dictionary: StringDictionary([s])))
        }
    }

    /// A column built from values of one type (tests, small results). `type` decides the
    /// storage; values must be of that type or null.
    public static func from(_ values: [Value], type: DataType) -> Column {
        let valid = values.map { !$0.isNull }
        switch type {
        case .int:
            return Column(.int(values.map { if case .int(let v) = $0 { v } else { 0 } }), validity: valid)
        case .double:
            return Column(.double(values.map { if case .double(let v) = $0 { v } else { 0 } }), validity: valid)
        case .bool:
            return Column(.bool(values.map { if case .bool(let v) = $0 { v } else { false } }), validity: valid)
        case .date:
            return Column(.date(values.map { if case .date(let v) = $0 { v } else { 0 } }), validity: valid)
        case .string:
            var b = StringDictionaryBuilder()
            let codes = values.map { v -> Int32 in if case .string(let s) = v { b.code(for: s) } else { 0 } }
            if b.values.isEmpty { _ = b.code(for: "") }
            return Column(.string(codes: codes, dictionary: b.build()), validity: valid)
        case .category(let category):
            let ranks = values.map { v -> Int32 in
                if case .string(let s) = v, let r = category.rank(of: s) { Int32(r) } else { -1 }
            }
            return Column(
                .string(codes: ranks.map { Swift.max($0, 0) }, dictionary: .levels(of: category)),
                validity: ranks.map { $0 >= 0 })
        case .null:
            return Column(.null(count: values.count))
        }
    }

    /// The column as a column of `category`: each string becomes its level's code, and a
    /// string that is no level becomes null (what `ordered(...)` does). A column of the
    /// category already is returned as it is.
    public func asCategory(_ category: CategoryType) -> Column {
        switch values {
        case .string(let codes, let d):
            if d.holdsLevels(of: category) { return self }
            let levels = StringDictionary.levels(of: category)
            let byLevel = levels.codes
            let map = d.values.map { byLevel[$0] ?? -1 }
            let n = codes.count
            let newCodes = map.withUnsafeBufferPointer { m in map1(.array(codes), n) { Swift.max(m[Int($0)], 0) } }
            var valid: [Bool]? = nil
            if map.contains(-1) || validity != nil {
                valid = map.withUnsafeBufferPointer { m in
                    (0..<n).map { i in m[Int(codes[i])] >= 0 && !isNull(i) }
                }
            }
            return Column(.string(codes: newCodes, dictionary: levels), validity: valid)
        case .null(let n):
            return nullColumn(.category(category), count: n)
        default:
            return Column.from([Value](repeating: .null, count: count), type: .category(category))
        }
    }

    /// A category column as plain strings (the same dictionary entries, without the order).
    public func asPlainText() -> Column {
        guard case .string(let codes, let d) = values, d.isLevels else { return self }
        return Column(.string(codes: codes, dictionary: d.plainText), validity: validity)
    }
}

/// A table: a schema and one column per field, all of `rowCount` rows.
public struct Table: Sendable {
    public var schema: Schema
    public var columns: [Column]
    public var rowCount: Int

    public init(schema: Schema, columns: [Column], rowCount: Int) {
        precondition(schema.count == columns.count, "one column per field")
        self.schema = schema
        self.columns = columns
        self.rowCount = rowCount
    }

    /// A table from columns that all have the same count.
    public init(schema: Schema, columns: [Column]) {
        self.init(schema: schema, columns: columns, rowCount: columns.first?.count ?? 0)
    }

    /// One row with no columns: what scalar expressions are evaluated over.
    public static let singleRow = Table(schema: Schema([]), columns: [], rowCount: 1)

    public func column(named name: String) -> Column? { schema.index(of: name).map { columns[$0] } }

    /// Rows in the order of `indices` (-1 gives a null row).
    public func gather(_ indices: [Int]) -> Table {
        Table(schema: schema, columns: columns.map { $0.gather(indices) }, rowCount: indices.count)
    }
}

extension StringDictionary {
    /// Bytes the dictionary holds (an estimate): each string's 16 bytes, its text where it
    /// is too long to sit inside them (over 15 bytes, plus a 32-byte header), and the hash
    /// table of codes where there is one (about 24 bytes a string).
    public var memoryBytes: Int {
        var bytes = 0
        for v in values {
            let n = v.utf8.count
            bytes += 16 + (n > 15 ? n + 32 : 0)
        }
        return bytes + (table == nil ? 0 : 24 * values.count)
    }
}

extension Table {
    /// Bytes the table's columns hold (`.tables`): each column's typed array and validity,
    /// and each dictionary once however many columns share it.
    public var memoryBytes: Int {
        var bytes = 0
        var dictionaries = Set<ObjectIdentifier>()
        for column in columns {
            if let small = column.smallInts {
                bytes += small.values.count + (small.isWidened ? 8 * small.values.count : 0)
                bytes += column.validity?.count ?? 0
                continue
            }
            if let sequence = column.intSequence {
                bytes += sequence.isWidened ? 8 * sequence.count : 0
                continue
            }
            if let words = column.int32s {
                bytes += 4 * words.values.count + (words.isWidened ? 8 * words.values.count : 0)
                bytes += column.validity?.count ?? 0
                continue
            }
            switch column.values {
            case .int(let a): bytes += 8 * a.count
            case .double(let a): bytes += 8 * a.count
            case .bool(let a): bytes += a.count
            case .date(let a): bytes += 4 * a.count
            case .string(let codes, let dictionary):
                bytes += 4 * codes.count
                if dictionaries.insert(ObjectIdentifier(dictionary)).inserted { bytes += dictionary.memoryBytes }
            case .null: break
            }
            bytes += column.validity?.count ?? 0
        }
        return bytes
    }
}
