CREATE TABLE `recharge_settings` (
	`client_id` integer PRIMARY KEY NOT NULL,
	`mode` text NOT NULL,
	`enabled` integer NOT NULL,
	`alert_threshold` integer,
	`trigger_threshold` integer NOT NULL,
	`recharge_amount` integer NOT NULL,
	`daily_cap` integer,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE no action
);
