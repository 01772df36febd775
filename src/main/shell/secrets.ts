/**
 * Secrets in the desktop app are sealed under a key that the operating system's keychain guards, through
 * Electron safeStorage (Keychain on macOS, DPAPI on Windows, the Secret Service or KWallet on Linux).
 *
 * Electron 45 deprecates safeStorage's synchronous calls for asynchronous ones, but the core seals and opens
 * inside its synchronous transactions (a setting saved with its audit entry), where nothing can be awaited.
 * So the keychain seals one thing, asynchronously, at start: a random AES-256 key, kept sealed in
 * DATA/os-secret.key (as Chromium keeps its own cookie key). Opened once before the core starts, it seals
 * and opens every secret synchronously with AES-256-GCM (the core's aesBox). A copy of the data folder
 * without the keychain of this user on this machine opens none of them.
 *
 * Where the OS offers no keychain — Linux without one, where safeStorage falls back to a key written in
 * Chromium's source ('basic_text') — the core's key-file box is used instead, which at least keeps secrets
 * out of the database file. Pure: safeStorage is passed in, so tests use a fake.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SafeStorage } from 'electron';
import { aesBox, keyfileBox, SecretError, type SecretBox } from '../core/settings/secrets';

/** The key file the keychain seals, beside the ledger. */
export const OS_KEY_FILE = 'os-secret.key';
const PREFIX = 'os:v2:';
/** Secrets sealed directly by the keychain before os-secret.key existed; opened once at start (openLegacy). */
export const LEGACY_PREFIX = 'os:v1:';

export type Keychain = Pick<SafeStorage, 'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync'> & {
  getSelectedStorageBackend?: () => string;
};

export interface DesktopSecretBox extends SecretBox {
  /**
   * Opens the secrets an older version sealed directly with the keychain (`os:v1:`), which cannot be opened
   * synchronously any more: open() then answers them from memory. Saving one again seals it the new way.
   */
  openLegacy(sealed: readonly string[]): Promise<void>;
}

const keychainError = (why: string) =>
  new SecretError(
    `the system keychain did not open Balance Desk’s key (${why}): unlock the keychain and start Balance Desk again; ` +
      `if this data folder came from another computer or user, delete ${OS_KEY_FILE} in it and enter the passwords again`,
  );

/** Writes through a temporary file, so a crash never leaves half a key. */
function writeKeyFile(file: string, sealed: Buffer, flag: 'wx' | 'w'): void {
  if (flag === 'wx') {
    fs.writeFileSync(file, sealed.toString('base64') + '\n', { mode: 0o600, flag });
    return;
  }
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, sealed.toString('base64') + '\n', { mode: 0o600 });
  fs.renameSync(temp, file);
}

/** The data key: opened from DATA/os-secret.key, or made and sealed there on first use. */
async function dataKey(keychain: Keychain, dir: string): Promise<Buffer | SecretError> {
  const file = path.join(dir, OS_KEY_FILE);
  let sealed: Buffer | null = null;
  try {
    sealed = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (!sealed) {
    const fresh = crypto.randomBytes(32);
    fs.mkdirSync(dir, { recursive: true });
    try {
      // 'wx': two processes starting together must not each write a key of their own.
      writeKeyFile(file, await keychain.encryptStringAsync(fresh.toString('base64')), 'wx');
      return fresh;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      sealed = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    }
  }
  let opened: { result: string; shouldReEncrypt: boolean };
  try {
    opened = await keychain.decryptStringAsync(sealed);
  } catch (e) {
    return keychainError(e instanceof Error ? e.message : String(e));
  }
  const key = Buffer.from(opened.result, 'base64');
  if (key.length !== 32) return keychainError(`${OS_KEY_FILE} does not hold a key`);
  // The keychain rotated its own key: seal ours again under the new one, or a later rotation could lose it.
  if (opened.shouldReEncrypt) writeKeyFile(file, await keychain.encryptStringAsync(opened.result), 'w');
  return key;
}

/** The desktop app's SecretBox, ready for the core's synchronous calls once it resolves (after app 'ready'). */
export async function openDesktopSecretBox(
  keychain: Keychain,
  dataDir: string,
  platform: NodeJS.Platform = process.platform,
): Promise<DesktopSecretBox> {
  const fallback = keyfileBox(dataDir);
  const weak = platform === 'linux' && keychain.getSelectedStorageBackend?.() === 'basic_text';
  if (weak || !(await keychain.isAsyncEncryptionAvailable())) return { ...fallback, openLegacy: async () => {} };

  const key = await dataKey(keychain, dataDir);
  const box = aesBox({
    storage: 'os',
    prefix: PREFIX,
    getKey: () => {
      if (key instanceof SecretError) throw key;
      return key;
    },
    foreign: 'this secret was not sealed by this desk’s keychain key: enter it again',
    wrongKey: 'this secret was sealed under another keychain key (another user’s or machine’s): enter it again',
  });
  const legacy = new Map<string, string>();
  return {
    storage: 'os',
    seal: (plain) => box.seal(plain),
    open(sealed) {
      if (sealed.startsWith(PREFIX)) return box.open(sealed);
      if (sealed.startsWith(LEGACY_PREFIX)) {
        const plain = legacy.get(sealed);
        if (plain === undefined)
          throw new SecretError('this secret was sealed by another user’s or machine’s keychain: enter it again');
        return plain;
      }
      // A secret saved by the headless host on this data folder opens with the key file.
      return fallback.open(sealed);
    },
    async openLegacy(sealed) {
      for (const s of sealed) {
        if (!s.startsWith(LEGACY_PREFIX) || legacy.has(s)) continue;
        try {
          legacy.set(
            s,
            (await keychain.decryptStringAsync(Buffer.from(s.slice(LEGACY_PREFIX.length), 'base64'))).result,
          );
        } catch {
          // Left out: open() then asks for it to be entered again, as for any secret this keychain cannot open.
        }
      }
    },
  };
}
