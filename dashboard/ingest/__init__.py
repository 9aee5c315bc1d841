"""Ingest: outside payloads (source files, feed documents, live blogs) → model rows. Pure."""
