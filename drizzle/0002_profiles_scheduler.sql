CREATE TABLE `client_thresholds` (
	`client_id` integer NOT NULL,
	`kind` text NOT NULL,
	`threshold` integer,
	`enabled` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`client_id`, `kind`),
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`payload` text DEFAULT '{}' NOT NULL,
	`status` text NOT NULL,
	`ready_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_key` ON `jobs` (`key`);--> statement-breakpoint
CREATE INDEX `jobs_ready` ON `jobs` (`ready_at`) WHERE status IN ('queued', 'running');--> statement-breakpoint
CREATE INDEX `jobs_status` ON `jobs` (`status`,`id`);--> statement-breakpoint
CREATE TABLE `low_balance_profiles` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`reseller_id` integer NOT NULL,
	`name` text NOT NULL,
	`name_key` text NOT NULL,
	`currency` text NOT NULL,
	`sort_order` integer DEFAULT 0 NOT NULL,
	`max_qty` integer NOT NULL,
	`period_ms` integer NOT NULL,
	`is_default` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`reseller_id`) REFERENCES `resellers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `profiles_reseller_name` ON `low_balance_profiles` (`reseller_id`,`name_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `profiles_default` ON `low_balance_profiles` (`reseller_id`,`currency`) WHERE is_default = 1;--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`client_id` integer NOT NULL,
	`profile_id` integer,
	`profile_name` text NOT NULL,
	`rule` text NOT NULL,
	`decided_at` integer NOT NULL,
	`status` text NOT NULL,
	`suppressed` text,
	`reason` text NOT NULL,
	`available` integer NOT NULL,
	`threshold` integer NOT NULL,
	`currency` text NOT NULL,
	`seq` integer NOT NULL,
	`max_qty` integer NOT NULL,
	`recipients` text DEFAULT '[]' NOT NULL,
	`subject` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`error` text,
	`sent_at` integer,
	`resend_of` integer,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`resend_of`) REFERENCES `notifications`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `notifications_client` ON `notifications` (`client_id`,`id`);--> statement-breakpoint
CREATE INDEX `notifications_decided` ON `notifications` (`decided_at`,`id`);--> statement-breakpoint
CREATE INDEX `notifications_status` ON `notifications` (`status`,`id`);--> statement-breakpoint
CREATE TABLE `profile_rules` (
	`profile_id` integer NOT NULL,
	`kind` text NOT NULL,
	`enabled` integer NOT NULL,
	`threshold` integer NOT NULL,
	`notify_primary` integer NOT NULL,
	`emails` text DEFAULT '[]' NOT NULL,
	`inactivity_ms` integer,
	PRIMARY KEY(`profile_id`, `kind`),
	FOREIGN KEY (`profile_id`) REFERENCES `low_balance_profiles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `profile_staff` (
	`profile_id` integer NOT NULL,
	`staff_id` integer NOT NULL,
	PRIMARY KEY(`profile_id`, `staff_id`),
	FOREIGN KEY (`profile_id`) REFERENCES `low_balance_profiles`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`staff_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `rule_states` (
	`id` integer PRIMARY KEY NOT NULL,
	`client_id` integer NOT NULL,
	`kind` text NOT NULL,
	`sent` integer DEFAULT 0 NOT NULL,
	`since` integer NOT NULL,
	`last_sent_at` integer,
	`last_suppressed_at` integer,
	`last_suppressed_reason` text,
	`next_check_at` integer,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `rule_states_next_check` ON `rule_states` (`next_check_at`) WHERE next_check_at IS NOT NULL;--> statement-breakpoint
CREATE TABLE `scheduler_state` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `clients` ADD `profile_id` integer REFERENCES low_balance_profiles(id);--> statement-breakpoint
CREATE INDEX `clients_profile` ON `clients` (`profile_id`,`reseller_id`,`currency`);