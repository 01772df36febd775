/**
 * The demo ledger: sample resellers, staff, a few thousand clients and four weeks of usage and top-ups,
 * so a newcomer sees a living ledger at once. Deterministic (a seeded generator), written in one
 * transaction, and only into an empty database.
 */
import type { Core } from '../types';
import { clientInserter } from '../clients/insert';
import { DAY_MS as DAY } from '../../../shared/forecast';

/** mulberry32: a small seeded generator, so every demo ledger is the same. */
export function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = [
  'Blue',
  'North',
  'Swift',
  'Bright',
  'Silver',
  'Green',
  'Red',
  'Summit',
  'Harbor',
  'Pioneer',
  'Atlas',
  'Nova',
  'Cedar',
  'Orbit',
  'Delta',
  'Prime',
  'Echo',
  'Lumen',
  'Vertex',
  'Maple',
];
const SECOND = [
  'Fox',
  'Star',
  'Line',
  'Wave',
  'Bridge',
  'Point',
  'Path',
  'Field',
  'Stone',
  'River',
  'Peak',
  'Gate',
  'Works',
  'Link',
  'Voice',
  'Leads',
  'Signal',
  'Cloud',
  'Desk',
  'Hub',
];
const SUFFIX = ['Ltd', 'LLC', 'Inc', 'GmbH', 'Co', 'Group', 'Partners', 'Media', 'Telecom', 'Labs'];
/** What the demo's usage entries say. */
export const USAGE = ['Outbound calls', 'Inbound minutes', 'Lead delivery', 'API requests', 'SMS'] as const;

/** A company name for a demo client, from the generator. */
export function demoName(rnd: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  return `${pick(FIRST)} ${pick(SECOND)} ${pick(SUFFIX)}`;
}

export interface DemoSize {
  clients: number;
  days: number;
}

export function isEmpty(core: Core): boolean {
  return (core.db.$client.prepare('SELECT count(*) AS n FROM resellers').get() as { n: number }).n === 0;
}

