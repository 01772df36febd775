/**
 * Secrets (the SMTP password, the Stripe key) are stored only sealed, with AES-256-GCM, so the database
 * alone — a copy, a backup — never holds a secret in plain text. The headless host keeps the key in a key
 * file in the data folder (readable by the owner only); the desktop app keeps it sealed by the operating
 * system's keychain (Electron safeStorage, src/main/shell/secrets.ts), opened once at start. Sealing and
 * opening are synchronous either way, so they run inside the core's synchronous transactions.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface SecretBox {
  /** 'os': the OS keychain; 'keyfile': a key file beside the database. */
  readonly storage: 'os' | 'keyfile';
  /** Seals a secret into text that is safe to store. */
  seal(plain: string): string;
  /** Opens what seal() made; throws SecretError when it cannot (another machine, another key). */
  open(sealed: string): string;
}

export class SecretError extends Error {}

export const KEY_FILE = 'secret.key';
const PREFIX = 'keyfile:v1:';

/**
 * Seals with AES-256-GCM under the key `getKey` gives (called on first use), as `prefix` + iv:tag:data.
 * `foreign` words the refusal of a text without the prefix, sealed some other way.
 */
export function aesBox(o: {
  storage: SecretBox['storage'];
  prefix: string;
  getKey: () => Buffer;
  foreign: string;
  wrongKey: string;
}): SecretBox {
  return {
    storage: o.storage,
    seal(plain) {
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', o.getKey(), iv);
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return o.prefix + [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64')).join(':');
    },
    open(sealed) {
      if (!sealed.startsWith(o.prefix)) throw new SecretError(o.foreign);
      const [iv, tag, data] = sealed
        .slice(o.prefix.length)
        .split(':')
        .map((p) => Buffer.from(p, 'base64'));
      const key = o.getKey();
      try {
        const decipher = crypto.createDecipheriv('aes-256-gcm', key, iv);
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretError(o.wrongKey);
      }
    },
  };
}

/** AES-256-GCM under DIR/secret.key (created on first use, mode 0600); with no folder, a key for this process only. */
export function keyfileBox(dir: string | null): SecretBox {
  let key: Buffer | undefined;
  const getKey = () => {
    if (key) return key;
    if (!dir) return (key = crypto.randomBytes(32));
    const file = path.join(dir, KEY_FILE);
    try {
      key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    } catch {
      fs.mkdirSync(dir, { recursive: true });
      const fresh = crypto.randomBytes(32);
      try {
        // 'wx': two processes starting together must not each write a key of their own.
        fs.writeFileSync(file, fresh.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
        key = fresh;
      } catch {
        key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
      }
    }
    if (key.length !== 32)
      throw new SecretError(`the key file ${file} is damaged: delete it and enter the passwords again`);
    return key;
  };
  return aesBox({
    storage: 'keyfile',
    prefix: PREFIX,
    getKey,
    foreign:
      'this secret was sealed by the desktop app’s system keychain, which this process cannot use: enter it again here',
    wrongKey: 'a stored secret cannot be opened with this data folder’s key: enter it again',
  });
}
