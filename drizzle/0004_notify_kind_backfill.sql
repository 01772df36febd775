-- Custom (drizzle-kit generate --custom): every log row so far is a low balance rule decision; its kind follows from its rule.
UPDATE `notifications` SET `kind` = CASE `rule` WHEN 'staff' THEN 'low_balance_staff' WHEN 'client' THEN 'low_balance_client' ELSE 'inactivity' END WHERE `kind` IS NULL;
