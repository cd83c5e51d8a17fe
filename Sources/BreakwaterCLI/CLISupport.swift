import ArgumentParser
import BreakwaterService
import Foundation
import IPLD

/// Shared helpers for subcommands: reading `FILE` or stdin, printing JSON, failing with a code.
enum CLISupport {
    /// Reads the whole of `path`, or standard input when `path` is `-`.
    static func readInput(_ path: String) throws -> [UInt8] {
        if path == "-" {
            return [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        }
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw OperationalError("unreadable-file", "cannot read \(path): \(error.localizedDescription)")
        }
    }

    /// Prints text and a newline on standard output.
    static func printOutput(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Prints a data-model value as indented atproto JSON (keys sorted).
    static func printJSON(_ value: IPLDValue) {
        printOutput(AtprotoJSON.serialize(value, pretty: true))
    }

    /// Runs `body`, turning failures into `error: CODE: message` on stderr and exit status 1.
    static func run(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let failure as OperationalError {
            fail(code: failure.code, message: failure.message)
        } catch let failure as ServiceError {
            fail(code: failure.code, message: failure.reason)
        } catch let error as IPLDError {
            fail(code: "\(error.code)", message: error.offset.map { "\(error.reason) (at byte \($0))" } ?? error.reason)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            OperationalError.describing(error).exit()
        }
    }

    /// Writes `error: CODE: message` to stderr and exits with status 1.
    static func fail(code: String, message: String) -> Never {
        OperationalError(code, message).exit()
    }
}
