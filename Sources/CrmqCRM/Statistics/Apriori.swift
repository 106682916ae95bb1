import CrmqEngine

/// Baskets as sets of dense item numbers: basket b holds `items[offsets[b]..<offsets[b + 1]]`,
/// distinct and ascending. Only baskets with at least one item are kept.
struct BasketSet {
    var offsets: [Int] = [0]
    var items: [Int32] = []
    /// The text of each item number (an int item as its decimal digits).
    var itemNames: [String] = []

    var count: Int { offsets.count - 1 }

    /// The baskets of the rows: rows with the same `basket` value form one basket of their
    /// `item` values; rows with a null in either are left out.
    init(basket: Column, item: Column, cancellation: CancellationFlag) throws(EngineError) {
        let rows = basket.count
        let (itemOf, names) = Self.itemNumbers(item)
        itemNames = names
        let (keyOf, keyCount) = Self.basketKeys(basket)

        // A counting sort of the rows by basket key.
        var start = [Int](repeating: 0, count: keyCount + 1)
        for i in 0..<rows where keyOf[i] >= 0 && itemOf[i] >= 0 { start[Int(keyOf[i]) + 1] += 1 }
        for k in 0..<keyCount { start[k + 1] += start[k] }
        var sorted = [Int32](repeating: 0, count: start[keyCount])
        var next = start
        for i in 0..<rows where keyOf[i] >= 0 && itemOf[i] >= 0 {
            let k = Int(keyOf[i])
            sorted[next[k]] = itemOf[i]
            next[k] += 1
        }
        try cancellation.check()

        // Each basket's items sorted and made distinct, empty baskets dropped.
        items.reserveCapacity(sorted.count)
        offsets.reserveCapacity(keyCount + 1)
        sorted.withUnsafeMutableBufferPointer { s in
            for k in 0..<keyCount where start[k] < start[k + 1] {
                let lo = start[k], hi = start[k + 1]
                // Insertion sort: baskets are small.
                if hi - lo > 1 {
                    for i in (lo + 1)..<hi {
                        let v = s[i]
                        var j = i - 1
                        while j >= lo && s[j] > v {
                            s[j + 1] = s[j]
                            j -= 1
                        }
                        s[j + 1] = v
                    }
                }
                var last: Int32 = -1
                for i in lo..<hi where s[i] != last {
                    items.append(s[i])
                    last = s[i]
                }
                offsets.append(items.count)
            }
        }
    }

    /// Each row's item number (-1 for null) and the items' texts. Strings are numbered by
    /// their text (a column's dictionary may hold one text under two codes).
    static func itemNumbers(_ column: Column) -> (numbers: [Int32], names: [String]) {
        let rows = column.count
        var numbers = [Int32](repeating: -1, count: rows)
        var names: [String] = []
        switch column.values {
        case .string(let codes, let dictionary):
            var byText: [String: Int32] = [:]
            let numberOfCode = dictionary.values.map { text -> Int32 in
                if let n = byText[text] { return n }
                let n = Int32(names.count)
                byText[text] = n
                names.append(text)
                return n
            }
            for i in 0..<rows where !column.isNull(i) { numbers[i] = numberOfCode[Int(codes[i])] }
        case .int(let values):
            var byValue: [Int64: Int32] = [:]
            for i in 0..<rows where !column.isNull(i) {
                let v = values[i]
                if let n = byValue[v] {
                    numbers[i] = n
                } else {
                    let n = Int32(names.count)
                    byValue[v] = n
                    names.append(String(v))
                    numbers[i] = n
                }
            }
        default:
            break
        }
        return (numbers, names)
    }

    /// Each row's basket key in 0..<count (-1 for null): an int column's value minus its
    /// smallest when the range is small, else a number per distinct value.
    static func basketKeys(_ column: Column) -> (keys: [Int32], count: Int) {
        let rows = column.count
        var keys = [Int32](repeating: -1, count: rows)
        switch column.values {
        case .string(let codes, let dictionary):
            var byText: [String: Int32] = [:]
            let keyOfCode = dictionary.values.map { text -> Int32 in
                if let k = byText[text] { return k }
                let k = Int32(byText.count)
                byText[text] = k
                return k
            }
            for i in 0..<rows where !column.isNull(i) { keys[i] = keyOfCode[Int(codes[i])] }
            return (keys, byText.count)
        case .int(let values):
            var lo = Int64.max, hi = Int64.min
            for i in 0..<rows where !column.isNull(i) {
                lo = min(lo, values[i])
                hi = max(hi, values[i])
            }
            guard lo <= hi else { return (keys, 0) }
            let (span, overflow) = hi.subtractingReportingOverflow(lo)
            if !overflow && span < Int64(2 * rows + 1024) && span < Int64(Int32.max) {
                for i in 0..<rows where !column.isNull(i) { keys[i] = Int32(values[i] - lo) }
                return (keys, Int(span) + 1)
            }
            var byValue: [Int64: Int32] = [:]
            for i in 0..<rows where !column.isNull(i) {
                if let k = byValue[values[i]] {
                    keys[i] = k
                } else {
                    let k = Int32(byValue.count)
                    byValue[values[i]] = k
                    keys[i] = k
                }
            }
            return (keys, byValue.count)
        default:
            return (keys, 0)
        }
    }
}

