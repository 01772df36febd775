/**
 * The clients table (with its balance row): a client as the contracts show it, one by id, the reference
 * rule, and the reads of a client that other folders make (who is told of a charge or an email, the
 * client with its balance and reseller). A read that joins the client's balance and reseller lives here,
 * with the client it is about: the table it starts from is this folder's.
 */
import type Database from 'better-sqlite3';
import type { Client } from '../../../shared/contracts';
import { conflict, invalid, notFound } from '../../../shared/result';
import { iso, isoOrNull } from '../clock/clock';
import type { Db } from '../db/open';
import type { balances, clients, resellers } from '../db/schema';
import { preparedOnce } from '../db/statements';
import { RUN_DRY_NEVER } from '../../../shared/forecast';

type ClientCols = typeof clients.$inferSelect;
type BalanceCols = typeof balances.$inferSelect;
type ResellerCols = typeof resellers.$inferSelect;

/** A client as CLIENT_SQL reads it: its row, its balance, its reseller's name and whether it is below a rule (0 or 1, as SQLite answers EXISTS). */
export type ClientRow = Pick<
  ClientCols,
  | 'id'
  | 'resellerId'
  | 'externalRef'
  | 'name'
  | 'billingEmail'
  | 'currency'
  | 'status'
  | 'createdAt'
  | 'profileId'
  | 'nameKey'
  | 'refKey'
  | 'version'
> &
  Pick<BalanceCols, 'balance' | 'held' | 'available' | 'lastDebitAt' | 'entryCount' | 'burnRate' | 'runDryAt'> & {
    resellerName: ResellerCols['name'];
    below: 0 | 1;
  };
export const CLIENT_SQL = `SELECT c.id AS id, c.reseller_id AS resellerId, r.name AS resellerName, c.external_ref AS externalRef, c.name AS name, c.billing_email AS billingEmail,
  c.currency AS currency, c.status AS status, c.created_at AS createdAt, c.profile_id AS profileId, c.name_key AS nameKey, c.ref_key AS refKey, c.version AS version, b.balance AS balance,
  b.held AS held, b.available AS available, b.last_debit_at AS lastDebitAt, b.entry_count AS entryCount, b.burn_rate AS burnRate, b.run_dry_at AS runDryAt,
  EXISTS (SELECT 1 FROM rule_states s WHERE s.id BETWEEN c.id * 4 AND c.id * 4 + 3) AS below
  FROM clients c JOIN balances b ON b.client_id = c.id JOIN resellers r ON r.id = c.reseller_id`;
export const toClient = (r: ClientRow): Client => ({
  id: r.id,
  resellerId: r.resellerId,
  resellerName: r.resellerName,
  externalRef: r.externalRef,
  name: r.name,
  billingEmail: r.billingEmail,
  currency: r.currency,
  status: r.status,
  createdAt: iso(r.createdAt),
  balance: r.balance,
  held: r.held,
  available: r.available,
  lastDebitAt: isoOrNull(r.lastDebitAt),
  entryCount: r.entryCount,
  profileId: r.profileId,
  belowThreshold: r.below === 1,
  burnPerDay: Math.round(r.burnRate * 24),
  runDryAt: r.runDryAt >= RUN_DRY_NEVER ? null : iso(r.runDryAt),
  version: r.version,
});
export function getClient(ctx: { db: Db }, id: number, field = 'id'): Client {
  const r = preparedOnce(ctx.db.$client, `${CLIENT_SQL} WHERE c.id = ?`).get(id) as ClientRow | undefined;
  if (!r)
    throw field === 'id' ? notFound(`client ${id} does not exist`) : invalid(field, `${field} ${id} is not a client`);
  return toClient(r);
}
export function assertRefFree(ctx: { db: Db }, resellerId: number, ref: string, exceptId = 0) {
  const clash = ctx.db.$client
    .prepare('SELECT id FROM clients WHERE reseller_id = ? AND external_ref = ? AND id != ?')
    .get(resellerId, ref, exceptId);
  if (clash) throw conflict(`reference ${ref} is already used by another client of this reseller`, 'externalRef');
}

