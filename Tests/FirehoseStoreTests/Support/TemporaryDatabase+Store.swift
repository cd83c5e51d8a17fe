import FirehoseStore
import FirehoseTesting

extension TemporaryDatabase {
    /// Opens (creating and migrating) the state store at this path.
    func open() throws -> SQLiteStateStore { try SQLiteStateStore(path: path) }
}
