CREATE TABLE `usage_days` (
	`client_id` integer PRIMARY KEY NOT NULL,
	`days` text NOT NULL,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `usage_days` (`client_id`, `days`) SELECT `client_id`, `usage_days` FROM `balances` WHERE `usage_days` != '[]';
--> statement-breakpoint
ALTER TABLE `balances` DROP COLUMN `usage_days`;