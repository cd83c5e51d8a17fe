/// `value` in decimal with a comma between each group of three digits (`12,345`), as progress lines and tables print counts.
package func groupedDigits(_ value: some BinaryInteger) -> String {
    let digits = String(value.magnitude)
    var result = ""
    for (offset, digit) in digits.enumerated() {
        if offset > 0 && (digits.count - offset) % 3 == 0 { result.append(",") }
        result.append(digit)
    }
    return (value < 0 ? "-" : "") + result
}
