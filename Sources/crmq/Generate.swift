import ArgumentParser
import Foundation
import CrmqCRM
import CrmqRendering

/// `crmq generate --customers N [--seed S] --out DIR`
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate a CRM dataset (customers, transactions, interactions) as CSV files.",
        discussion: """
            The data follow the model in docs/dataset.md: satisfaction from perceived quality \
            against expectation, loyalty intents and churn driven by trust, value, satisfaction \
            and switching cost, seasonal purchases at heterogeneous rates, and complaints. \
            The same --customers and --seed always give byte-identical files.
            """)

    @Option(help: "How many customers to generate.")
    var customers: Int

    @Option(help: "The random seed.")
    var seed: UInt64 = 42

    @Option(help: ArgumentHelp("The folder to write the CSV files into (created if missing).", valueName: "dir"))
    var out: String

    func validate() throws {
        guard customers >= 1 else { throw ValidationError("--customers must be at least 1") }
    }

    mutating func run() throws {
        let start = DispatchTime.now()
        let data = DatasetGenerator(customers: customers, seed: seed).generate()
        let generated = DispatchTime.now()
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        } catch {
            FileHandle.standardError.write(Data("\(out): error: cannot create the folder: \(error.localizedDescription)\n".utf8))
            throw ExitCode(1)
        }
        do {
            try data.write(to: out)
        } catch {
            FileHandle.standardError.write(Data(DiagnosticRenderer.render(error, color: false).utf8))
            throw ExitCode(1)
        }
        let done = DispatchTime.now()
        func seconds(_ a: DispatchTime, _ b: DispatchTime) -> String {
            String(format: "%.2f", Double(b.uptimeNanoseconds - a.uptimeNanoseconds) / 1e9)
        }
        let sizes = data.files.map { "\($0.name) \(String(format: "%.1f", Double($0.byteCount) / 1e6)) MB" }
        FileHandle.standardError.write(Data("""
            customers=\(data.customerCount) transactions=\(data.transactionCount) \
            interactions=\(data.interactionCount) churned=\(data.churnedCount)
            generated in \(seconds(start, generated)) s, written in \(seconds(generated, done)) s; \
            \(sizes.joined(separator: ", "))

            """.utf8))
    }
}
