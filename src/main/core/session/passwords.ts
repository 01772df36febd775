/**
 * Staff passwords: scrypt (Node's crypto, memory-hard), stored as `scrypt$N$r$p$salt$hash` with the salt
 * and hash in base64, so the cost can be raised later and old hashes still verify. Nothing else about a
 * password is stored, logged or audited.
 */
import crypto from 'node:crypto';

/** log2 of scrypt's N: 2^17 × 8 × 128 bytes = 128 MB and 0.6–1 s on this VM, OWASP's minimum for scrypt. */
export const SCRYPT_LOG_N = 17;
const R = 8;
const P = 1;
const KEY_LEN = 32;
const maxmem = (n: number, r: number) => 128 * n * r * 2;

/** A new password's hash, made off the event loop (libuv's pool): about a second of CPU at the default cost. */
export async function hashPassword(password: string, logN = SCRYPT_LOG_N): Promise<string> {
  const N = 2 ** logN;
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(password, salt, KEY_LEN, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

const scrypt = (password: string, salt: Buffer, len: number, n: number, r: number, p: number) =>
  new Promise<Buffer>((resolve, reject) =>
    crypto.scrypt(password.normalize('NFC'), salt, len, { N: n, r, p, maxmem: maxmem(n, r) }, (e, key) =>
      e ? reject(e) : resolve(key),
    ),
  );

interface Params {
  n: number;
  r: number;
  p: number;
  salt: Buffer;
  expected: Buffer;
}

/**
 * The parameters of a stored hash. An unknown account (null) still costs a hash at the current cost, so
 * the answer's time does not tell which emails sign in.
 */
function parse(stored: string | null, logN: number): Params {
  const parts = (stored ?? '').split('$');
  if (parts.length === 6 && parts[0] === 'scrypt') {
    return {
      n: Number(parts[1]),
      r: Number(parts[2]),
      p: Number(parts[3]),
      salt: Buffer.from(parts[4], 'base64'),
      expected: Buffer.from(parts[5], 'base64'),
    };
  }
  return { n: 2 ** logN, r: R, p: P, salt: Buffer.alloc(16), expected: Buffer.alloc(0) };
}

const matches = (x: Params, got: Buffer) => x.expected.length === got.length && crypto.timingSafeEqual(x.expected, got);

/** True when `password` is the one `stored` was made from; off the event loop, like hashPassword. */
export async function verifyPassword(password: string, stored: string | null, logN = SCRYPT_LOG_N): Promise<boolean> {
  const x = parse(stored, logN);
  return matches(x, await scrypt(password, x.salt, x.expected.length || KEY_LEN, x.n, x.r, x.p));
}