/// Frequent itemsets of one, two and (when asked) three items by Apriori (Agrawal and
/// Srikant 1994): items are counted first; pairs only of frequent items; triples only when
/// all three of their pairs are frequent. Counts are exact integers, so the result does not
/// depend on the order of the baskets. Items are numbered densely, so small item sets
/// count pairs and triples in flat arrays (up to about 2,900 and 128 frequent items); larger
/// ones in hash tables.
struct AprioriMiner {
    /// An itemset and the number of baskets holding it.
    struct Itemset {
        var items: [Int32]
        var count: Int
    }

    /// A rule antecedent → consequent.
    struct Rule {
        var antecedent: [Int32]
        var consequent: Int32
        var count: Int
        var confidence: Double
        var lift: Double
    }

    let baskets: Int
    /// Baskets holding each item.
    var itemCounts: [Int]
    var pairs: [Itemset] = []
    var triples: [Itemset] = []

    init(_ set: BasketSet, minSupport: Double, maxItems: Int, cancellation: CancellationFlag) throws(EngineError) {
        let n = set.count
        baskets = n
        let itemCount = set.itemNames.count
        var counts = [Int](repeating: 0, count: itemCount)
        for v in set.items { counts[Int(v)] += 1 }
        itemCounts = counts
        func frequent(_ c: Int) -> Bool { Double(c) / Double(n) >= minSupport }

        // The frequent items, numbered 0..<m in item order.
        var frequentIndex = [Int32](repeating: -1, count: itemCount)
        var frequentItem: [Int32] = []
        for i in 0..<itemCount where frequent(counts[i]) {
            frequentIndex[i] = Int32(frequentItem.count)
            frequentItem.append(Int32(i))
        }
        let m = frequentItem.count
        guard m >= 2 else { return }

        // Pairs.
        let densePairs = m * m <= 1 << 23
        var pairCounts = densePairs ? [Int32](repeating: 0, count: m * m) : []
        var pairTable: [UInt64: Int32] = [:]
        var local = [Int32](repeating: 0, count: 64)
        try Self.forEachBasket(set, frequentIndex, &local, cancellation) { f, k in
            for x in 0..<(k - 1) {
                let a = Int(f[x])
                for y in (x + 1)..<k {
                    if densePairs {
                        pairCounts[a * m + Int(f[y])] += 1
                    } else {
                        pairTable[UInt64(a) << 32 | UInt64(f[y]), default: 0] += 1
                    }
                }
            }
        }
        var pairFrequent = densePairs ? [Bool](repeating: false, count: m * m) : []
        var frequentPairs = Set<UInt64>()
        func addPair(_ a: Int, _ b: Int, _ c: Int) {
            guard frequent(c) else { return }
            pairs.append(Itemset(items: [frequentItem[a], frequentItem[b]], count: c))
            if densePairs { pairFrequent[a * m + b] = true } else { frequentPairs.insert(UInt64(a) << 32 | UInt64(b)) }
        }
        if densePairs {
            for a in 0..<m { for b in (a + 1)..<m where pairCounts[a * m + b] > 0 { addPair(a, b, Int(pairCounts[a * m + b])) } }
        } else {
            for (key, c) in pairTable { addPair(Int(key >> 32), Int(key & 0xFFFF_FFFF), Int(c)) }
        }
        guard maxItems >= 3, pairs.count >= 3 else { return }

        // Triples whose three pairs are all frequent.
        func isFrequent(_ a: Int, _ b: Int) -> Bool {
            densePairs ? pairFrequent[a * m + b] : frequentPairs.contains(UInt64(a) << 32 | UInt64(b))
        }
        let denseTriples = m * m * m <= 1 << 21
        var tripleCounts = denseTriples ? [Int32](repeating: 0, count: m * m * m) : []
        var tripleTable: [UInt64: Int32] = [:]
        try Self.forEachBasket(set, frequentIndex, &local, cancellation) { f, k in
            guard k >= 3 else { return }
            for x in 0..<(k - 2) {
                let a = Int(f[x])
                for y in (x + 1)..<(k - 1) {
                    let b = Int(f[y])
                    guard isFrequent(a, b) else { continue }
                    for z in (y + 1)..<k {
                        let c = Int(f[z])
                        guard isFrequent(a, c) && isFrequent(b, c) else { continue }
                        if denseTriples {
                            tripleCounts[(a * m + b) * m + c] += 1
                        } else {
                            tripleTable[UInt64(a) << 42 | UInt64(b) << 21 | UInt64(c), default: 0] += 1
                        }
                    }
                }
            }
        }
        if denseTriples {
            for (key, c) in tripleCounts.enumerated() where c > 0 && frequent(Int(c)) {
                let a = key / (m * m), b = key / m % m, d = key % m
                triples.append(Itemset(items: [frequentItem[a], frequentItem[b], frequentItem[d]], count: Int(c)))
            }
        } else {
            for (key, c) in tripleTable where frequent(Int(c)) {
                let a = Int(key >> 42), b = Int(key >> 21 & 0x1F_FFFF), d = Int(key & 0x1F_FFFF)
                triples.append(Itemset(items: [frequentItem[a], frequentItem[b], frequentItem[d]], count: Int(c)))
            }
        }
    }

