/**
 * The office server in tests: a data folder whose ledger has staff with passwords (the server refuses to
 * share one without an admin who signs in), and HTTPS calls to it from Node that check the certificate's
 * fingerprint instead of a CA (as a desk that pinned it does).
 */
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { tempDir, testCore, withClient } from './core';

export const OFFICE_PASSWORD = 'correct horse battery';

/** A data folder with a reseller, a client and three staff who sign in (admin ana, operator oli, viewer vic). */
export async function officeLedger(): Promise<{ dataDir: string; clientId: number; resellerId: number }> {
  const dataDir = tempDir();
  const core = testCore({ dataDir, inMemory: false });
  const { reseller, client } = await withClient(core);
  for (const [name, email, role] of [
    ['Ana Admin', 'ana@acme.test', 'admin'],
    ['Oli Operator', 'oli@acme.test', 'operator'],
    ['Vic Viewer', 'vic@acme.test', 'viewer'],
  ] as const) {
    const s = await core.ok('staff.create', { resellerId: reseller.id, name, email, role });
    await core.ok('staff.setPassword', { id: s.id, password: OFFICE_PASSWORD });
  }
  core.close();
  return { dataDir, clientId: client.id, resellerId: reseller.id };
}

export interface HttpsAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The server certificate's SHA-256 fingerprint as the connection saw it. */
  fingerprint: string;
}

/** One HTTPS request without CA checks (the certificate is self-signed), answering the fingerprint seen. */
export function httpsRequest(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { method: opts.method ?? 'GET', headers: opts.headers, rejectUnauthorized: false, agent: false },
      (res) => {
        const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
            fingerprint,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** POST /rpc/<channel> on an office listener, as a desk calls it. */
export async function officeRpc(
  base: string,
  channel: string,
  input: unknown = {},
  headers: Record<string, string> = {},
): Promise<{
  status: number;
  body: { ok: boolean; value?: never; error?: { kind: string; message: string; field?: string } };
}> {
  const r = await httpsRequest(`${base}rpc/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(input),
  });
  return { status: r.status, body: JSON.parse(r.body) as never };
}
