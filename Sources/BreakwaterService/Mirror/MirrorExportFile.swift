import FirehosePostgres
import FirehoseStore
package import FirehoseSync
import Foundation

/// `mirror export`: a mirror written as a repository CAR to a file, atomically (a `.partial` file renamed when
/// complete), or to standard output.
package enum MirrorExportFile {
    /// Writes the mirror of `did` in `store` to `out` (`-`: standard output). Returns the number of records
    /// exported to a file, nil for standard output. Throws the store's code as a ``ServiceError``, else
    /// `unwritable-file`; a partial file is removed.
    package static func write(did: String, store: any MirrorStorePort, to out: String) throws -> Int? {
        let handle: FileHandle
        let temporary: String?
        if out == "-" {
            handle = FileHandle.standardOutput
            temporary = nil
        } else {
            let partial = out + ".partial"
            guard FileManager.default.createFile(atPath: partial, contents: nil),
                  let opened = FileHandle(forWritingAtPath: partial) else {
                throw ServiceError("unwritable-file", "cannot write \(out)")
            }
            handle = opened
            temporary = partial
        }
        do {
            let records: Int
            do {
                records = try store.export(did: did, chunkSize: 1 << 20) { chunk in try handle.write(contentsOf: chunk) }
            } catch let error as StoreError {
                throw ServiceError(error.code.description, error.reason)
            } catch let error as FirehoseSyncError {
                throw ServiceError(error.codeName, error.reason)
            } catch let error as PostgresStoreError {
                throw ServiceError(error.code.description, error.reason)
            }
            guard let temporary else { return nil }
            try handle.close()
            _ = try? FileManager.default.removeItem(atPath: out)
            try FileManager.default.moveItem(atPath: temporary, toPath: out)
            return records
        } catch {
            if let temporary {
                try? handle.close()
                try? FileManager.default.removeItem(atPath: temporary)
            }
            if error is ServiceError { throw error }
            throw ServiceError("unwritable-file", "\(out): \(error)")
        }
    }
}
