/** The low_balance_profiles table, as other domains need it. */
import { invalid } from '../../../shared/result';
import type { Ctx } from '../api/registry';

/** A client may use a profile of its own reseller in its own currency. */
export function assertProfileFits(ctx: Ctx, profileId: number, resellerId: number, currency: string, field: string) {
  const p = ctx.db.$client.prepare('SELECT name, reseller_id, currency FROM low_balance_profiles WHERE id = ?').get(profileId) as
    | { name: string; reseller_id: number; currency: string }
    | undefined;
  if (!p) throw invalid('profileId', `profileId ${profileId} is not a low balance profile`);
  if (p.reseller_id !== resellerId) throw invalid('profileId', `profileId ${profileId} ("${p.name}") belongs to another reseller`);
  if (p.currency !== currency) {
    throw invalid(field, `${field}: the profile "${p.name}" is in ${p.currency} and the client in ${currency}; a profile's currency must match its clients'`);
  }
}

