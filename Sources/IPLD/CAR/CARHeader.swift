/// The header of a CAR v1 file: `{"roots": [CID, …], "version": 1}` in strict DAG-CBOR.
///
/// See https://ipld.io/specs/transport/car/carv1/#header and https://atproto.com/specs/repository#car-file-serialization.
public struct CARHeader: Sendable, Hashable {
    /// The root CIDs (never empty). For atproto, `roots[0]` is the commit.
    public let roots: [CID]

    /// Creates a header.
    public init(roots: [CID]) {
        self.roots = roots
    }

    /// Parses a header from its decoded data-model value.
    ///
    /// The version is checked first (so a CARv2 pragma `{version: 2}` is reported as
    /// ``IPLDError/Code/unsupportedCARVersion``), then the roots; other keys are refused.
    init(value: IPLDValue, offset: Int) throws(IPLDError) {
        guard case .map(let entries) = value else {
            throw IPLDError(.malformedCAR, "CAR header is not a map", offset: offset)
        }
        guard let versionValue = entries["version"] else {
            throw IPLDError(.malformedCAR, "CAR header has no version", offset: offset)
        }
        guard case .int(let version) = versionValue else {
            throw IPLDError(.malformedCAR, "CAR header version is not an integer", offset: offset)
        }
        guard version == 1 else {
            throw IPLDError(.unsupportedCARVersion, "CAR version \(version) is not supported (only 1)", offset: offset)
        }
        guard let rootsValue = entries["roots"] else {
            throw IPLDError(.carMissingRoots, "CAR header has no roots", offset: offset)
        }
        guard case .list(let items) = rootsValue else {
            throw IPLDError(.malformedCAR, "CAR header roots is not a list", offset: offset)
        }
        guard !items.isEmpty else {
            throw IPLDError(.carMissingRoots, "CAR header roots is empty", offset: offset)
        }
        var roots: [CID] = []
        roots.reserveCapacity(items.count)
        for item in items {
            guard case .link(let cid) = item else {
                throw IPLDError(.malformedCAR, "CAR header root is not a CID link", offset: offset)
            }
            roots.append(cid)
        }
        guard entries.count == 2 else {
            throw IPLDError(.malformedCAR, "CAR header has keys other than roots and version", offset: offset)
        }
        self.roots = roots
    }

    /// The header as a data-model value.
    public var value: IPLDValue {
        .map(["roots": .list(roots.map { .link($0) }), "version": .int(1)])
    }
}
