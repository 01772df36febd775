import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The host's token: random, one per data folder, kept in DIR/host-token readable only by its owner.
 * Anything on this machine that can read the data folder may call the host; nothing else can.
 */
export function readToken(dataDir: string): string {
  const file = path.join(dataDir, 'host-token');
  try {
    const t = fs.readFileSync(file, 'utf8').trim();
    if (/^[a-f0-9]{64}$/.test(t)) return t;
  } catch {
    /* first start */
  }
  const t = crypto.randomBytes(32).toString('hex');
  fs.writeFileSync(file, t + '\n', { mode: 0o600 });
  return t;
}
