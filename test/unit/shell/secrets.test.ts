/** Secrets in the desktop app (src/main/shell/secrets.ts): a data key sealed by the OS keychain, the key file without one, older secrets. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LEGACY_PREFIX, OS_KEY_FILE, openDesktopSecretBox } from '../../../src/main/shell/secrets';
import { keyfileBox, SecretError } from '../../../src/main/core/settings/secrets';
import { createCore } from '../../../src/main/core';
import { useTempDirs } from '../../support/temp-dirs';
import { root } from './helpers';

describe('secrets in the desktop app', () => {
  const tmpDir = useTempDirs('bd-secrets-');
  /** A stand-in for the OS keychain with only the asynchronous calls (the synchronous ones are deprecated). */
  const fakeKeychain = (
    available = true,
    backend = 'gnome_libsecret',
    o: { reEncrypt?: boolean; refuse?: boolean } = {},
  ) => {
    const calls: string[] = [];
    return {
      calls,
      isAsyncEncryptionAvailable: async () => available,
      getSelectedStorageBackend: () => backend,
      // Reversible, and visibly not the plain text.
      encryptStringAsync: async (s: string) => (
        calls.push('encrypt'),
        Buffer.from([...Buffer.from(s, 'utf8')].map((b) => b ^ 0x5a))
      ),
      decryptStringAsync: async (b: Buffer) => {
        calls.push('decrypt');
        if (o.refuse) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString');
        return { result: Buffer.from([...b].map((x) => x ^ 0x5a)).toString('utf8'), shouldReEncrypt: !!o.reEncrypt };
      },
    };
  };

  it('seals under a key the keychain guards, synchronously, and never leaves the plain text in what is stored', async () => {
    const dir = tmpDir();
    const keychain = fakeKeychain();
    const box = await openDesktopSecretBox(keychain, dir, 'linux');
    expect(box.storage).toBe('os');
    // The keychain sealed one thing: the data key, written to os-secret.key readable by the owner only.
    expect(keychain.calls).toEqual(['encrypt']);
    const keyFile = path.join(dir, OS_KEY_FILE);
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    const sealed = box.seal('hunter2-pass');
    expect(sealed.startsWith('os:v2:')).toBe(true);
    expect(sealed).not.toContain('hunter2');
    expect(box.open(sealed)).toBe('hunter2-pass');
    expect(keychain.calls).toEqual(['encrypt']);
    // The next start opens the same key (one keychain call) and so the same secrets.
    const again = await openDesktopSecretBox(keychain, dir, 'linux');
    expect(again.open(sealed)).toBe('hunter2-pass');
    expect(keychain.calls).toEqual(['encrypt', 'decrypt']);
    // A secret the headless host sealed on the same folder still opens.
    expect(again.open(keyfileBox(dir).seal('from-host'))).toBe('from-host');
    // The key file alone (a copy of the folder, without this keychain) is no key.
    const raw = Buffer.from(fs.readFileSync(keyFile, 'utf8').trim(), 'base64');
    expect(raw.length).toBeGreaterThan(0);
    expect(() => keyfileBox(dir).open(sealed)).toThrow(/system keychain/);
  });

  it('seals the data key again when the keychain rotated its own', async () => {
    const dir = tmpDir();
    const first = await openDesktopSecretBox(fakeKeychain(), dir, 'linux');
    const sealed = first.seal('p');
    const rotating = fakeKeychain(true, 'gnome_libsecret', { reEncrypt: true });
    const box = await openDesktopSecretBox(rotating, dir, 'linux');
    expect(rotating.calls).toEqual(['decrypt', 'encrypt']);
    expect(box.open(sealed)).toBe('p');
    expect(fs.readdirSync(dir).sort()).toEqual([OS_KEY_FILE]);
  });

  it('opens the secrets an older version sealed directly with the keychain, once at start', async () => {
    const dir = tmpDir();
    const keychain = fakeKeychain();
    const old = LEGACY_PREFIX + (await keychain.encryptStringAsync('old-smtp-pass')).toString('base64');
    const box = await openDesktopSecretBox(keychain, dir, 'linux');
    expect(() => box.open(old)).toThrow(SecretError);
    await box.openLegacy([old, 'keyfile:v1:not-mine']);
    expect(box.open(old)).toBe('old-smtp-pass');
    // One that was not opened at start (another keychain's) is asked for again.
    expect(() => box.open(LEGACY_PREFIX + 'AAAA')).toThrow(/enter it again/);
  });

  it('finds the old secrets wherever a setting keeps them', () => {
    const core = createCore({ file: ':memory:' });
    try {
      core.settings.set(
        'smtp',
        { host: 'mail', password: `${LEGACY_PREFIX}abc`, nested: { list: ['x', `${LEGACY_PREFIX}def`] } },
        1,
      );
      core.settings.set('stripe', { key: 'os:v2:new' }, 1);
      expect(core.settings.stringsStartingWith(LEGACY_PREFIX).sort()).toEqual([
        `${LEGACY_PREFIX}abc`,
        `${LEGACY_PREFIX}def`,
      ]);
    } finally {
      core.close();
    }
  });

  it('says what to do when the keychain will not open the key', async () => {
    const dir = tmpDir();
    const sealed = (await openDesktopSecretBox(fakeKeychain(), dir, 'linux')).seal('x');
    const box = await openDesktopSecretBox(fakeKeychain(true, 'gnome_libsecret', { refuse: true }), dir, 'linux');
    expect(() => box.open(sealed)).toThrow(
      /unlock the keychain and start Balance Desk again; if this data folder came from another computer or user, delete os-secret\.key/,
    );
    expect(() => box.seal('y')).toThrow(SecretError);
    // The key file is kept: a keychain that is only locked for now must not cost the secrets.
    expect(fs.existsSync(path.join(dir, OS_KEY_FILE))).toBe(true);
  });

  it('falls back to the key file where the OS has no real keychain', async () => {
    const dir = tmpDir();
    expect((await openDesktopSecretBox(fakeKeychain(false), dir, 'linux')).storage).toBe('keyfile');
    const box = await openDesktopSecretBox(fakeKeychain(true, 'basic_text'), dir, 'linux');
    expect(box.storage).toBe('keyfile');
    expect(box.open(box.seal('x'))).toBe('x');
    expect(() => keyfileBox(tmpDir()).open(box.seal('x'))).toThrow(/cannot be opened/);
    expect(fs.existsSync(path.join(dir, OS_KEY_FILE))).toBe(false);
  });

  it('uses none of the deprecated synchronous safeStorage calls', () => {
    const text = fs.readFileSync(path.join(root, 'src/main/shell/secrets.ts'), 'utf8');
    expect(text).not.toMatch(/\b(encryptString|decryptString|isEncryptionAvailable)\(/);
    expect(fs.readFileSync(path.join(root, 'src/main/index.ts'), 'utf8')).not.toMatch(
      /safeStorage\.(encryptString|decryptString|isEncryptionAvailable)\b/,
    );
  });
});
