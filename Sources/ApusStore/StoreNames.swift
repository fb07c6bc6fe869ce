/// The rules for names that the store keeps and builds paths from: model names, aliases,
/// tag keys, artifact names, experiment names.
///
/// A name is 1 to 128 characters of ASCII letters, digits, `.`, `_` and `-`, starting with
/// a letter or a digit: no path separators, no `..`, no spaces or control characters. So a
/// name can never reach outside the store's folder or break a line of output.
public enum StoreNames {
    /// The longest name, in characters.
    public static let maximumLength = 128

    /// Aliases that the store gives a meaning of its own and refuses to set.
    public static let reservedAliases: Set<String> = ["latest"]

    /// Checks `name`, naming `what` it is in the error.
    ///
    /// - Throws: `StoreError` saying which character or rule the name breaks.
    public static func validate(_ name: String, as what: String) throws {
        guard !name.isEmpty else { throw StoreError("the \(what) is empty") }
        guard name.unicodeScalars.count <= maximumLength else {
            throw StoreError("the \(what) `\(printable(name))` is longer than \(maximumLength) characters")
        }
        for (offset, scalar) in name.unicodeScalars.enumerated() {
            let allowed = isLetterOrDigit(scalar) || (offset > 0 && (scalar == "." || scalar == "_" || scalar == "-"))
            if !allowed {
                let shown = scalar.value < 0x20 || scalar.value == 0x7F || scalar.value > 0x7E
                    ? "U+\(String(scalar.value, radix: 16, uppercase: true))" : "`\(Character(scalar))`"
                let rule = offset == 0
                    ? "must start with a letter or a digit"
                    : "may hold only letters, digits, `.`, `_` and `-`"
                throw StoreError("the \(what) `\(printable(name))` \(rule) (character \(offset + 1) is \(shown))")
            }
        }
    }

    /// Checks an alias: a valid name that is not reserved and does not look like a version.
    public static func validateAlias(_ alias: String) throws {
        try validate(alias, as: "alias")
        if reservedAliases.contains(alias) {
            throw StoreError("the alias `\(alias)` is reserved: `NAME@latest` always means the newest version that is not archived")
        }
        let digits = alias.first == "v" || alias.first == "V" ? alias.dropFirst() : Substring(alias)
        if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
            throw StoreError("the alias `\(alias)` looks like a version number; choose a word such as `champion`")
        }
    }

    private static func isLetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        default: false
        }
    }

    /// `name` with control characters escaped, safe to print inside an error.
    static func printable(_ name: String) -> String {
        var out = ""
        for scalar in name.unicodeScalars.prefix(maximumLength + 8) {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
