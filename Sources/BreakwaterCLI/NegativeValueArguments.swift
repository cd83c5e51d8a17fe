/// Lets an option take a negative number as its value (`--max-events -5`), so that the command's own check refuses it
/// as `bad-option` (exit 1) instead of ArgumentParser reading `-5` as an unknown short option and reporting a
/// missing value (exit 2).
enum NegativeValueArguments {
    /// `arguments` with every `--name` followed by a negative number joined into `--name=-N`. Arguments after `--`
    /// are left alone.
    static func joined(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" {
                result.append(contentsOf: arguments[index...])
                break
            }
            if argument.hasPrefix("--"), !argument.contains("="), index + 1 < arguments.count,
               isNegativeNumber(arguments[index + 1]) {
                result.append(argument + "=" + arguments[index + 1])
                index += 2
                continue
            }
            result.append(argument)
            index += 1
        }
        return result
    }

    /// Whether `text` reads as a negative number: `-` then a digit or `.` and a digit (`-5`, `-0.5`, `-.5`).
    static func isNegativeNumber(_ text: String) -> Bool {
        guard text.hasPrefix("-"), text.count >= 2 else { return false }
        let rest = text.dropFirst()
        return Double(rest) != nil && (rest.first?.isNumber == true || rest.first == ".")
    }
}
