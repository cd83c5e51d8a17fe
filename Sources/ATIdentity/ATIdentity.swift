// The ATIdentity module. See ARCHITECTURE.md.
