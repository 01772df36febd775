/**
 * Secrets in the desktop app are sealed by the operating system's keychain through Electron safeStorage
 * (Keychain on macOS, DPAPI on Windows, the Secret Service or KWallet on Linux). Where the OS offers no
 * keychain — Linux without one, where safeStorage falls back to a key written in Chromium's source
 * ('basic_text') — the core's key-file box is used instead, which at least keeps secrets out of the
 * database file. Pure: safeStorage is passed in, so tests use a fake.
 */
import type { SafeStorage } from 'electron';
import { keyfileBox, SecretError, type SecretBox } from '../core/settings/secrets';

const PREFIX = 'os:v1:';

export function desktopSecretBox(safeStorage: Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> & { getSelectedStorageBackend?: () => string }, dataDir: string, platform: NodeJS.Platform = process.platform): SecretBox {
  const weak = platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text';
  if (!safeStorage.isEncryptionAvailable() || weak) return keyfileBox(dataDir);
  const fallback = keyfileBox(dataDir);
  return {
    storage: 'os',
    seal: (plain) => PREFIX + safeStorage.encryptString(plain).toString('base64'),
    open(sealed) {
      // A secret saved by the headless host on this data folder opens with the key file.
      if (!sealed.startsWith(PREFIX)) return fallback.open(sealed);
      try {
        return safeStorage.decryptString(Buffer.from(sealed.slice(PREFIX.length), 'base64'));
      } catch {
        throw new SecretError('this secret was sealed by another user’s or machine’s keychain: enter it again');
      }
    },
  };
}
