/**
 * `npm run soak [-- --kills N --clients N --no-faults]`: the long soak (test/support/soak.ts) — by
 * default 100 SIGKILLs of the built host with faults at Stripe and SMTP — printing its figures. Exits 1
 * when any discrepancy is not 0.
 */
import { runSoak } from './soak';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i === -1 ? undefined : Number(process.argv[i + 1]);
  if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new Error(`--${name} must be a whole number above 0`);
  return v ?? fallback;
}

async function main() {
  const kills = arg('kills', 100);
  const clients = arg('clients', 24);
  const faults = !process.argv.includes('--no-faults');
  console.log(
    `Soak: ${kills} kills of the built host, ${clients} clients, ${faults ? 'with' : 'without'} faults at Stripe and SMTP…`,
  );
  const r = await runSoak({ kills, clients, faults, log: (l) => console.log(l) });
  console.log(JSON.stringify(r, null, 2));
  const bad = Object.entries(r.discrepancies).filter(([, n]) => n !== 0);
  console.log(
    `kills ${r.kills}, rounds ${r.rounds}, posts ${r.posts}, charges ${r.charges.attempts} (${r.charges.succeeded} paid, ${r.charges.failed} failed), credits ${r.credits}, ` +
      `emails sent ${r.emails.sent} / received ${r.emails.received} (${r.emails.duplicates} delivered twice), discrepancies ${bad.length ? bad.map(([k, n]) => `${k} ${n}`).join(', ') : '0'}, ${r.seconds} s`,
  );
  process.exit(bad.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(2);
});
