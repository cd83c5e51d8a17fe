/// Compact integer codes for ``SyncState`` at rest, the same in every store (SQLite and PostgreSQL).
package enum SyncStateCode {
    /// The stored code of `state`.
    package static func encode(_ state: SyncState) -> Int {
        switch state {
        case .synchronized: return 0
        case .desynchronized: return 1
        case .resyncing: return 2
        }
    }

    /// The state a stored code stands for (an unknown code reads as synchronized).
    package static func decode(_ code: Int) -> SyncState {
        switch code {
        case 1: return .desynchronized
        case 2: return .resyncing
        default: return .synchronized
        }
    }
}
