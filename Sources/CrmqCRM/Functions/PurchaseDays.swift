import CrmqSemantics
import CrmqEngine

/// Each customer's purchase days in day order, with the amounts of a day summed: the
/// transactions grouped by customer (a counting sort by slot, two passes) and each
/// customer's days sorted and merged. What the buy-till-you-die models count is purchase
/// days, as the literature and lifetimes do: two orders on one day are one purchase.
struct PurchaseDays {
    let slots: CustomerSlots
    /// Customer slot s owns days[start[s] ..< end[s]] and the same range of amounts.
    private(set) var start: [Int]
    private(set) var end: [Int]
    private(set) var days: [Int32]
    private(set) var amounts: [Double]

    /// - Parameters:
    ///   - amounts: int or double amounts (a null amount counts as 0), or nil when no amount is read.
    ///   - window: the days that count.
    init(customers: Column, dates: Column, amounts amountColumn: Column?, window: CustomerSlots.DayWindow,
         cancellation: CancellationFlag) throws(EngineError)
    {
        slots = try CustomerSlots(customers: customers, dates: dates, window: window, cancellation: cancellation)
        let count = slots.count
        var start = [Int](repeating: 0, count: count + 1)
        let rows = slots.rows
        // Every loop below polls `cancellation` every `cancellationStride` rows or customers:
        // at 120M transactions each ran hundreds of milliseconds past Ctrl-C.
        for chunk in stride(from: 0, to: rows.count, by: cancellationStride) {
            try cancellation.check()
            for i in chunk..<min(rows.count, chunk + cancellationStride) where rows[i] >= 0 { start[Int(rows[i]) + 1] += 1 }
        }
        for s in 0..<count { start[s + 1] += start[s] }
        let total = start[count]
        var cursor = start
        var days = [Int32](repeating: 0, count: total)
        var amounts = [Double](repeating: 0, count: amountColumn == nil ? 0 : total)
        guard case .date(let dateValues) = dates.values else {
            self.start = start
            self.end = Array(start.dropFirst())
            self.days = []
            self.amounts = []
            return
        }
        // The scatter, one loop per kind of amount column (a closure per row would cost a
        // retain and release of its arrays each time).
        try rows.withUnsafeBufferPointer { rows throws(EngineError) in
            try dateValues.withUnsafeBufferPointer { dates throws(EngineError) in
                try cursor.withUnsafeMutableBufferPointer { cursor throws(EngineError) in
                    try days.withUnsafeMutableBufferPointer { days throws(EngineError) in
                        try amounts.withUnsafeMutableBufferPointer { amounts throws(EngineError) in
                            @inline(__always) func scatter(_ amount: (Int) -> Double?) throws(EngineError) {
                                for chunk in stride(from: 0, to: rows.count, by: cancellationStride) {
                                    try cancellation.check()
                                    for i in chunk..<min(rows.count, chunk + cancellationStride) {
                                        let s = Int(rows[i])
                                        if s < 0 { continue }
                                        let p = cursor[s]
                                        cursor[s] = p + 1
                                        days[p] = dates[i]
                                        if let a = amount(i) { amounts[p] = a }
                                    }
                                }
                            }
                            let validity = amountColumn?.validity
                            switch amountColumn?.values {
                            case .double(let a)? where validity == nil:
                                try a.withUnsafeBufferPointer { a throws(EngineError) in try scatter { a[$0] } }
                            case .double(let a)?:
                                try a.withUnsafeBufferPointer { a throws(EngineError) in
                                    try validity!.withUnsafeBufferPointer { v throws(EngineError) in try scatter { v[$0] ? a[$0] : 0 } }
                                }
                            case .int(let a)?:
                                try a.withUnsafeBufferPointer { a throws(EngineError) in
                                    try scatter { validity?[$0] ?? true ? Double(a[$0]) : 0 }
                                }
                            case nil:
                                try scatter { _ in nil }
                            default:
                                try scatter { _ in 0 }
                            }
                        }
                    }
                }
            }
        }
        let withAmounts = amountColumn != nil
        // Sort each customer's few days (insertion sort: most customers have a handful), then
        // merge a day's purchases into one.
        var end = [Int](repeating: 0, count: count)
        try days.withUnsafeMutableBufferPointer { (d) throws(EngineError) in
            try amounts.withUnsafeMutableBufferPointer { (m) throws(EngineError) in
                for s in 0..<count {
                    if s & (cancellationStride - 1) == 0 { try cancellation.check() }
                    let lo = start[s]
                    let hi = start[s + 1]
                    if hi - lo > 64 {
                        var pairs = (lo..<hi).map { (d[$0], withAmounts ? m[$0] : 0) }
                        pairs.sort { $0.0 < $1.0 }
                        for (k, pair) in pairs.enumerated() {
                            d[lo + k] = pair.0
                            if withAmounts { m[lo + k] = pair.1 }
                        }
                    } else if hi - lo > 1 {
                        for i in (lo + 1)..<hi {
                            let day = d[i]
                            let amount = withAmounts ? m[i] : 0
                            var j = i
                            while j > lo, d[j - 1] > day {
                                d[j] = d[j - 1]
                                if withAmounts { m[j] = m[j - 1] }
                                j -= 1
                            }
                            d[j] = day
                            if withAmounts { m[j] = amount }
                        }
                    }
                    var w = lo
                    for i in lo..<hi {
                        if w > lo, d[w - 1] == d[i] {
                            if withAmounts { m[w - 1] += m[i] }
                        } else {
                            d[w] = d[i]
                            if withAmounts { m[w] = m[i] }
                            w += 1
                        }
                    }
                    end[s] = w
                }
            }
        }
        self.start = Array(start.dropLast())
        self.end = end
        self.days = days
        self.amounts = amounts
    }

