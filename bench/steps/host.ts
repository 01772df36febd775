/** 6. The headless host: `POST /rpc/clients.get` over loopback with fetch, one call at a time. */
import { startHost } from '../../src/main/headless';
import { seeded } from '../lib/data';
import { percentile, sampleLatency } from '../lib/measure';

export async function hostRoundTrip(
  dataDir: string,
  opts: { clientIds: readonly number[]; calls: number; warmup: number; seed: number },
) {
  const host = await startHost({ dataDir, port: 0, tickMs: 0 });
  try {
    const rnd = seeded(opts.seed + 5);
    const headers = { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' };
    const samples = await sampleLatency(opts.calls, opts.warmup, async () => {
      const id = opts.clientIds[Math.floor(rnd() * opts.clientIds.length)];
      const res = await fetch(`${host.url}rpc/clients.get`, { method: 'POST', headers, body: JSON.stringify({ id }) });
      const body = (await res.json()) as { ok: boolean };
      if (!body.ok) throw new Error(`clients.get over HTTP failed: ${res.status} ${JSON.stringify(body)}`);
    });
    return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
  } finally {
    await host.close();
  }
}
