#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import CrmqSemantics

// Columnar string kernels: the common string functions without a `Value` per row or per
// distinct argument tuple.
//   - a function of one string column (and literal arguments) runs once per dictionary
//     entry in use, and rows keep their codes (a string result) or look their entry's
//     result up (other results);
//   - `string(x)` of an int, double, date or bool column formats each distinct value once,
//     straight into a new dictionary;
//   - `concat` combines its operands' codes pairwise, building each distinct result once.
// Anything else (a string function of two columns, say) goes through `perDistinct`.

enum StringColumnKernels {
    static func call(
        _ fn: ScalarFunction, _ a: [Datum], _ cx: CallContext, cancel: CancellationFlag
    ) throws(EngineError) -> Datum? {
        switch fn {
        case .toString:
            guard case .column(let c) = a[0] else { return nil }
            // A category's values are its levels' text already.
            if !c.isCompact, case .string = c.values { return .column(c.asPlainText()) }
            guard let (codes, dict) = try text(of: c, cancel: cancel) else { return nil }
            return .column(Column(.string(codes: codes, dictionary: dict), validity: c.validity))
        case .concat:
            return try concat(a, cx, cancel: cancel)
        case .toCategory:
            guard case .category(let category) = cx.type else { return nil }
            switch a[0] {
            case .column(let c): return .column(c.asCategory(category))
            case .scalar(.string(let s)): return .scalar(category.rank(of: s) == nil ? .null : .string(s))
            case .scalar: return .scalar(.null)
            }
        default:
            guard case .column(let c) = a.first, !c.isCompact, case .string(let codes, let dict) = c.values else { return nil }
            var literals: [Value] = []
            for d in a.dropFirst() {
                guard case .scalar(let v) = d else { return nil }
                // Every function here gives null for a null argument.
                if v.isNull { return .scalar(.null) }
                literals.append(v)
            }
            guard let f = entryFunction(fn, literals, cx) else { return nil }
            return try perEntry(codes, dict, c.validity, cx, cancel: cancel, f)
        }
    }

    // MARK: - One string column: once per dictionary entry in use

    /// A function of one string, by its result type. A nil result is null.
    enum EntryFunction {
        case string((String) -> String)
        case int((String) -> Int64?)
        case double((String) -> Double?)
        case bool((String) -> Bool)
        case date((String) throws(EngineError) -> Int32)
    }

    static func entryFunction(_ fn: ScalarFunction, _ literals: [Value], _ cx: CallContext) -> EntryFunction? {
        func string(_ i: Int) -> String? { if case .string(let s) = literals[i] { s } else { nil } }
        func int(_ i: Int) -> Int64? { if case .int(let v) = literals[i] { v } else { nil } }
        switch (fn, literals.count) {
        case (.lower, 0): return .string(lowercased)
        case (.upper, 0): return .string(uppercased)
        case (.trim, 0): return .string { $0.trimmed }
        case (.length, 0): return .int { Int64($0.count) }
        case (.contains, 1):
            guard let t = string(0) else { return nil }
            if t.isEmpty { return .bool { _ in true } }
            // Characters of ASCII text match only where its bytes do: most texts are
            // ruled out by a byte search, and a byte match is confirmed by characters.
            if t.utf8.allSatisfy({ $0 < 0x80 }) { return .bool { bytesContain($0, t) && $0.contains(t) } }
            return .bool { $0.contains(t) }
        case (.startsWith, 1):
            guard let t = string(0) else { return nil }
            return .bool { $0.utf8.starts(with: t.utf8) }
        case (.endsWith, 1):
            guard let t = string(0) else { return nil }
            return .bool { $0.utf8.reversed().starts(with: t.utf8.reversed()) }
        case (.replace, 2):
            guard let t = string(0), let r = string(1) else { return nil }
            return .string { $0.replacingAll(t, with: r) }
        case (.substring, 1):
            guard let start = int(0) else { return nil }
            return .string { $0.substring(start: start, length: nil) }
        case (.substring, 2):
            guard let start = int(0), let length = int(1) else { return nil }
            return .string { $0.substring(start: start, length: length) }
        case (.toInt, 0): return .int { Int64($0.trimmed) }
        case (.toDouble, 0): return .double(parseFiniteDecimal)
        case (.toDate, 0):
            return .date { (s: String) throws(EngineError) -> Int32 in
                guard let d = CivilDate.parse(s) else { throw cx.error(.invalidDate(text: s)) }
                return d.days
            }
        default: return nil
        }
    }

