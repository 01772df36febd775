/**
 * The office listener: the same requests as the loopback host, over TLS on an office network address,
 * where every caller signs in (requests.ts treats each request as remote). Used by the headless host
 * (`--office`) and by the desktop app's main process (Settings → Office → Share this ledger).
 *
 * The certificate is the office's own PEM files when given; otherwise one made on first start with
 * `selfsigned` and kept in DATA/office/, so its fingerprint stays the same and desks that pinned it
 * (trust on first use) keep trusting it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import type { OfficeStatus } from '../../shared/contracts';
import type { Core } from '../core';
import { VERSION } from '../core';
import { hostPart, hostRequests, ListenerNames } from './requests';

export const DEFAULT_OFFICE_PORT = 47111;

export interface OfficeOptions {
  core: Core;
  dataDir: string;
  /** The address to listen on (default 0.0.0.0: every interface). */
  listen?: string;
  /** 0 picks a free one (default DEFAULT_OFFICE_PORT). */
  port?: number;
  /** More names desks may use for this machine (a DNS name of the office), beyond its addresses and hostname. */
  names?: readonly string[];
  /** The office's own certificate and key (PEM files), instead of the one made here. */
  certFile?: string;
  keyFile?: string;
  /** The host token: requests on this listener never accept it, but the handler needs one. */
  token: string;
  rendererDir: string;
  maxBody?: number;
  log?: (line: string) => void;
}

export interface OfficeServer {
  /** https://address:port/ for each address desks may use. */
  urls: string[];
  port: number;
  /** The certificate's SHA-256 fingerprint, AB:CD:… */
  fingerprint: string;
  certificate: 'self-signed' | 'provided';
  close(): Promise<void>;
}

const WILDCARD = new Set(['0.0.0.0', '::', '']);

/** The addresses and names this machine answers to on the office network, for `listen`. */
export function officeNames(listen: string, extra: readonly string[] = []): { addresses: string[]; names: string[] } {
  const addresses = WILDCARD.has(listen)
    ? Object.values(os.networkInterfaces())
        .flat()
        .filter((i): i is os.NetworkInterfaceInfo => !!i && !i.internal && (listen === '::' || i.family === 'IPv4'))
        .map((i) => i.address)
    : [listen];
  const host = os.hostname();
  const names = WILDCARD.has(listen) ? [host, `${host}.local`, 'localhost', '127.0.0.1', ...extra] : [...extra];
  return { addresses, names: [...new Set(names.filter(Boolean))] };
}

/** "AB:CD:…", the SHA-256 of a certificate in PEM. */
export const fingerprintOf = (certPem: string) => new crypto.X509Certificate(certPem).fingerprint256;

/** The certificate and key: the office's files, or the one made here on first start (kept in DATA/office). */
export async function officeCertificate(
  o: Pick<OfficeOptions, 'dataDir' | 'certFile' | 'keyFile'>,
  sans: readonly string[],
): Promise<{ cert: string; key: string; certificate: 'self-signed' | 'provided' }> {
  if (o.certFile || o.keyFile) {
    if (!o.certFile || !o.keyFile) throw new Error('give both --cert FILE and --key FILE (PEM), or neither');
    const read = (f: string, what: string) => {
      try {
        return fs.readFileSync(f, 'utf8');
      } catch (e) {
        throw new Error(`cannot read the ${what} ${f}: ${(e as Error).message}`, { cause: e });
      }
    };
    const cert = read(o.certFile, 'certificate');
    const key = read(o.keyFile, 'key');
    try {
      fingerprintOf(cert);
      crypto.createPrivateKey(key);
    } catch (e) {
      throw new Error(`the certificate or key is not valid PEM: ${(e as Error).message}`, { cause: e });
    }
    return { cert, key, certificate: 'provided' };
  }
  const dir = path.join(o.dataDir, 'office');
  const certPath = path.join(dir, 'cert.pem');
  const keyPath = path.join(dir, 'key.pem');
  if (fs.existsSync(certPath) && fs.existsSync(keyPath))
    return {
      cert: fs.readFileSync(certPath, 'utf8'),
      key: fs.readFileSync(keyPath, 'utf8'),
      certificate: 'self-signed',
    };
  const made = await generate([{ name: 'commonName', value: `Balance Desk office server (${os.hostname()})` }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 10 * 365 * 86400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...new Set(sans)].map((n) => (net.isIP(n) ? { type: 7, ip: n } : { type: 2, value: n })),
      },
    ],
  });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(keyPath, made.private, { mode: 0o600 });
  fs.writeFileSync(certPath, made.cert, { mode: 0o644 });
  return { cert: made.cert, key: made.private, certificate: 'self-signed' };
}

/** Why this ledger may not be shared yet (no admin has a password), or null. */
async function blocked(core: Core): Promise<string | null> {
  const r = await core.call('office.get', {});
  return r.ok ? (r.value as OfficeStatus).blocked : r.error.message;
}

export async function serveOffice(o: OfficeOptions): Promise<OfficeServer> {
  const log = o.log ?? (() => {});
  const why = await blocked(o.core);
  if (why) throw new Error(`this ledger cannot be shared with the office yet: ${why}`);
  const listen = o.listen ?? '0.0.0.0';
  if (!WILDCARD.has(listen) && !net.isIP(listen)) throw new Error(`--listen must be an IP address, not ${listen}`);
  const { addresses, names } = officeNames(listen, o.names);
  const tls = await officeCertificate(o, [...addresses, ...names, 'localhost', '127.0.0.1']);
  const fingerprint = fingerprintOf(tls.cert);
  const answersTo = new ListenerNames();
  const requests = hostRequests({
    core: o.core,
    token: o.token,
    rendererDir: o.rendererDir,
    maxBody: o.maxBody,
    log,
    remote: true,
    names: answersTo,
    version: VERSION,
  });
  const server = https.createServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }, requests.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? DEFAULT_OFFICE_PORT, listen, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  answersTo.allow([...addresses, ...names], port, 'https', 443);
  const urls = addresses.map((a) => `https://${hostPart(a)}:${port}/`);
  o.core.office.attach({ urls, fingerprint, certificate: tls.certificate });
  log(`Sharing with the office at ${urls.join(', ') || `port ${port}`}`);
  log(`Certificate fingerprint (SHA-256), for desks to compare: ${fingerprint}`);

  let closed = false;
  return {
    urls,
    port,
    fingerprint,
    certificate: tls.certificate,
    async close() {
      if (closed) return;
      closed = true;
      o.core.office.detach();
      requests.close();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await stopped;
    },
  };
}