    /// Calls `body(frequent numbers, count)` for each basket with two or more frequent
    /// items (their numbers ascending, as the items are).
    private static func forEachBasket(
        _ set: BasketSet, _ frequentIndex: [Int32], _ local: inout [Int32], _ cancellation: CancellationFlag,
        _ body: (UnsafeMutableBufferPointer<Int32>, Int) -> Void
    ) throws(EngineError) {
        for b in 0..<set.count {
            if b % 65_536 == 0 { try cancellation.check() }
            let lo = set.offsets[b], hi = set.offsets[b + 1]
            if hi - lo < 2 { continue }
            if hi - lo > local.count { local = [Int32](repeating: 0, count: hi - lo) }
            var k = 0
            for i in lo..<hi {
                let f = frequentIndex[Int(set.items[i])]
                if f >= 0 {
                    local[k] = f
                    k += 1
                }
            }
            if k >= 2 { local.withUnsafeMutableBufferPointer { body($0, k) } }
        }
    }

    /// Every rule of one consequent from the frequent pairs and triples that reaches both
    /// thresholds. With N baskets: confidence = n(A ∪ B) / n(A), lift = n(A ∪ B) · N / (n(A) · n(B)).
    func rules(minConfidence: Double, minLift: Double) -> [Rule] {
        var pairCount: [UInt64: Int] = [:]
        for p in pairs { pairCount[UInt64(UInt32(p.items[0])) << 32 | UInt64(UInt32(p.items[1]))] = p.count }
        func count(_ a: Int32, _ b: Int32) -> Int {
            let (x, y) = a < b ? (a, b) : (b, a)
            return pairCount[UInt64(UInt32(x)) << 32 | UInt64(UInt32(y))] ?? 0
        }
        var out: [Rule] = []
        func consider(_ antecedent: [Int32], antecedentCount: Int, _ consequent: Int32, count: Int) {
            let confidence = Double(count) / Double(antecedentCount)
            let lift = Double(count) * Double(baskets)
                / (Double(antecedentCount) * Double(itemCounts[Int(consequent)]))
            if confidence >= minConfidence && lift >= minLift {
                out.append(Rule(antecedent: antecedent, consequent: consequent, count: count,
                                confidence: confidence, lift: lift))
            }
        }
        for p in pairs {
            let a = p.items[0], b = p.items[1]
            consider([a], antecedentCount: itemCounts[Int(a)], b, count: p.count)
            consider([b], antecedentCount: itemCounts[Int(b)], a, count: p.count)
        }
        for t in triples {
            let a = t.items[0], b = t.items[1], c = t.items[2]
            consider([a, b], antecedentCount: count(a, b), c, count: t.count)
            consider([a, c], antecedentCount: count(a, c), b, count: t.count)
            consider([b, c], antecedentCount: count(b, c), a, count: t.count)
        }
        return out
    }
}
