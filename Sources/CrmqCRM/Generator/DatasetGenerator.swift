import Dispatch
import CrmqDiagnostics
import CrmqLoading

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Generates the three CRM tables (customers, transactions, interactions; see
/// docs/dataset.md) for `customers` customers, deterministically from `seed`.
///
/// Work is done in blocks of `blockSize` customers on all cores, in four phases:
/// 1. profiles: each customer's attitudes, churn and purchase propensity;
/// 2. purchases (orders of one or more lines), after one global number (the rate scale
///    giving about 12 order lines per customer) is known; each block sorts its lines by day;
/// 3. category spend (which needs the last purchase day of the whole dataset), contacts,
///    and the customers file's text;
/// 4. the transactions and interactions files' text, in day order, in parallel chunks.
///
/// Every customer draws from its own random stream per phase (seeded from the seed, its
/// number and the phase), and global sums are taken in block order, so the files are the
/// same bytes whatever the number of cores or the scheduling.
public struct DatasetGenerator: Sendable {
    public let customers: Int
    public let seed: UInt64

    /// Customers per block of work.
    static let blockSize = 4096
    /// Purchases (order lines) per customer the rate scale aims at (over the whole table).
    static let purchasesPerCustomer = 12.0
    /// Rows per chunk of transactions or interactions text.
    static let rowsPerChunk = 250_000

    public init(customers: Int, seed: UInt64 = 42) {
        self.customers = max(customers, 0)
        self.seed = seed
    }

    public func generate() -> GeneratedDataset {
        let w = Window.shared
        let n = customers
        let blocks = (n + Self.blockSize - 1) / Self.blockSize
        let seed = self.seed
        @Sendable func range(_ b: Int) -> Range<Int> { b * Self.blockSize..<min(n, (b + 1) * Self.blockSize) }

        // 1. Profiles.
        let profiles: [[Profile]] = parallelMap(blocks) { b in
            range(b).map { i in
                var r = Xoshiro(seed: seed, customer: i, phase: 1)
                return Profile(&r, window: w)
            }
        }

        // The purchase rate scale: buyers make one first purchase, then on average the
        // rest of `purchasesPerCustomer` over their exposure.
        var weighted = 0.0
        for block in profiles {
            var s = 0.0
            for p in block where p.buyer { s += p.rateWeight * p.exposure }
            weighted += s
        }
        let buyerShare = 0.95
        let extra = Self.purchasesPerCustomer / buyerShare - 1.0
        let scale = weighted > 0 ? extra / (weighted / Double(max(n, 1)) / buyerShare) : 0

        // 2. Purchases, sorted by day within each block: orders of about `linesPerOrder`
        // lines, so that the lines come to about `purchasesPerCustomer`. (Contacts and
        // category spend keep `scale`, the rate of lines.)
        let orders = Self.purchasesPerCustomer / Vocabulary.linesPerOrder
        let orderExtra = orders / buyerShare - 1.0
        let orderScale = weighted > 0 ? orderExtra / (weighted / Double(max(n, 1)) / buyerShare) : 0
        let purchases: [PurchaseBlock] = parallelMap(blocks) { b in
            PurchaseBlock(profiles[b], first: range(b).lowerBound, scale: orderScale, seed: seed, window: w)
        }
        let lastDay = purchases.reduce(-1) { max($0, $1.lastDay) }

        // 3. Category spend, contacts, and the customers file.
        let third: [(bytes: [UInt8], contacts: ContactBlock, churned: Int)] = parallelMap(blocks) { b in
            let first = range(b).lowerBound
            let spend = purchases[b].spendByCustomer(count: profiles[b].count, first: first, lastDay: lastDay)
            var contacts = ContactBuilder()
            var out = ByteWriter(capacity: profiles[b].count * 110)
            var churned = 0
            for (k, p) in profiles[b].enumerated() {
                var r = Xoshiro(seed: seed, customer: first + k, phase: 3)
                let rate = p.buyer ? p.rateWeight * scale : 0
                let categorySpend = Self.categorySpend(p, rate: rate, spend12: spend[k], &r)
                contacts.add(p, customer: first + k, rate: rate, &r)
                Self.writeCustomer(p, id: first + k + 1, categorySpend: categorySpend, into: &out, window: w)
                if p.churned { churned += 1 }
            }
            return (out.finish(), contacts.sorted(), churned)
        }

        // 4. Transactions and interactions in day order.
        let transactions = Self.dayOrderedChunks(purchases.map(\.dayStart)) { days, firstRow, out in
            var id = firstRow + 1
            // Orders are numbered in file order, as their first lines come.
            var order = purchases.reduce(0) { $0 + Int($1.ordersBefore[days.lowerBound]) }
            for d in days {
                for p in purchases {
                    let lo = Int(p.dayStart[d]), hi = Int(p.dayStart[d + 1])
                    for i in lo..<hi {
                        if p.opensOrder[i] { order += 1 }
                        out.reserve(80)
                        out.int(id); out.comma()
                        out.int(order); out.comma()
                        out.int(Int(p.customer[i]) + 1); out.comma()
                        out.entry(Self.dates, d); out.comma()
                        out.cents(p.cents[i]); out.comma()
                        out.entry(Self.categoryNames, Int(p.category[i])); out.newline()
                        id += 1
                    }
                }
            }
        }
        let contacts = third.map(\.contacts)
        let interactions = Self.dayOrderedChunks(contacts.map(\.dayStart)) { days, _, out in
            for d in days {
                for c in contacts {
                    let lo = Int(c.dayStart[d]), hi = Int(c.dayStart[d + 1])
                    for i in lo..<hi {
                        out.reserve(48)
                        out.int(Int(c.customer[i]) + 1); out.comma()
                        out.entry(Self.dates, d); out.comma()
                        out.entry(Self.kindNames, Int(c.kind[i])); out.comma()
                        out.byte(c.resolved[i] ? 49 : 48); out.newline()
                    }
                }
            }
        }

        let customerHeader = (["customer_id", "name", "signup_date", "region", "channel"] + Survey.columns
            + ["category_spend", "churned", "churn_date"]).joined(separator: ",") + "\n"
        return GeneratedDataset(
            files: [
                .init(name: "customers.csv", chunks: [Array(customerHeader.utf8)] + third.map(\.bytes)),
                .init(name: "transactions.csv",
                      chunks: [Array("txn_id,order_id,customer_id,date,amount,category\n".utf8)] + transactions),
                .init(name: "interactions.csv", chunks: [Array("customer_id,date,kind,resolved\n".utf8)] + interactions),
            ],
            customerCount: n,
            transactionCount: purchases.reduce(0) { $0 + $1.customer.count },
            interactionCount: contacts.reduce(0) { $0 + $1.customer.count },
            churnedCount: third.reduce(0) { $0 + $1.churned })
    }

    // MARK: - Customers

    /// The customer's yearly spend in the whole category, with every vendor, in cents:
    /// the last 12 months with us plus the rest of a wallet whose share for us rises with
    /// loyalty. Never below the spend with us (by at least 1.00).
    static func categorySpend(_ p: Profile, rate: Double, spend12: Int, _ r: inout Xoshiro) -> Int {
        let typicalPurchase = p.basket * Vocabulary.meanCategoryPrice * exp(0.55 * 0.55 / 2)
        let expectedWithUs = rate * typicalPurchase
        let share = min(max(sigmoid(-0.3 + 0.6 * p.loyalty + r.normal(0, 0.7)), 0.03), 0.97)
        let wallet = max(expectedWithUs / share * exp(r.normal(0, 0.25)), 20.0)
        let withUs = Double(spend12) / 100
        let other = max(max(wallet - withUs, (1.0 - share) * wallet), 1.0)
        return spend12 + Int((other * 100).rounded())
    }

    static let dates = ByteTable(fixedWidth: 10, bytes: Window.shared.dateBytes)
    static let names = (ByteTable(Vocabulary.firstNames), ByteTable(Vocabulary.lastNames))
    static let regionNames = ByteTable(Vocabulary.regions)
    static let channelNames = ByteTable(Vocabulary.channels)
    static let categoryNames = ByteTable(Vocabulary.categories)
    static let kindNames = ByteTable(Vocabulary.kinds)

    static func writeCustomer(_ p: Profile, id: Int, categorySpend: Int, into out: inout ByteWriter, window w: Window) {
        out.reserve(256)
        out.int(id); out.comma()
        out.entry(names.0, p.firstName); out.byte(32); out.entry(names.1, p.lastName); out.comma()
        out.entry(dates, p.signup); out.comma()
        out.entry(regionNames, p.region); out.comma()
        out.entry(channelNames, p.channel); out.comma()
        for k in 0..<Survey.count {
            let v = p.survey[k]
            if v != Survey.missing { out.int(Int(v)) }
            out.comma()
        }
        out.cents(categorySpend); out.comma()
        out.byte(p.churned ? 49 : 48); out.comma()
        if p.churned { out.entry(dates, p.churnDay) }
        out.newline()
    }

    // MARK: - Day-ordered output

    /// Text chunks of rows in day order across blocks (each block's rows sorted by day,
    /// `dayStart[b][d]` its first row of day d): days are cut into ranges of about
    /// `rowsPerChunk` rows, formatted in parallel by `write(days, rowsBefore, out)`.
    static func dayOrderedChunks(
        _ dayStarts: [[Int32]], write: @escaping @Sendable (Range<Int>, Int, inout ByteWriter) -> Void
    ) -> [[UInt8]] {
        var before = [Int](repeating: 0, count: Window.days + 1)  // rows before day d, all blocks
        for starts in dayStarts {
            for d in 0...Window.days { before[d] += Int(starts[d]) }
        }
        var ranges: [Range<Int>] = []
        var lo = 0
        for d in 1...Window.days where before[d] - before[lo] >= rowsPerChunk || d == Window.days {
            ranges.append(lo..<d)
            lo = d
        }
        let rowsBefore = before
        let cuts = ranges
        return parallelMap(cuts.count) { c in
            let days = cuts[c]
            var out = ByteWriter(capacity: (rowsBefore[days.upperBound] - rowsBefore[days.lowerBound]) * 48)
            write(days, rowsBefore[days.lowerBound], &out)
            return out.finish()
        }
    }
}

/// A block's purchases (order lines), sorted by day (stable, so by customer within a day,
/// and an order's lines stay together in the order they were drawn).
struct PurchaseBlock: Sendable {
    /// Customer numbers (0-based, global).
    var customer: [Int32] = []
    var category: [UInt8] = []
    var cents: [Int] = []
    /// Whether the line is the first of its order.
    var opensOrder: [Bool] = []
    /// `dayStart[d]..<dayStart[d + 1]` are the rows of day d.
    var dayStart: [Int32] = []
    /// `ordersBefore[d]`: the orders (first lines) of the days before d.
    var ordersBefore: [Int32] = []
    var lastDay = -1

    init(_ profiles: [Profile], first: Int, scale: Double, seed: UInt64, window w: Window) {
        var day: [Int16] = [], cust: [Int32] = [], cat: [UInt8] = [], amount: [Int] = [], opens: [Bool] = []
        for (k, p) in profiles.enumerated() where p.buyer {
            var r = Xoshiro(seed: seed, customer: first + k, phase: 2)
            let count = 1 + r.poisson(p.rateWeight * scale * p.exposure)
            let from = w.purchaseCum[p.firstPurchase + 1]
            for j in 0..<count {
                var d = p.firstPurchase
                if j > 0 {
                    // Seasonal: inverse of the cumulative purchase intensity.
                    d = Window.day(at: from + r.uniform() * p.exposure, in: w.purchaseCum)
                    d = min(max(d, p.firstPurchase), p.endDay)
                }
                // The order's lines, each in a different category: a shopping trip holds
                // categories independently of each other; otherwise, or when the trip came
                // out empty, one line (the favourite 45% of the time). Then the planted
                // associations add their categories.
                var held: UInt32 = 0
                if r.uniform() < p.tripChance {
                    for c in 0..<Vocabulary.categories.count where r.uniform() < Vocabulary.tripInclusion[c] {
                        held |= 1 << c
                    }
                }
                if held == 0 {
                    held = 1 << (r.uniform() < 0.45 ? p.favourite : r.pick(Vocabulary.categoryCum))
                }
                for a in Vocabulary.associations where held & (1 << a.trigger) != 0 && r.uniform() < a.chance {
                    for c in a.adds { held |= 1 << c }
                }
                var opensOrder = true
                for c in 0..<Vocabulary.categories.count where held & (1 << c) != 0 {
                    let money = max(p.basket * Vocabulary.categoryPrice[c] * exp(r.normal(0, 0.55)), 0.99)
                    day.append(Int16(d))
                    cust.append(Int32(first + k))
                    cat.append(UInt8(c))
                    amount.append(Int((money * 100).rounded()))
                    opens.append(opensOrder)
                    opensOrder = false
                }
            }
        }
        // Counting sort by day.
        var start = [Int32](repeating: 0, count: Window.days + 1)
        var orders = [Int32](repeating: 0, count: Window.days + 1)
        for (i, d) in day.enumerated() {
            start[Int(d) + 1] += 1
            if opens[i] { orders[Int(d) + 1] += 1 }
        }
        for d in 0..<Window.days {
            start[d + 1] += start[d]
            orders[d + 1] += orders[d]
        }
        dayStart = start
        ordersBefore = orders
        var next = start
        customer = [Int32](repeating: 0, count: day.count)
        category = [UInt8](repeating: 0, count: day.count)
        cents = [Int](repeating: 0, count: day.count)
        opensOrder = [Bool](repeating: false, count: day.count)
        for i in 0..<day.count {
            let d = Int(day[i])
            let to = Int(next[d])
            next[d] += 1
            customer[to] = cust[i]
            category[to] = cat[i]
            cents[to] = amount[i]
            opensOrder[to] = opens[i]
            lastDay = max(lastDay, d)
        }
    }

    /// Each customer's spend in the 366 days ending on `lastDay` (in cents): the last 12
    /// months as of the day after the last purchase, by either reading of "12 months".
    func spendByCustomer(count: Int, first: Int, lastDay: Int) -> [Int] {
        var spend = [Int](repeating: 0, count: count)
        guard lastDay >= 0 else { return spend }
        for d in max(lastDay - 365, 0)...lastDay {
            for i in Int(dayStart[d])..<Int(dayStart[d + 1]) { spend[Int(customer[i]) - first] += cents[i] }
        }
        return spend
    }
}

/// A block's contacts (interactions), sorted by day.
struct ContactBlock: Sendable {
    var customer: [Int32] = []
    var kind: [UInt8] = []
    var resolved: [Bool] = []
    var dayStart: [Int32] = []
}

/// Collects a block's contacts customer by customer.
struct ContactBuilder {
    private var day: [Int16] = [], customer: [Int32] = [], kind: [UInt8] = [], resolved: [Bool] = []

    /// Dissatisfied customers contact more and complain more; busy buyers contact a bit
    /// more; complaints are less often resolved, above all for customers who left.
    mutating func add(_ p: Profile, customer c: Int, rate: Double, _ r: inout Xoshiro) {
        let s = p.satisfaction
        let perYear = 0.6 + 0.5 * max(6.5 - s, 0) + 0.04 * min(rate, 40)
        let last = min(p.endDay + 30, Window.days - 1)
        let span = Double(last - p.signup + 1)
        let count = r.poisson(perYear * min(span / 365.25, 3.0))
        let complaintShare = sigmoid(-1.6 + 0.55 * (6.0 - s))
        for _ in 0..<count {
            let d = p.signup + Int(r.uniform() * span)
            let u = r.uniform()
            let k: UInt8
            if u < complaintShare {
                k = 0
            } else {
                let rest = (u - complaintShare) / (1.0 - complaintShare)
                k = rest < 0.40 ? 1 : rest < 0.75 ? 2 : 3
            }
            let pResolved = k == 0 ? 0.70 - (p.churned ? 0.25 : 0) : 0.88
            day.append(Int16(d))
            customer.append(Int32(c))
            kind.append(k)
            resolved.append(r.uniform() < pResolved)
        }
    }

    func sorted() -> ContactBlock {
        var start = [Int32](repeating: 0, count: Window.days + 1)
        for d in day { start[Int(d) + 1] += 1 }
        for d in 0..<Window.days { start[d + 1] += start[d] }
        var out = ContactBlock(
            customer: [Int32](repeating: 0, count: day.count), kind: [UInt8](repeating: 0, count: day.count),
            resolved: [Bool](repeating: false, count: day.count), dayStart: start)
        var next = start
        for i in 0..<day.count {
            let d = Int(day[i])
            let to = Int(next[d])
            next[d] += 1
            out.customer[to] = customer[i]
            out.kind[to] = kind[i]
            out.resolved[to] = resolved[i]
        }
        return out
    }
}

/// The generated files, as text chunks in order.
public struct GeneratedDataset: Sendable {
    public struct File: Sendable {
        public let name: String
        public let chunks: [[UInt8]]
        public var byteCount: Int { chunks.reduce(0) { $0 + $1.count } }
        /// The whole file (copies; for tests and small datasets).
        public var bytes: [UInt8] { Array(chunks.joined()) }
    }

    public let files: [File]
    public let customerCount: Int
    public let transactionCount: Int
    public let interactionCount: Int
    public let churnedCount: Int

    public func file(_ name: String) -> File? { files.first { $0.name == name } }

    /// Writes every file into `folder` (which must exist), each atomically.
    public func write(to folder: String) throws(Diagnostic) {
        for f in files {
            let path = folder.hasSuffix("/") ? folder + f.name : folder + "/" + f.name
            try AtomicFileWriter.replace(path) { (out: inout AtomicFileWriter) throws(Diagnostic) in
                for c in f.chunks { out.write(c) }
            }
        }
    }
}

/// `body(0..<count)` on all cores, results in index order.
func parallelMap<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
    let slots = Slots<T>(count)
    DispatchQueue.concurrentPerform(iterations: count) { i in slots.set(i, body(i)) }
    return slots.values
}

private final class Slots<T>: @unchecked Sendable {
    private let p: UnsafeMutableBufferPointer<T?>

    init(_ count: Int) {
        p = .allocate(capacity: count)
        p.initialize(repeating: nil)
    }

    deinit {
        p.deinitialize()
        p.deallocate()
    }

    // Each index is written by exactly one iteration.
    func set(_ i: Int, _ value: T) { p[i] = value }
    var values: [T] { p.map { $0! } }
}
