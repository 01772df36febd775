CREATE TABLE `series_hours` (
	`client_id` integer NOT NULL,
	`hour` integer NOT NULL,
	`first_at` integer NOT NULL,
	`last_at` integer NOT NULL,
	`first_balance` integer NOT NULL,
	`low` integer NOT NULL,
	`high` integer NOT NULL,
	`last_balance` integer NOT NULL,
	`top_ups` integer NOT NULL,
	`top_up_amount` integer NOT NULL,
	`first_top_up_at` integer,
	`last_top_up_at` integer,
	`top_up_id` integer,
	PRIMARY KEY(`client_id`, `hour`)
);
--> statement-breakpoint
CREATE TABLE `series_state` (
	`client_id` integer PRIMARY KEY NOT NULL,
	`through_id` integer NOT NULL,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE no action
);
