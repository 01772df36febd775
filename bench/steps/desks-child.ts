/**
 * The client desks of the office step (office.ts), in a process of their own so that their HTTP work
 * does not share the server's event loop: each desk signs in over TLS, keeps a change stream open, and
 * reads the clients list and the notification log every `pauseMs` (a screen refreshing as the renderer's
 * live refresh does, at most 4 times a second). Prints "ready" once all are signed in and streaming, then
 * the read latencies as JSON when stdin says "stop".
 *
 *   tsx desks-child.ts BASE_URL EMAIL PASSWORD DESKS PAUSE_MS
 */
import type http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';

const [base, email, password, desksArg, pauseArg] = process.argv.slice(2);
const desks = Number(desksArg);
const pauseMs = Number(pauseArg);
// Keep-alive connections, as a browser keeps them; the certificate is self-signed (a desk pins it).
const agent = new https.Agent({ keepAlive: true, rejectUnauthorized: false, maxSockets: desks * 2 });

function post(path: string, body: unknown, session?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${base}${path}`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'x-balance-desk-desk': 'bench desk',
          ...(session ? { 'x-balance-desk-session': session } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

async function main() {
  const samples: number[] = [];
  let events = 0;
  let stopping = false;
  const sessions: string[] = [];
  for (let i = 0; i < desks; i++) {
    const r = await post('rpc/session.signIn', { email, password });
    if (r.status !== 200) throw new Error(`sign-in failed: ${r.status} ${r.text}`);
    sessions.push((JSON.parse(r.text) as { value: { token: string } }).value.token);
  }
  const streams = await Promise.all(
    sessions.map(
      (s) =>
        new Promise<http.ClientRequest>((resolve, reject) => {
          const req = https.get(`${base}events?session=${s}`, { rejectUnauthorized: false, agent: false }, (res) => {
            if (res.statusCode !== 200) reject(new Error(`/events answered ${res.statusCode}`));
            res.setEncoding('utf8');
            res.on('data', (c: string) => (events += c.split('\n').filter((l) => l.startsWith('data: ')).length));
            resolve(req);
          });
          req.on('error', (e) => (stopping ? undefined : reject(e)));
        }),
    ),
  );
  const loops = sessions.map(async (s) => {
    while (!stopping) {
      for (const [channel, input] of [
        ['clients.list', { limit: 50 }],
        ['notifications.list', { limit: 50 }],
      ] as const) {
        const t = performance.now();
        const r = await post(`rpc/${channel}`, input, s);
        samples.push(performance.now() - t);
        if (r.status !== 200) throw new Error(`${channel} answered ${r.status}: ${r.text.slice(0, 200)}`);
      }
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  });
  process.stdout.write('ready\n');
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (d: string) => {
    if (!d.includes('stop')) return;
    stopping = true;
    void Promise.all(loops).then(() => {
      for (const s of streams) s.destroy();
      agent.destroy();
      process.stdout.write(JSON.stringify({ samples, events }) + '\n');
      process.exit(0);
    });
  });
  // A failed read is a bug in the benchmark: say so and stop.
  void Promise.all(loops).catch((e: unknown) => {
    console.error(`desks: ${(e as Error).message}`);
    process.exit(1);
  });
}

void main().catch((e: unknown) => {
  console.error(`desks: ${(e as Error).message}`);
  process.exit(1);
});
