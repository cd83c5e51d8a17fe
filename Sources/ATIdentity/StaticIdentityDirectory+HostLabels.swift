extension StaticIdentityDirectory {
    /// The PDS host labels of an identities file, worked out once per PDS URL as written (nil: not a usable endpoint),
    /// so that each URL is parsed once and the DIDs of one PDS share one string.
    struct HostLabels {
        private var labels: [String: String?] = [:]

        /// The host label of the PDS URL `pds` (``ServiceEndpoint/hostLabel``), nil when it is not an endpoint.
        mutating func label(for pds: String) -> String? {
            if let known = labels[pds] { return known }
            let label = ServiceEndpoint(pds)?.hostLabel
            labels[pds] = .some(label)
            return label
        }
    }
}