    /// `f` applied to each dictionary entry some valid row uses. String results keep the
    /// rows' codes under a new dictionary; other results are looked up per row.
    static func perEntry(
        _ codes: [Int32], _ dict: StringDictionary, _ validity: [Bool]?, _ cx: CallContext,
        cancel: CancellationFlag, _ f: EntryFunction
    ) throws(EngineError) -> Datum {
        let n = codes.count
        var used = [Bool](repeating: false, count: dict.count)
        var usedCount = 0
        try cancel.chunks(n) { range in
            for i in range where validity?[i] ?? true {
                let c = Int(codes[i])
                if !used[c] {
                    used[c] = true
                    usedCount += 1
                }
            }
        }
        // A filtered column may use few entries of a large dictionary: work on those only.
        var codes = codes
        var entries = dict.values
        if usedCount < dict.count / 2 {
            var remap = [Int32](repeating: 0, count: dict.count)
            var kept: [String] = []
            kept.reserveCapacity(usedCount)
            for (c, u) in used.enumerated() where u {
                remap[c] = Int32(kept.count)
                kept.append(dict.values[c])
            }
            codes = remap.withUnsafeBufferPointer { m in map1(.array(codes), n) { m[Int($0)] } }
            entries = kept
            used = [Bool](repeating: true, count: kept.count)
        }
        if case .string(let g) = f {
            // Equal results share one entry (lower("A") and lower("a")).
            var builder = BytewiseDictionaryBuilder(capacity: usedCount)
            var remap = [Int32](repeating: 0, count: entries.count)
            for e in entries.indices where used[e] {
                if e & 0xFFF == 0 { try cancel.check() }
                remap[e] = builder.code(for: g(entries[e]))
            }
            let out = remap.withUnsafeBufferPointer { m in map1(.array(codes), n) { m[Int($0)] } }
            return .column(Column(.string(codes: out, dictionary: builder.build()), validity: validity))
        }
        /// Per-entry results and whether each is non-null, spread over the rows.
        func spread<R>(_ fill: R, _ g: (String) throws(EngineError) -> R?) throws(EngineError) -> ([R], [Bool]) {
            var results = [R](repeating: fill, count: entries.count)
            var ok = [Bool](repeating: false, count: entries.count)
            for e in entries.indices where used[e] {
                if e & 0xFFF == 0 { try cancel.check() }
                if let r = try g(entries[e]) {
                    results[e] = r
                    ok[e] = true
                }
            }
            let values = results.withUnsafeBufferPointer { t in map1(.array(codes), n) { t[Int($0)] } }
            let valid = ok.withUnsafeBufferPointer { t in
                validity.map { v in (0..<n).map { v[$0] && t[Int(codes[$0])] } }
                    ?? map1(.array(codes), n) { t[Int($0)] }
            }
            return (values, valid)
        }
        switch f {
        case .string: preconditionFailure("handled above")
        case .int(let g):
            let (v, ok) = try spread(Int64(0), g)
            return .column(Column(.int(v), validity: ok))
        case .double(let g):
            let (v, ok) = try spread(0.0, g)
            return .column(Column(.double(v), validity: ok))
        case .bool(let g):
            let (v, ok) = try spread(false, g)
            return .column(Column(.bool(v), validity: ok))
        case .date(let g):
            let (v, ok) = try spread(Int32(0), g)
            return .column(Column(.date(v), validity: ok))
        }
    }

    // MARK: - Values as text

    /// The exact text (`Value.exactText`) of every row of a non-string column, as codes into
    /// a dictionary of the distinct texts; null rows get code 0. Nil for string columns.
    static func text(of c: Column, cancel: CancellationFlag) throws(EngineError) -> ([Int32], StringDictionary)? {
        switch c.values {
        case .int(let a):
            return try formatDistinct(integers: a, c.validity, cancel: cancel) { String($0) }
        case .double(let a):
            // By bit pattern: -0.0 and 0.0 print differently.
            return try formatDistinct(a.map(\.bitPattern), c.validity, cancel: cancel) {
                Value.exactText(of: Double(bitPattern: $0))
            }
        case .date(let a):
            return try formatDistinct(integers: a, c.validity, cancel: cancel) { CivilDate(days: $0).description }
        case .bool(let a):
            return (a.map { $0 ? 1 : 0 }, StringDictionary(unchecked: ["false", "true"], distinct: true))
        case .string, .null:
            return nil
        }
    }

    /// Codes for the distinct keys of `a` in order of first appearance, each formatted once.
    /// `format` must give distinct keys distinct texts, so the dictionary has no duplicates.
    static func formatDistinct<K: Hashable>(
        _ a: [K], _ validity: [Bool]?, cancel: CancellationFlag, _ format: (K) -> String
    ) throws(EngineError) -> ([Int32], StringDictionary) {
        let n = a.count
        var seen: [K: Int32] = [:]
        seen.reserveCapacity(Swift.min(n, 1 << 16))
        var texts: [String] = []
        var codes = [Int32](repeating: 0, count: n)
        try cancel.chunks(n) { range in
            for i in range where validity?[i] ?? true {
                let k = a[i]
                if let code = seen[k] {
                    codes[i] = code
                } else {
                    let code = Int32(texts.count)
                    seen[k] = code
                    texts.append(format(k))
                    codes[i] = code
                }
            }
        }
        if texts.isEmpty { texts.append("") }
        return (codes, StringDictionary(unchecked: texts, distinct: true))
    }

