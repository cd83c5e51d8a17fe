#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension IdentitiesFileReader {
    /// The bytes of the file at `path`, read straight into one array of the size the file system gives (one `read`, and
    /// one more that finds the end); reading goes on while there is more, for a file that grew or whose size the file
    /// system does not know. Nil when the file cannot be opened or read (missing, a directory, no permission).
    static func contents(atPath path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        var contents: [UInt8] = []
        var capacity = max(Int(status.st_size), 0) + 1
        while true {
            var failed = false
            let chunk = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
                initialized = 0
                while initialized < buffer.count, let base = buffer.baseAddress {
                    let count = systemRead(descriptor, base + initialized, buffer.count - initialized)
                    if count > 0 {
                        initialized += count
                    } else if count == 0 {
                        return
                    } else if errno != EINTR {
                        failed = true
                        return
                    }
                }
            }
            if failed { return nil }
            if contents.isEmpty { contents = chunk } else { contents.append(contentsOf: chunk) }
            if chunk.count < capacity { return contents }
            capacity = max(capacity * 2, 1 << 16)
        }
    }
}

/// The C library's `read` (a name the reader's own `read(_:)` hides inside the type).
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
