import Foundation
import Testing
import CrmqSource
import CrmqSession
@testable import CrmqRendering

/// `.output FILE`: a write that fails there never crashes and loses nothing.
@Suite struct OutputFileTests {
    /// A FIFO whose reader leaves: the next result's write fails (EPIPE, SIGPIPE ignored);
    /// the error says so and that result and the later ones reach the screen.
    @Test func aFailedWriteFallsBackToTheScreen() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crmq-output-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        #expect(reader >= 0)

        var screen = "", status = ""
        let presenter = Presenter { text, channel in
            if channel == .results { screen += text } else { status += text }
        }
        let session = Session()
        func run(_ text: String) {
            session.run(text, name: "t") { presenter.present($0, settings: session.settings) }
        }
        run(".output \(fifo)")
        #expect(status.isEmpty, "\(status)")
        run("1 + 1")
        var buffer = [UInt8](repeating: 0, count: 64)
        #expect(read(reader, &buffer, buffer.count) > 0)
        #expect(screen.isEmpty)
        close(reader)
        run("2 + 3")
        run("4 + 5")
        #expect(status.contains("cannot write '\(fifo)': Broken pipe; results go to the screen again"), "\(status)")
        #expect(screen == "5\n9\n", "\(screen)")
    }
}
