public import IPLD

/// A commit's CAR slice is a block source: lookups use its in-place index and read the blocks without copying them.
extension CARSlice: BlockSource {
    public func block(for cid: CID) -> [UInt8]? { data(for: cid).map { Array($0) } }

    public func withBlock<Result>(for cid: CID, _ body: (UnsafeRawBufferPointer) throws(ATRepoError) -> Result) throws(ATRepoError) -> Result? {
        guard let slice = data(for: cid) else { return nil }
        let result: Swift.Result<Result, ATRepoError> = slice.withUnsafeBytes { buffer in
            Swift.Result { () throws(ATRepoError) -> Result in try body(buffer) }
        }
        return try result.get()
    }
}