    /// The customers with a purchase day before `asof`, in customer id order, and their
    /// repeat-purchase histories in units of `unit` days. The data cover the days before asof,
    /// so a customer's age runs to asof - 1: a first purchase on the last day has age 0, as in
    /// Fader, Hardie and Lee's data and in lifetimes (observation_period_end = asof - 1).
    func histories(before asof: Int32, unit: Double, cancellation: CancellationFlag) throws(EngineError)
        -> (slots: [Int32], histories: RepeatHistories)
    {
        var buyers: [Int32] = []
        for s in 0..<slots.count where start[s] < end[s] && days[start[s]] < asof { buyers.append(Int32(s)) }
        try cancellation.check()
        buyers = slots.orderedByID(buyers)
        var h = RepeatHistories()
        h.repeats.reserveCapacity(buyers.count)
        h.recency.reserveCapacity(buyers.count)
        h.age.reserveCapacity(buyers.count)
        h.meanValue.reserveCapacity(buyers.count)
        let hasAmounts = !amounts.isEmpty
        for (k, s32) in buyers.enumerated() {
            if k & (cancellationStride - 1) == 0 { try cancellation.check() }
            let s = Int(s32)
            let first = days[start[s]]
            var last = first
            var n = 0
            var repeatValue = 0.0
            var i = start[s]
            while i < end[s], days[i] < asof {
                if i > start[s], hasAmounts { repeatValue += amounts[i] }
                last = days[i]
                n += 1
                i += 1
            }
            h.repeats.append(Int32(n - 1))
            h.recency.append(Double(last - first) / unit)
            h.age.append(Double(asof - 1 - first) / unit)
            h.ageDays.append(asof - 1 - first)
            h.meanValue.append(n > 1 && hasAmounts ? repeatValue / Double(n - 1) : .nan)
        }
        return (buyers, h)
    }

    /// The first purchase day of slot s.
    func firstDay(_ s: Int32) -> Int32 { days[start[Int(s)]] }

    /// The purchase days of slot s.
    func purchaseDays(_ s: Int32) -> ArraySlice<Int32> { days[start[Int(s)]..<end[Int(s)]] }
}
