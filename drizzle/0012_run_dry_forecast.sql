ALTER TABLE `balances` ADD `usage_days` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `balances` ADD `burn_rate` real DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `balances` ADD `run_dry_at` integer DEFAULT 8640000000000000 NOT NULL;--> statement-breakpoint
CREATE INDEX `balances_run_dry` ON `balances` (`run_dry_at`,`client_id`);