public import IPLD

/// A commit's CAR slice is a block source: lookups use its in-place index and read the blocks without copying them.
extension CARSlice: InPlaceBlockSource {}
