/// Room for the text of one row's bindings, so SQLite binds it as `SQLITE_STATIC` instead of copying it into an
/// allocation of its own for every value (``DirectStatement/bind(_:_:)-(Int32,String?)``).
///
/// Text is copied in as it is bound and stays put until the row is stepped: ``DirectStatement/step()`` clears the
/// statement's bindings and only then empties the scratch, so no binding ever points at reused room. A value that does
/// not fit in what is left is bound as `SQLITE_TRANSIENT` instead (SQLite copies it), so no row is ever refused for
/// its size. One scratch serves the statements of one write, which run one row at a time.
final class BindingScratch {
    private let base: UnsafeMutableRawPointer
    private let capacity: Int
    private var used = 0

    /// A scratch of `capacity` bytes.
    init(capacity: Int = 16 * 1024) {
        self.capacity = capacity
        base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
    }

    deinit { base.deallocate() }

    /// Copies `bytes` in and returns where they now are; nil when they do not fit in what is left.
    func hold(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawPointer? {
        guard bytes.count <= capacity - used else { return nil }
        let place = base + used
        if let source = bytes.baseAddress, !bytes.isEmpty { place.copyMemory(from: source, byteCount: bytes.count) }
        used += bytes.count
        return UnsafeRawPointer(place)
    }

    /// Makes all the room available again; only once no binding points into it.
    func empty() { used = 0 }
}
