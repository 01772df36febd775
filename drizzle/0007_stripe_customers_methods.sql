CREATE TABLE `payment_methods` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`client_id` integer NOT NULL,
	`stripe_id` text NOT NULL,
	`type` text NOT NULL,
	`brand` text NOT NULL,
	`last4` text NOT NULL,
	`exp_month` integer,
	`exp_year` integer,
	`auto_charge` integer NOT NULL,
	`priority` integer NOT NULL,
	`cooldown_until` integer,
	`cooldown_reason` text,
	`removed_at` integer,
	`synced_at` integer NOT NULL,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payment_methods_stripe_id_unique` ON `payment_methods` (`stripe_id`);--> statement-breakpoint
CREATE INDEX `payment_methods_client` ON `payment_methods` (`client_id`,`priority`);--> statement-breakpoint
CREATE TABLE `stripe_customers` (
	`client_id` integer PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`linked_at` integer NOT NULL,
	`linked_by` text NOT NULL,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `stripe_customers_customer_id_unique` ON `stripe_customers` (`customer_id`);