import ArgumentParser
import Foundation
import CrmqSession
import CrmqRendering

/// The `crmq` command: the REPL by default, `-c` for one statement, `run` for a script.
@main
struct Crmq: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crmq",
        abstract: "Ask customer-relationship questions of customer data in a small query language.",
        discussion: """
            With no arguments, crmq starts the interactive shell on the shipped demo data
            (or on --data DIR). When standard input is not a terminal, it is read as a script.

            Exit status: 0 when every statement ran (or .quit was used); 1 when a statement
            failed (a script stops at its first error; errors go to standard error as
            FILE:LINE:COL: error: ...); 64 for a command-line usage error.
            """,
        version: CrmqVersion.string,
        subcommands: [Run.self, Generate.self, NotebookCommand.self, HelpTopicCommand.self])

    @OptionGroup var options: CommonOptions

    // Unconditional, so a statement may start with '-': crmq -c "-1 + 2".
    @Option(name: .customShort("c"), parsing: .unconditional, help: ArgumentHelp("Run one statement (or several, separated by ';') and exit.", valueName: "query"))
    var command: String?

    @Flag(help: "In the interactive shell, do not run ~/.crmqrc (or $CRMQ_INIT) at start.")
    var noInit = false

    mutating func run() throws {
        let front = try FrontEnd(options: options)
        if let command {
            throw ExitCode(front.runScript(text: command, name: "<command>") ? 0 : 1)
        }
        if isatty(0) == 0 {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            throw ExitCode(String(data: data, encoding: .utf8).map { front.runScript(text: $0, name: "<stdin>") ? 0 : 1 } ?? { FileHandle.standardError.write(Data("<stdin>: error: standard input is not UTF-8 text\n".utf8)); return 1 }())
        }
        throw ExitCode(front.repl(initFile: !noInit))
    }
}

/// `crmq run FILE.crmq`
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a script; stop at its first error with exit status 1.")

    @Argument(help: "The script to run (a .crmq file).")
    var file: String

    @OptionGroup var options: CommonOptions

    mutating func run() throws {
        let front = try FrontEnd(options: options, script: file)
        guard let data = FileManager.default.contents(atPath: file) else {
            FileHandle.standardError.write(Data("\(file): error: cannot read the script: no such file, or not readable\n".utf8))
            throw ExitCode(1)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            FileHandle.standardError.write(Data("\(file): error: the script is not UTF-8 text\n".utf8))
            throw ExitCode(1)
        }
        throw ExitCode(front.runScript(text: text, name: file) ? 0 : 1)
    }
}

/// `crmq help [TOPIC]`: the text `help TOPIC` prints in the shell, from the command line.
/// Named `help`, it takes the place of swift-argument-parser's own help subcommand, so
/// `crmq help run` (a subcommand's name, not a topic) still shows that subcommand's usage.
struct HelpTopicCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "help",
        abstract: "Explain a statement, operator, function or CRM concept, as 'help TOPIC' does in the shell.")

    @Argument(help: ArgumentHelp("The topic; several words are one topic (crmq help share of wallet).", valueName: "topic"))
    var words: [String] = []

    mutating func run() throws {
        let topic = words.joined(separator: " ")
        if topic.isEmpty {
            print(Crmq.helpMessage())
            print()
            print(Help.index, terminator: "")
            return
        }
        if let text = Help.text(for: topic) {
            print(text.hasSuffix("\n") ? text : text + "\n", terminator: "")
            return
        }
        if words.count == 1, let sub = Crmq.configuration.subcommands.first(where: {
            $0._commandName == topic && $0 != HelpTopicCommand.self
        }) {
            print(Crmq.helpMessage(for: sub))
            return
        }
        let notes = Help.unknownTopicNotes(topic).map { "note: \($0)\n" }.joined()
        FileHandle.standardError.write(Data("crmq: error: no help topic '\(topic)'\n\(notes)".utf8))
        throw ExitCode(1)
    }
}

/// Options every mode shares.
struct CommonOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Load every CSV and Arrow file in this folder at start (default: the shipped demo data).", valueName: "dir"))
    var data: String?

    @Flag(help: "Start with no tables loaded.")
    var noData = false

    @Option(help: ArgumentHelp("Connect to a PostgreSQL database (postgres://...) or a Spark Connect server (sc://...) at start, as 'connect \"URL\"' does: queries run there (docs/backends.md). No demo data is loaded unless --data is given.", valueName: "url"))
    var connect: String?

    @Option(help: "How results are written: table, csv, json or markdown.")
    var format: OutputMode = .table

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("Write results to this file instead of standard output, as '.output FILE' does (for 'notebook': the notebook, a .html or .md file). Safe mode writes it and nothing else.", valueName: "file"))
    var output: String?

    @Flag(help: "Safe mode, for running someone else's script: files are read only from the data folder and the script's folder, nothing is written but --output, and the memory limit holds (also CRMQ_SAFE=1; docs/safety.md).")
    var safe = false
}

extension OutputMode: ExpressibleByArgument {}

enum CrmqVersion {
    static let string = "0.1.0"
}
