CREATE TABLE `daily_totals` (
	`day` integer NOT NULL,
	`currency` text NOT NULL,
	`net` integer NOT NULL,
	`top_ups` integer NOT NULL,
	`top_up_count` integer NOT NULL,
	PRIMARY KEY(`day`, `currency`)
);
--> statement-breakpoint
-- What the ledger recorded before this table existed, once (the ledger keeps it from here on).
INSERT INTO `daily_totals` (`day`, `currency`, `net`, `top_ups`, `top_up_count`)
SELECT e.`recorded_at` / 86400000 * 86400000, c.`currency`, sum(e.`amount`), sum(CASE WHEN e.`kind` = 'top_up' THEN e.`amount` ELSE 0 END), sum(e.`kind` = 'top_up')
FROM `ledger_entries` e JOIN `clients` c ON c.`id` = e.`client_id` GROUP BY 1, 2;
