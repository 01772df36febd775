-- Custom migration (drizzle-kit generate --custom): ledger entries are append-only. A mistake is
-- corrected by a reversal entry, never by editing or deleting history.
CREATE TRIGGER `ledger_entries_no_update` BEFORE UPDATE ON `ledger_entries`
BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only: post a reversal instead'); END;
--> statement-breakpoint
CREATE TRIGGER `ledger_entries_no_delete` BEFORE DELETE ON `ledger_entries`
BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only: post a reversal instead'); END;