    /// `formatDistinct` for integers: a small range of values indexes a table directly.
    static func formatDistinct<I: FixedWidthInteger>(
        integers a: [I], _ validity: [Bool]?, cancel: CancellationFlag, _ format: (I) -> String
    ) throws(EngineError) -> ([Int32], StringDictionary) {
        let n = a.count
        var lo = I.max, hi = I.min
        for i in 0..<n where validity?[i] ?? true {
            lo = Swift.min(lo, a[i])
            hi = Swift.max(hi, a[i])
        }
        guard lo <= hi, case let (span, overflow) = Int64(hi).subtractingReportingOverflow(Int64(lo)), !overflow,
            span <= Int64(Swift.max(4 * n, 1 << 16))
        else { return try formatDistinct(a, validity, cancel: cancel, format) }
        var slots = [Int32](repeating: -1, count: Int(span) + 1)
        var texts: [String] = []
        var codes = [Int32](repeating: 0, count: n)
        try cancel.chunks(n) { range in
            for i in range where validity?[i] ?? true {
                let slot = Int(Int64(a[i]) - Int64(lo))
                var code = slots[slot]
                if code < 0 {
                    code = Int32(texts.count)
                    slots[slot] = code
                    texts.append(format(a[i]))
                }
                codes[i] = code
            }
        }
        if texts.isEmpty { texts.append("") }
        return (codes, StringDictionary(unchecked: texts, distinct: true))
    }

    // MARK: - concat

    /// concat(a, b, ...) of string operands, nulls as empty: the first operand's codes, then
    /// each further operand folded in, one result per distinct pair of codes.
    static func concat(_ a: [Datum], _ cx: CallContext, cancel: CancellationFlag) throws(EngineError) -> Datum? {
        let n = cx.n
        // The text so far: per row a code into `texts` (a dictionary once one is built).
        var codes: [Int32]? = nil
        var texts = [""]
        var built: StringDictionary? = nil
        for operand in a {
            switch operand {
            case .scalar(let v):
                let s = v.isNull ? "" : v.exactText
                if !s.isEmpty {
                    texts = texts.map { $0 + s }
                    built = nil
                }
            case .column(let c):
                guard !c.isCompact, case .string(let partCodes, let dict) = c.values else {
                    if c.isNullType { continue }
                    return nil
                }
                if codes == nil && texts == [""] && c.validity == nil {
                    // The first text: the column as it is.
                    (codes, texts, built) = (partCodes, dict.values, dict)
                    continue
                }
                // Null rows contribute "": code -1 here.
                let part: [Int32] =
                    c.validity.map { v in (0..<n).map { v[$0] ? partCodes[$0] : -1 } } ?? partCodes
                let joined = try pairs(codes ?? [Int32](repeating: 0, count: n), texts, part, dict.values, cancel: cancel)
                (codes, texts, built) = (joined.codes, joined.dictionary.values, joined.dictionary)
            }
        }
        return .column(Column(.string(
            codes: codes ?? [Int32](repeating: 0, count: n), dictionary: built ?? StringDictionary(texts))))
    }

