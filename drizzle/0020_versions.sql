ALTER TABLE `clients` ADD `version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `clients` ADD `thresholds_version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `low_balance_profiles` ADD `version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `recharge_settings` ADD `version` integer DEFAULT 1 NOT NULL;