ALTER TABLE `payment_methods` ADD `ready_at` integer;--> statement-breakpoint
CREATE INDEX `payment_methods_cooldown` ON `payment_methods` (`cooldown_until`) WHERE cooldown_until IS NOT NULL;--> statement-breakpoint
CREATE INDEX `recharge_settings_auto` ON `recharge_settings` (`client_id`) WHERE mode = 'auto' AND enabled = 1;