"""Who may see or do what: credentials (passwords, tokens, sessions) and the one policy."""
