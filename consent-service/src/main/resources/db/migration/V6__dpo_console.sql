-- The DPO console (docs/adr/0020-dpo-console-pseudonymisation-retention.md): searches of the journal by period,
-- purpose and kind, newest first, stay an index walk over a million entries (docs/benchmarks.md); the recipient's
-- index exists since V3.

CREATE INDEX journal_entry_recorded_at ON journal_entry (recorded_at DESC, seq DESC);
CREATE INDEX journal_entry_purpose ON journal_entry (purpose, seq DESC) WHERE purpose IS NOT NULL;
CREATE INDEX journal_entry_kind_seq ON journal_entry (kind, seq DESC);
