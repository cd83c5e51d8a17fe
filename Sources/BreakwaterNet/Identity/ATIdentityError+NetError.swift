public import ATIdentity

extension ATIdentityError {
    /// A failed identity request in the identity layer's codes (which the identity cache stores): a refused
    /// address, a bad redirect, a timeout, a body too large and an exhausted budget keep their meaning; anything
    /// else is `resolution-failed`. The reason is kept.
    public init(_ error: NetError) {
        switch error.code {
        case .forbiddenAddress: self.init(.forbiddenAddress, error.reason)
        case .badRedirect: self.init(.badRedirect, error.reason)
        case .fetchTimeout, .fetchTooSlow: self.init(.timeout, error.reason)
        case .responseTooLarge: self.init(.responseTooLarge, error.reason)
        case .rateLimited: self.init(.rateLimited, error.reason)
        default: self.init(.resolutionFailed, error.reason)
        }
    }
}
