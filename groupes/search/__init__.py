"""Full-text search over what people wrote: SQLite FTS5 on the embedded default,
PostgreSQL's text search with a French, accent-blind configuration in production."""
