CREATE TABLE `client_counts` (
	`reseller_id` integer NOT NULL,
	`status` text NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`reseller_id`, `status`)
);
--> statement-breakpoint
-- Kept by the database itself, so every way a client row is written (the API, the demo, a bench or a script
-- writing SQL) keeps the counts true.
INSERT INTO `client_counts` (`reseller_id`, `status`, `n`) SELECT `reseller_id`, `status`, count(*) FROM `clients` GROUP BY `reseller_id`, `status`;
--> statement-breakpoint
CREATE TRIGGER `client_counts_insert` AFTER INSERT ON `clients`
BEGIN
  INSERT INTO `client_counts` (`reseller_id`, `status`, `n`) VALUES (NEW.`reseller_id`, NEW.`status`, 1)
  ON CONFLICT (`reseller_id`, `status`) DO UPDATE SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `client_counts_delete` AFTER DELETE ON `clients`
BEGIN
  UPDATE `client_counts` SET `n` = `n` - 1 WHERE `reseller_id` = OLD.`reseller_id` AND `status` = OLD.`status`;
END;
--> statement-breakpoint
CREATE TRIGGER `client_counts_update` AFTER UPDATE OF `reseller_id`, `status` ON `clients`
WHEN OLD.`reseller_id` != NEW.`reseller_id` OR OLD.`status` != NEW.`status`
BEGIN
  UPDATE `client_counts` SET `n` = `n` - 1 WHERE `reseller_id` = OLD.`reseller_id` AND `status` = OLD.`status`;
  INSERT INTO `client_counts` (`reseller_id`, `status`, `n`) VALUES (NEW.`reseller_id`, NEW.`status`, 1)
  ON CONFLICT (`reseller_id`, `status`) DO UPDATE SET `n` = `n` + 1;
END;