/** The client a channel's `clientId` names, or the validation error that it names none. */
function named<T>(row: T | undefined, clientId: number): T {
  if (!row) throw invalid('clientId', `clientId ${clientId} is not a client`);
  return row;
}

/** What a channel about a client's payment methods shows of the client. */
export type ClientBasics = Pick<ClientCols, 'id' | 'name' | 'externalRef' | 'billingEmail' | 'currency'>;
const BASICS = `SELECT id, name, external_ref AS externalRef, billing_email AS billingEmail, currency FROM clients WHERE id = ?`;
/** The client by id; a validation error (field clientId) when there is none. */
export const requireClient = (sqlite: Database.Database, clientId: number): ClientBasics =>
  named(preparedOnce(sqlite, BASICS).get(clientId) as ClientBasics | undefined, clientId);

/** The client with its available balance and reseller, as the recharge settings, their save and the dry run read it. */
export type ClientWithBalance = Pick<
  ClientCols,
  'id' | 'name' | 'externalRef' | 'billingEmail' | 'currency' | 'createdAt'
> &
  Pick<BalanceCols, 'available'> & { resellerName: ResellerCols['name']; resellerEmail: ResellerCols['email'] };
const WITH_BALANCE = `SELECT c.id, c.name, c.external_ref AS externalRef, c.billing_email AS billingEmail, c.currency, c.created_at AS createdAt, b.available, r.name AS resellerName, r.email AS resellerEmail
  FROM clients c JOIN balances b ON b.client_id = c.id JOIN resellers r ON r.id = c.reseller_id WHERE c.id = ?`;
/** The client with its available balance and reseller; a validation error (field clientId) when there is none. */
export const clientWithBalance = (sqlite: Database.Database, clientId: number): ClientWithBalance =>
  named(preparedOnce(sqlite, WITH_BALANCE).get(clientId) as ClientWithBalance | undefined, clientId);

/** Who a charge, a decision or an email is about and goes to: the client and its reseller. */
export type Party = Pick<ClientCols, 'name' | 'externalRef' | 'billingEmail' | 'currency'> & {
  resellerName: ResellerCols['name'];
  resellerEmail: ResellerCols['email'];
};
/**
 * The party of a client, with the statement prepared once for the caller to keep (the notification log,
 * the notifier, the charge flow); undefined when there is no such client.
 */
export function partyReader(sqlite: Database.Database): (clientId: number) => Party | undefined {
  const statement = sqlite.prepare(
    `SELECT c.name, c.external_ref AS externalRef, c.billing_email AS billingEmail, c.currency, r.name AS resellerName, r.email AS resellerEmail
     FROM clients c JOIN resellers r ON r.id = c.reseller_id WHERE c.id = ?`,
  );
  return (clientId) => statement.get(clientId) as Party | undefined;
}

/** The clients of a deleted profile follow their reseller's default again (a change of each: its version moves); answers how many. */
export const detachProfile = (db: Db, profileId: number): number =>
  db.$client.prepare('UPDATE clients SET profile_id = NULL, version = version + 1 WHERE profile_id = ?').run(profileId)
    .changes;

/** The client's details as a conflict names them: a form saved over a newer version of them is refused. */
export const clientEdited = (clientId: number) => ({
  what: 'this client',
  subjectType: 'client',
  subjectId: clientId,
  actions: ['client.create', 'client.update'],
});

/** Inside the caller's transaction: the client's own thresholds changed (thresholds/ owns them; the version is the client's row's). */
export const bumpThresholdsVersion = (db: Db, clientId: number): void => {
  preparedOnce(db.$client, 'UPDATE clients SET thresholds_version = thresholds_version + 1 WHERE id = ?').run(clientId);
};
