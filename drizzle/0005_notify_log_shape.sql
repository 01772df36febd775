PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`client_id` integer NOT NULL,
	`profile_id` integer,
	`profile_name` text,
	`rule` text,
	`decided_at` integer NOT NULL,
	`status` text NOT NULL,
	`suppressed` text,
	`reason` text NOT NULL,
	`available` integer,
	`threshold` integer,
	`currency` text NOT NULL,
	`seq` integer,
	`max_qty` integer,
	`recipients` text DEFAULT '[]' NOT NULL,
	`subject` text NOT NULL,
	`data` text DEFAULT '{}' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`error` text,
	`sent_at` integer,
	`via` text,
	`resend_of` integer,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`resend_of`) REFERENCES `notifications`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_notifications`("id", "kind", "client_id", "profile_id", "profile_name", "rule", "decided_at", "status", "suppressed", "reason", "available", "threshold", "currency", "seq", "max_qty", "recipients", "subject", "data", "attempts", "error", "sent_at", "via", "resend_of") SELECT "id", "kind", "client_id", "profile_id", "profile_name", "rule", "decided_at", "status", "suppressed", "reason", "available", "threshold", "currency", "seq", "max_qty", "recipients", "subject", "data", "attempts", "error", "sent_at", "via", "resend_of" FROM `notifications`;--> statement-breakpoint
DROP TABLE `notifications`;--> statement-breakpoint
ALTER TABLE `__new_notifications` RENAME TO `notifications`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `notifications_decided` ON `notifications` (`decided_at`,`id`);--> statement-breakpoint
CREATE INDEX `notifications_client` ON `notifications` (`client_id`,`decided_at`,`id`);--> statement-breakpoint
CREATE INDEX `notifications_status` ON `notifications` (`status`,`decided_at`,`id`);--> statement-breakpoint
CREATE INDEX `notifications_kind` ON `notifications` (`kind`,`decided_at`,`id`);