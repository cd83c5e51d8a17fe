extension Array where Element == UInt8 {
    /// `withUnsafeBytes` for a body that throws ``IPLDError``: the standard one is `rethrows`, which
    /// loses the typed error. The error is carried out through a `Result` instead.
    func withUnsafeBytesTyped<R>(_ body: (UnsafeRawBufferPointer) throws(IPLDError) -> R) throws(IPLDError) -> R {
        let result: Result<R, IPLDError> = withUnsafeBytes { buffer in
            Result { () throws(IPLDError) -> R in try body(buffer) }
        }
        return try result.get()
    }
}
