// The ATCrypto module. See ARCHITECTURE.md.
