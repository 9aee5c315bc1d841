"""The public edition: a static, phone-first site baked from the store at every snapshot."""
