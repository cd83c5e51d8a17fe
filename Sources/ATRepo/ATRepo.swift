// The ATRepo module. See ARCHITECTURE.md.