export function seedDemo(
  core: Core,
  size: DemoSize = { clients: 3000, days: 28 },
): { clients: number; entries: number } {
  const sqlite = core.db.$client;
  const now = core.clock.now();
  const rnd = random(20261121);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  let entries = 0;

  sqlite.transaction(() => {
    const addReseller = sqlite.prepare(
      'INSERT INTO resellers (name, email, parent_id, created_at) VALUES (?, ?, ?, ?)',
    );
    const start = now - size.days * DAY;
    // The resellers and their staff were there before the first of their clients joined (up to 90 days back).
    const founded = start - 91 * DAY;
    const voip = Number(
      addReseller.run('Northwind Voice', 'billing@northwind-voice.example', null, founded).lastInsertRowid,
    );
    const leads = Number(
      addReseller.run('Lakeside Leads', 'accounts@lakeside-leads.example', null, founded).lastInsertRowid,
    );
    const sub = Number(
      addReseller.run('Northwind Voice — EU desk', 'eu@northwind-voice.example', voip, founded).lastInsertRowid,
    );
    const api = Number(
      addReseller.run('Quanta API Credits', 'finance@quanta-api.example', null, founded).lastInsertRowid,
    );
    const addStaff = sqlite.prepare(
      'INSERT INTO staff_users (reseller_id, name, email, role, active, created_at) VALUES (?, ?, ?, ?, 1, ?)',
    );
    addStaff.run(voip, 'Maria Lopez', 'maria@northwind-voice.example', 'admin', founded);
    addStaff.run(voip, 'Sam Okafor', 'sam@northwind-voice.example', 'operator', founded);
    addStaff.run(leads, 'Priya Natarajan', 'priya@lakeside-leads.example', 'admin', founded);
    addStaff.run(sub, 'Jonas Weber', 'jonas@northwind-voice.example', 'operator', founded);
    addStaff.run(api, 'Alex Chen', 'alex@quanta-api.example', 'viewer', founded);

    const owners = [
      { id: voip, currency: 'USD', prefix: 'NWV', daily: [200, 3000] },
      { id: sub, currency: 'EUR', prefix: 'NWE', daily: [150, 2500] },
      { id: leads, currency: 'USD', prefix: 'LL', daily: [1000, 15000] },
      { id: api, currency: 'POINTS', prefix: 'QA', daily: [50, 900] },
    ];
    const addClient = clientInserter(sqlite);
    for (let i = 0; i < size.clients; i++) {
      const owner = owners[i % 7 < 3 ? 0 : i % 7 < 4 ? 1 : i % 7 < 6 ? 2 : 3];
      const name = demoName(rnd);
      const ref = `${owner.prefix}-${String(10000 + i)}`;
      const status = rnd() < 0.03 ? 'suspended' : 'active';
      // Every client joined before the history's first day, so the dashboard's 30 days open on the ledger's
      // level rather than at zero with every opening balance landing on one day.
      const created = start - (1 + Math.floor(rnd() * 90)) * DAY;
      const id = addClient(
        {
          resellerId: owner.id,
          externalRef: ref,
          name,
          billingEmail: `billing+${ref.toLowerCase()}@example.com`,
          currency: owner.currency,
          status,
        },
        created,
      );

      // A typical daily spend for this client, in minor units.
      const daily = Math.round(owner.daily[0] + rnd() * (owner.daily[1] - owner.daily[0]));
      const topUp = Math.max(daily * (3 + Math.floor(rnd() * 10)), 1000);
      // The balance the history opens on, paid when the client joined: anywhere in the client's cycle of
      // top-ups (from the two days of spend where it tops up again to a top-up above that), so the ledger
      // starts as it goes on rather than with every client full and draining for the first weeks.
      let balance = daily * 2 + Math.floor(rnd() * topUp);
      core.ledger.post(
        {
          clientId: id,
          kind: 'top_up',
          amount: balance,
          description: 'Opening balance',
          actor: 'demo',
          at: created,
          externalId: `open-${id}`,
        },
        created,
      );
      entries++;
      const quiet = rnd() < 0.05; // some clients stopped using the service
      for (let d = 0; d < size.days; d++) {
        if (quiet && d > size.days / 2) break;
        const calls = 1 + Math.floor(rnd() * 4);
        // Most clients top up when they run low, once a day, a minute after the call that took them there
        // (through the day, not all at its end); a few let it slide into the red.
        let decided = false;
        for (let k = 0; k < calls; k++) {
          const t = start + d * DAY + Math.floor(((k + rnd()) / calls) * DAY);
          if (t > now) break;
          const cost = Math.max(1, Math.round((daily / calls) * (0.4 + rnd() * 1.2)));
          core.ledger.post(
            {
              clientId: id,
              kind: 'usage',
              amount: -cost,
              description: pick(USAGE),
              actor: 'demo',
              at: t,
              externalId: `u-${id}-${d}-${k}`,
            },
            t,
          );
          balance -= cost;
          entries++;
          if (decided || balance >= daily * 2) continue;
          decided = true;
          // Never after now: the history ends where the demo opens.
          if (rnd() < 0.85 && t + 60_000 <= now) {
            core.ledger.post(
              {
                clientId: id,
                kind: 'top_up',
                amount: topUp,
                description: 'Card payment',
                actor: 'demo',
                at: t + 60_000,
                externalId: `t-${id}-${d}`,
              },
              t + 60_000,
            );
            balance += topUp;
            entries++;
          }
        }
      }
    }
  })();
  seedDemoProfiles(core);
  // Fold the large write into the database file now rather than leaving a big WAL behind.
  if (core.db.$client.pragma('journal_mode', { simple: true }) === 'wal')
    core.db.$client.pragma('wal_checkpoint(TRUNCATE)');
  return { clients: size.clients, entries };
}

/**
 * One default profile per reseller and currency, added after the ledger so that the first sweep decides
 * at today's time (a ledger seeded with profiles would decide, and queue mail, at historic times).
 */
function seedDemoProfiles(core: Core): void {
  const resellers = core.db.$client
    .prepare(
      `SELECT DISTINCT c.reseller_id AS id, c.currency, r.name FROM clients c JOIN resellers r ON r.id = c.reseller_id ORDER BY c.reseller_id, c.currency`,
    )
    .all() as { id: number; currency: string; name: string }[];
  const staffOf = core.db.$client.prepare('SELECT id FROM staff_users WHERE reseller_id = ? ORDER BY id').pluck();
  // Thresholds in whole units of each currency (points have no decimals).
  const scale = (currency: string, units: number) => (currency === 'POINTS' ? units * 10 : units * 100);
  let order = 10;
  for (const r of resellers) {
    const staffIds = staffOf.all(r.id) as number[];
    const input = {
      resellerId: r.id,
      name: r.currency === 'POINTS' ? 'Credits watch' : 'Standard',
      currency: r.currency,
      sortOrder: order,
      maxQty: 3,
      periodHours: 24,
      staffRule: {
        enabled: true,
        threshold: scale(r.currency, 50),
        notifyReseller: true,
        staffIds: staffIds.slice(0, 1),
        emails: [],
      },
      clientRule: { enabled: true, threshold: scale(r.currency, 20), notifyClient: true, emails: [] },
      inactivityRule: {
        enabled: true,
        threshold: scale(r.currency, 10),
        notifyClient: true,
        inactivityHours: 7 * 24,
        emails: [],
      },
    };
    order += 10;
    // A mutating call runs its transaction synchronously, before call() first awaits: the profiles exist
    // when seedDemo returns.
    void core.call('profiles.create', input, { actor: 'demo' }).then((res) => {
      if (!res.ok) throw new Error(`demo profile for ${r.name}: ${res.error.message}`);
    });
  }
}
