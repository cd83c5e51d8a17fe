/// Entry points for strict DAG-CBOR decoding and canonical encoding.
public enum DAGCBOR {
    /// Decodes exactly one data item filling `bytes`; trailing bytes are refused.
    public static func decode(_ bytes: [UInt8], limits: DAGCBORLimits = .atproto) throws(IPLDError) -> IPLDValue {
        do {
            return try bytes.withUnsafeBytes { buffer in try decode(buffer, limits: limits) }
        } catch let error as IPLDError {
            throw error
        } catch {
            throw IPLDError(.truncated, "\(error)")
        }
    }

    /// Decodes exactly one data item filling `buffer`; trailing bytes are refused.
    public static func decode(_ buffer: UnsafeRawBufferPointer, limits: DAGCBORLimits = .atproto) throws(IPLDError) -> IPLDValue {
        var reader = DAGCBORReader(buffer, limits: limits)
        let value = try reader.readValue()
        guard reader.isAtEnd else {
            throw IPLDError(.trailingBytes, "\(buffer.count - reader.offset) bytes follow the item", offset: reader.offset)
        }
        return value
    }

    /// Encodes a value canonically (shortest heads, map keys sorted length-first then bytewise).
    public static func encode(_ value: IPLDValue) -> [UInt8] {
        var writer = DAGCBORWriter()
        writer.write(value)
        return writer.bytes
    }
}
