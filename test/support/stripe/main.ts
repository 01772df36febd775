/**
 * Runs the Stripe-compatible test server by hand (sandbox, no real money):
 *
 *   npx tsx test/support/stripe/main.ts --port 12111 [--key sk_test_...] [--quiet]
 *                                       [--state FILE | --data-dir DIR | --demo]
 *
 * Point the app at it with STRIPE_API_BASE=<url> and STRIPE_SECRET_KEY=<key>. Open the URL in a browser
 * to see the payment intents (and settle bank debits); Checkout links open a page that saves a test card.
 *
 * Without a state option the sandbox forgets everything when it stops. `--state FILE` keeps it in FILE;
 * `--data-dir DIR` and `--demo` keep it in stripe-sandbox.json in the data folder the app would use with
 * the same options (`npm run serve -- --demo` passes them), so it lives and dies with that ledger.
 */
import path from 'node:path';
import { resolveDataDir } from '../../../src/main/core/db/paths';
import { SANDBOX_API_KEY, TEST_PAYMENT_METHODS, startStripeServer } from './server';

/** The sandbox's state file in a data folder, beside ledger.sqlite. */
const SANDBOX_STATE_FILE = 'stripe-sandbox.json';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i !== -1) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq?.slice(name.length + 3);
}

async function main() {
  const port = Number(arg('port') ?? 12111);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: not a port: ${arg('port')}`);
  const key = arg('key') ?? SANDBOX_API_KEY;
  if (!key.startsWith('sk_test_')) throw new Error('--key: use a test key (sk_test_...)');
  const quiet = process.argv.includes('--quiet');
  const demo = process.argv.includes('--demo');
  const dataDir = arg('data-dir');
  const stateFile =
    arg('state') ?? (dataDir || demo ? path.join(resolveDataDir({ dataDir, demo }), SANDBOX_STATE_FILE) : undefined);
  const server = await startStripeServer({
    port,
    apiKeys: [key],
    log: quiet ? undefined : (line) => console.log(line),
    stateFile,
  });
  console.log('Stripe-compatible test server: sandbox, no real money.');
  console.log(`  STRIPE_API_BASE=${server.url}`);
  console.log(`  STRIPE_SECRET_KEY=${key}`);
  console.log(`  state and bank-debit settling: ${server.url}/`);
  console.log(
    stateFile
      ? `  remembered in ${path.resolve(stateFile)}`
      : '  forgotten when it stops (--state FILE, --data-dir DIR or --demo keeps it)',
  );
  console.log('  test payment methods:');
  for (const [token, m] of Object.entries(TEST_PAYMENT_METHODS)) console.log(`    ${token.padEnd(46)} ${m.describe}`);
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
