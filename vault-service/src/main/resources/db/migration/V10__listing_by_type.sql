-- A citizen's papers of one type, newest first (the portal's filter, search and export by type), read from their own
-- range of this index instead of filtering the citizen's whole list: at ten million documents the filtered page read
-- about a hundred heap pages for its twenty rows (docs/benchmarks.md, section 10). Built in the migration's
-- transaction, so that a crash leaves no half-built index: writes to document wait while it is built, reads do not.
CREATE INDEX document_owner_type_created ON document (owner, type, created_at DESC, id);