    /// Rows' texts `left[l[i]]` joined with `right[r[i]]` ("" where r[i] is -1): each distinct
    /// pair of codes is joined once, and equal texts share an entry. Pairs index a table when
    /// there are few combinations, and are hashed otherwise.
    static func pairs(
        _ l: [Int32], _ left: [String], _ r: [Int32], _ right: [String], cancel: CancellationFlag
    ) throws(EngineError) -> (codes: [Int32], dictionary: StringDictionary) {
        let n = l.count
        var out = [Int32](repeating: 0, count: n)
        var builder = BytewiseDictionaryBuilder(capacity: Swift.min(n, Swift.max(left.count, right.count)))
        let width = right.count + 1
        let (combinations, overflow) = left.count.multipliedReportingOverflow(by: width)
        let direct = !overflow && combinations <= Swift.max(4 * n, 1 << 16)
        var table = [Int32](repeating: -1, count: direct ? combinations : 0)
        var seen: [UInt64: Int32] = [:]
        if !direct { seen.reserveCapacity(Swift.min(n, 1 << 20)) }
        var start = 0
        while start < n {
            try cancel.check()
            let end = Swift.min(n, start + 65_536)
            for i in start..<end {
                let a = l[i], b = r[i]
                var code: Int32
                if direct {
                    let slot = Int(a) * width + Int(b + 1)
                    code = table[slot]
                    if code < 0 {
                        code = builder.code(for: b < 0 ? left[Int(a)] : left[Int(a)] + right[Int(b)])
                        table[slot] = code
                    }
                } else {
                    let key = UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b + 1))
                    if let found = seen[key] {
                        code = found
                    } else {
                        code = builder.code(for: b < 0 ? left[Int(a)] : left[Int(a)] + right[Int(b)])
                        seen[key] = code
                    }
                }
                out[i] = code
            }
            start = end
        }
        return (out, builder.build())
    }

    // MARK: - Helpers

    /// ASCII text changes case byte by byte; other text by Unicode's rules.
    static func lowercased(_ s: String) -> String {
        guard s.utf8.allSatisfy({ $0 < 0x80 }) else { return s.lowercased() }
        guard s.utf8.contains(where: { $0 &- 0x41 < 26 }) else { return s }
        return String(decoding: s.utf8.map { $0 &- 0x41 < 26 ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    static func uppercased(_ s: String) -> String {
        guard s.utf8.allSatisfy({ $0 < 0x80 }) else { return s.uppercased() }
        guard s.utf8.contains(where: { $0 &- 0x61 < 26 }) else { return s }
        return String(decoding: s.utf8.map { $0 &- 0x61 < 26 ? $0 & ~0x20 : $0 }, as: UTF8.self)
    }
}

/// Builds a dictionary of strings told apart by their UTF-8 bytes (as crmq compares
/// strings). An open-addressing table of codes, hashed over the bytes: cheaper than a
/// `[String: Int32]`, which normalises non-ASCII text to hash it and holds a second
/// reference to every string.
struct BytewiseDictionaryBuilder {
    private(set) var values: [String] = []
    private var hashes: [Int] = []
    /// Codes by hash; -1 is empty. Kept at most half full.
    private var slots: [Int32]
    private var allASCII = true

    init(capacity: Int = 0) {
        var size = 16
        while size < 2 * capacity { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        values.reserveCapacity(capacity)
        hashes.reserveCapacity(capacity)
    }

    private static func hash(_ s: String) -> Int {
        var hasher = Hasher()
        let done: Void? = s.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if done == nil { for b in s.utf8 { hasher.combine(b) } }
        return hasher.finalize()
    }

    private static func sameBytes(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        let same: Bool? = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y in
                x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0
            }
        } ?? nil
        return same ?? utf8Equal(a, b)
    }

    mutating func code(for s: String) -> Int32 {
        let h = Self.hash(s)
        var mask = slots.count - 1
        var i = h & mask
        while true {
            let c = slots[i]
            if c < 0 { break }
            if hashes[Int(c)] == h && Self.sameBytes(values[Int(c)], s) { return c }
            i = (i + 1) & mask
        }
        let code = Int32(values.count)
        values.append(s)
        hashes.append(h)
        if allASCII && !s.utf8.allSatisfy({ $0 < 0x80 }) { allASCII = false }
        if 2 * values.count > slots.count {
            // Grow and re-place every code by its kept hash.
            slots = [Int32](repeating: -1, count: slots.count * 2)
            mask = slots.count - 1
            for (k, hk) in hashes.enumerated() {
                var j = hk & mask
                while slots[j] >= 0 { j = (j + 1) & mask }
                slots[j] = Int32(k)
            }
        } else {
            slots[i] = code
        }
        return code
    }

    /// The dictionary (never empty). Byte-distinct ASCII strings are distinct strings;
    /// other text may hold canonically equal strings, which grouping merges.
    func build() -> StringDictionary {
        values.isEmpty
            ? StringDictionary([""]) : StringDictionary(unchecked: values, distinct: allASCII)
    }
}

/// Whether the UTF-8 bytes of `t` (not empty) occur in those of `s`.
func bytesContain(_ s: String, _ t: String) -> Bool {
    var s = s, t = t
    return s.withUTF8 { a in
        t.withUTF8 { b in
            guard a.count >= b.count else { return false }
            let first = Int32(b[0]), base = a.baseAddress!
            var i = 0
            let last = a.count - b.count
            while i <= last {
                // The next place the first byte occurs, then the rest compared.
                guard let hit = memchr(base + i, first, last - i + 1) else { return false }
                i = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                if memcmp(base + i, b.baseAddress!, b.count) == 0 { return true }
                i += 1
            }
            return false
        }
    }
}

/// `double(text)`: a finite decimal number (surrounding white space allowed), else nil.
/// Swift also reads hexadecimal floats, "nan" and "inf"; a number here is a finite
/// decimal (1e999 is not one either).
func parseFiniteDecimal(_ s: String) -> Double? {
    let t = s.trimmed
    guard !t.lowercased().contains("0x"), let d = Double(t), d.isFinite else { return nil }
    return d
}
