import Foundation
import Testing

/// `crmq generate`, and the demo data that travels with the binary.
@Suite struct GenerateTests {
    @Test func generateWritesAFolderCrmqCanOpen() throws {
        let dir = try Binary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("data").path  // created by generate
        let g = try Binary.run(["generate", "--customers", "200", "--out", out])
        #expect(g.status == 0, "\(g.stderr)")
        for name in ["customers.csv", "transactions.csv", "interactions.csv"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + name))
        }
        let r = try Binary.run(["--data", out, "-c", "customers | count"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "  n\n───\n200\n1 row\n")
    }

    @Test func generateRejectsNoCustomers() throws {
        let r = try Binary.run(["generate", "--customers", "0", "--out", "/tmp/never-written"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--customers"))
    }

    @Test func theDemoDataOpensFromAnyFolder() throws {
        let r = try Binary.run(["-c", ".tables"], in: URL(fileURLWithPath: "/"))
        #expect(r.status == 0, "\(r.stderr)")
        let customers = r.stdout.split(separator: "\n").first { $0.hasPrefix("customers ") }
        #expect(customers?.split(separator: " ").dropFirst().first == "5000", "\(r.stdout)")
        #expect(r.stdout.contains("transactions "))
        #expect(r.stdout.contains("interactions "))
    }

    @Test func theDemoDataTravelsInTheResourceBundleBesideTheBinary() throws {
        // A copy of the binary with its resource bundle, away from the source tree.
        let dir = try Binary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bundle = Binary.url.deletingLastPathComponent().appendingPathComponent("crmq_crmq.resources")
        try Binary.copyExecutable(to: dir.appendingPathComponent("crmq"))
        try FileManager.default.copyItem(at: bundle, to: dir.appendingPathComponent("crmq_crmq.resources"))
        let process = Process()
        process.executableURL = dir.appendingPathComponent("crmq")
        process.arguments = ["--format", "csv", "-c", "customers | count"]
        process.currentDirectoryURL = URL(fileURLWithPath: "/")
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(text == "n\n5000\n")
        // The bundle holds the files themselves, not links back into the source tree.
        let customers = bundle.appendingPathComponent("demo/customers.csv").path
        let attributes = try FileManager.default.attributesOfItem(atPath: customers)
        #expect(attributes[.type] as? FileAttributeType == .typeRegular)
    }
}
