/** The low_balance_profiles table (and profile_staff), as other domains need it. */
import type Database from 'better-sqlite3';
import { invalid } from '../../../shared/result';
import type { Db } from '../db/open';
import { ruleStateRange, type lowBalanceProfiles, type ruleStates } from '../db/schema';

/** A client may use a profile of its own reseller in its own currency. */
export function assertProfileFits(
  ctx: { db: Db },
  profileId: number,
  resellerId: number,
  currency: string,
  field: string,
) {
  const p = ctx.db.$client
    .prepare('SELECT name, reseller_id AS resellerId, currency FROM low_balance_profiles WHERE id = ?')
    .get(profileId) as Pick<typeof lowBalanceProfiles.$inferSelect, 'name' | 'resellerId' | 'currency'> | undefined;
  if (!p) throw invalid('profileId', `profileId ${profileId} is not a low balance profile`);
  if (p.resellerId !== resellerId)
    throw invalid('profileId', `profileId ${profileId} ("${p.name}") belongs to another reseller`);
  if (p.currency !== currency) {
    throw invalid(
      field,
      `${field}: the profile "${p.name}" is in ${p.currency} and the client in ${currency}; a profile's currency must match its clients'`,
    );
  }
}

/**
 * The emails of the active staff users a profile's staff rule notifies, by name, with the statement prepared
 * once for the notification log to keep (a join from profile_staff, this folder's, to staff_users).
 */
export function staffEmailsReader(sqlite: Database.Database): (profileId: number) => string[] {
  const statement = sqlite
    .prepare(
      `SELECT s.email FROM profile_staff ps JOIN staff_users s ON s.id = ps.staff_id WHERE ps.profile_id = ? AND s.active = 1 ORDER BY s.name`,
    )
    .pluck();
  return (profileId) => statement.all(profileId) as string[];
}

/** What a client's thresholds view shows of its rule states (how many sent, when, the next check), as the schema has it. */
export type RuleStateView = Pick<typeof ruleStates.$inferSelect, 'kind' | 'sent' | 'lastSentAt' | 'nextCheckAt'>;

/** A client's rule states, one per rule kind that has one. */
export const ruleStatesOf = (sqlite: Database.Database, clientId: number): RuleStateView[] =>
  sqlite
    .prepare(
      'SELECT kind, sent, last_sent_at AS lastSentAt, next_check_at AS nextCheckAt FROM rule_states WHERE id BETWEEN ? AND ?',
    )
    .all(...ruleStateRange(clientId, clientId)) as RuleStateView[];
