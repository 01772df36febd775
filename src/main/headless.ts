/**
 * `npm run serve`: the headless host in plain Node — the same core as the desktop app, the built renderer
 * and every channel over HTTP on 127.0.0.1. Also what an always-on office machine runs without a window.
 *
 *   --data-dir DIR   the data folder (default: the per-user data folder; BALANCE_DESK_DATA_DIR)
 *   --port N         0 for any free port (default 47110)
 *   --demo           a separate demo data folder filled with a sample ledger
 *   --test-clock     a controllable clock (clock.get/set/advance); refused for the default data folder
 *   --office         also share the ledger with the office network over TLS (an admin must have a password)
 *   --listen ADDR    the office listener's address (default 0.0.0.0, every interface)
 *   --office-port N  the office listener's port (default 47111; 0 for any free port)
 *   --name NAME      another name desks use for this machine (a DNS name); may be repeated
 *   --cert FILE --key FILE   the office's own certificate and key (PEM) instead of a self-signed one
 *
 * SMTP_URL=smtp://user:pass@host:port sends mail through that server, overriding the settings.
 * STRIPE_SECRET_KEY overrides the stored Stripe key; STRIPE_API_BASE=http://127.0.0.1:12111 points the SDK there.
 */
import { resolveDataDir } from './core/db/paths';
import { DEFAULT_PORT, startHost } from './host/server';
import { DEFAULT_OFFICE_PORT } from './host/office';

export { startHost, type Host, type HostOptions } from './host/server';

export interface ServeArgs {
  dataDir?: string;
  port: number;
  demo: boolean;
  testClock: boolean;
  office?: { listen: string; port: number; names: string[]; certFile?: string; keyFile?: string };
}

const OPTIONS =
  '--data-dir DIR, --port N, --demo, --test-clock, --office, --listen ADDRESS, --office-port N, --name NAME, --cert FILE, --key FILE';

export function parseServeArgs(argv: readonly string[]): ServeArgs {
  const out: ServeArgs = { port: DEFAULT_PORT, demo: false, testClock: false };
  const office = { on: false, listen: '0.0.0.0', port: DEFAULT_OFFICE_PORT, names: [] as string[] } as {
    on: boolean;
    listen: string;
    port: number;
    names: string[];
    certFile?: string;
    keyFile?: string;
  };
  const portOf = (flag: string, v: string) => {
    const p = Number(v);
    if (!Number.isInteger(p) || p < 0 || p > 65535) throw new Error(`${flag} must be a whole number from 0 to 65535`);
    return p;
  };
  const officeOnly = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--data-dir') out.dataDir = value();
    else if (flag === '--port') out.port = portOf(flag, value());
    else if (flag === '--demo') out.demo = true;
    else if (flag === '--test-clock') out.testClock = true;
    else if (flag === '--office') office.on = true;
    else if (flag === '--listen') {
      office.listen = value();
      officeOnly.add(flag);
    } else if (flag === '--office-port') {
      office.port = portOf(flag, value());
      officeOnly.add(flag);
    } else if (flag === '--name') {
      const n = value();
      if (!/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/i.test(n)) throw new Error(`--name ${n} is not a host name`);
      office.names.push(n.toLowerCase());
      officeOnly.add(flag);
    } else if (flag === '--cert' || flag === '--key') {
      office[flag === '--cert' ? 'certFile' : 'keyFile'] = value();
      officeOnly.add(flag);
    } else throw new Error(`unknown option ${a} (options: ${OPTIONS})`);
  }
  if (!office.on && officeOnly.size) throw new Error(`${[...officeOnly].join(', ')} needs --office`);
  if (office.on) {
    const { on: _on, ...rest } = office;
    out.office = rest;
  }
  return out;
}

async function main() {
  let args: ServeArgs;
  try {
    args = parseServeArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`balance-desk serve: ${(e as Error).message}`);
    process.exit(2);
  }
  const dataDir = resolveDataDir({ dataDir: args.dataDir, demo: args.demo });
  try {
    const host = await startHost({
      dataDir,
      port: args.port,
      demo: args.demo,
      testClock: args.testClock,
      log: (l) => console.log(l),
      smtpUrl: process.env.SMTP_URL || undefined,
      stripeKey: process.env.STRIPE_SECRET_KEY || undefined,
      stripeApiBase: process.env.STRIPE_API_BASE || undefined,
      office: args.office,
    });
    console.log(
      `Balance Desk is serving ${dataDir}${args.demo ? ' (demo data)' : ''}${args.testClock ? ' on a test clock' : ''}`,
    );
    console.log(`Open ${host.url}`);
    console.log(`Scripts: POST ${host.url}rpc/<channel> with the token in ${dataDir}/host.json`);
    if (host.office) {
      console.log(`Desks connect to ${host.office.urls.join(' or ') || `port ${host.office.port}`}`);
      console.log(`Certificate fingerprint (SHA-256): ${host.office.fingerprint}`);
      console.log('A desk shows this fingerprint on its first connection: compare the two before trusting it.');
    }
    const stop = () => {
      void host.close().then(() => process.exit(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE')
      console.error(
        `balance-desk serve: a port is in use (${err.message}); choose another with --port N or --office-port N (0 picks a free one)`,
      );
    else console.error(`balance-desk serve: ${err.message}`);
    process.exit(1);
  }
}

// Run only as the program (node out/main/headless.js), not when a test imports startHost.
if (typeof require !== 'undefined' && require.main === module) void main();
