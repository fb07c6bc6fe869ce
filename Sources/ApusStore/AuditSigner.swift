import Crypto
import Foundation

/// Signs audit rows with an Ed25519 key and checks signatures.
///
/// `APUS_SIGNING_KEY` holds the private key: 32 raw bytes in base64 (or hexadecimal), or
/// the path (absolute or relative) of a file holding that text. `apus audit keygen` makes one.
public struct AuditSigner: Sendable {
    let key: Curve25519.Signing.PrivateKey

    /// The public key, base64: give it to whoever verifies.
    public var publicKey: String { key.publicKey.rawRepresentation.base64EncodedString() }

    /// A signer with a new random key.
    public init() { key = Curve25519.Signing.PrivateKey() }

    /// The private key, base64, to keep secret.
    public var privateKeyText: String { key.rawRepresentation.base64EncodedString() }

    /// A signer with the key in `text` (base64, hexadecimal, or a file holding either).
    ///
    /// - Throws: `StoreError` saying what the text is not.
    public init(keyText: String, source: String = "APUS_SIGNING_KEY") throws {
        var text = keyText.trimmingCharacters(in: .whitespacesAndNewlines)
        // A base64 key may itself start with `/` (one key in 64 does): text that is a key is
        // taken as one, and only other text that looks like a path is read as a file.
        let looksLikePath = text.hasPrefix("/") || text.hasPrefix(".") || text.hasPrefix("~") || text.contains("/")
            || FileManager.default.fileExists(atPath: text)
        if Self.decodeKey(text)?.count != 32, looksLikePath {
            let path = (text as NSString).expandingTildeInPath
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw StoreError("\(source): cannot read the key file `\(path)`")
            }
            text = String(decoding: contents, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let raw = Self.decodeKey(text), raw.count == 32 else {
            throw StoreError("\(source): not an Ed25519 private key (32 bytes in base64 or hexadecimal; `apus audit keygen` makes one)")
        }
        key = try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
    }

    /// The signer named by `APUS_SIGNING_KEY`, or nil when it is unset.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> AuditSigner? {
        guard let text = environment["APUS_SIGNING_KEY"], !text.isEmpty else { return nil }
        return try AuditSigner(keyText: text)
    }

    /// The signature of `hash` (the row's hex hash), base64.
    public func sign(_ hash: String) throws -> String {
        try key.signature(for: Data(hash.utf8)).base64EncodedString()
    }

    /// True when `signature` (base64) is `publicKey`'s (base64) signature of `hash`.
    public static func verify(signature: String, hash: String, publicKey: String) -> Bool {
        guard let signatureBytes = Data(base64Encoded: signature), let keyBytes = Data(base64Encoded: publicKey),
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyBytes) else { return false }
        return key.isValidSignature(signatureBytes, for: Data(hash.utf8))
    }

    static func decodeKey(_ text: String) -> Data? {
        // ASCII only: `isHexDigit` also accepts fullwidth digits, which `UInt8(_:radix:)` does not.
        if text.count == 64, text.allSatisfy({ $0.isASCII && $0.isHexDigit }) {
            var bytes = [UInt8]()
            var index = text.startIndex
            while index < text.endIndex {
                let next = text.index(index, offsetBy: 2)
                bytes.append(UInt8(text[index..<next], radix: 16)!)
                index = next
            }
            return Data(bytes)
        }
        return Data(base64Encoded: text)
    }
}

/// SHA-256 as lowercase hexadecimal.
enum Hashing {
    static func sha256Hex(_ text: String) -> String { hex(SHA256.hash(data: Data(text.utf8))) }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The hash an audit row must carry.
    static func auditHash(previous: String, canonicalText: String) -> String {
        sha256Hex(previous + "\n" + canonicalText)
    }

    /// HMAC-SHA256 of `body` with `secret`, hexadecimal.
    static func hmacSHA256Hex(secret: String, body: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return hex(code)
    }
}
