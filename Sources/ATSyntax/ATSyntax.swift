// The ATSyntax module. See ARCHITECTURE.md.
