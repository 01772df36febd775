CREATE TABLE `charge_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`client_id` integer NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`origin` text NOT NULL,
	`status` text NOT NULL,
	`method_id` integer,
	`reason` text DEFAULT '' NOT NULL,
	`payment_intent` text,
	`entry_id` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`actor` text NOT NULL,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`method_id`) REFERENCES `payment_methods`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`entry_id`) REFERENCES `ledger_entries`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `charge_attempts_open` ON `charge_attempts` (`client_id`) WHERE status IN ('queued', 'charging', 'processing');--> statement-breakpoint
CREATE INDEX `charge_attempts_client` ON `charge_attempts` (`client_id`,`id`);--> statement-breakpoint
CREATE INDEX `charge_attempts_created` ON `charge_attempts` (`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `charge_tries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`attempt_id` integer NOT NULL,
	`method_id` integer NOT NULL,
	`idempotency_key` text NOT NULL,
	`payment_intent` text,
	`status` text NOT NULL,
	`code` text,
	`decline_code` text,
	`message` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`attempt_id`) REFERENCES `charge_attempts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`method_id`) REFERENCES `payment_methods`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `charge_tries_idempotency_key_unique` ON `charge_tries` (`idempotency_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `charge_tries_attempt_method` ON `charge_tries` (`attempt_id`,`method_id`);