/**
 * The test server's memory on disk (`startStripeServer({ stateFile })`): one JSON file with every object,
 * event, test-token behaviour and saved Idempotency-Key result, so a sandbox started again on the same file
 * answers for the customers and payment methods an app (the demo ledger) still holds. Written whole and
 * atomically (FILE.tmp, then rename): a stop mid-write leaves the previous file, never half of one.
 * A file that cannot be read or is not one of these is moved aside to FILE.corrupt and the server starts
 * empty, saying so in one line: a sandbox never refuses to start over its own memory.
 */
import fs from 'node:fs';
import path from 'node:path';
import { StripeState, type Obj } from './api';

/** A saved Idempotency-Key result, replayed for the same method, path and parameters. */
export interface SavedResult {
  method: string;
  path: string;
  fingerprint: string;
  status: number;
  text: string;
  requestId: string;
  /** When it was saved (ms): it is replayed for IDEMPOTENCY_TTL_MS after that. */
  savedAt?: number;
}

const FORMAT = 'balance-desk-stripe-sandbox';
const VERSION = 1;

export interface Persisted {
  state: StripeState;
  /** Per `${apiKey}\n${idempotencyKey}`. */
  saved: Map<string, SavedResult>;
}

const isSaved = (v: unknown): v is SavedResult => {
  const r = v as Obj;
  return (
    typeof r === 'object' &&
    r !== null &&
    ['method', 'path', 'fingerprint', 'text', 'requestId'].every((k) => typeof r[k] === 'string') &&
    typeof r.status === 'number' &&
    (r.savedAt === undefined || typeof r.savedAt === 'number')
  );
};

/** The state kept in `file`, or an empty one when there is none (or none that can be used: `warn` says why). */
export function loadState(
  file: string,
  now: () => number,
  warn: (line: string) => void,
): Persisted & { baseUrl: string | null } {
  const state = new StripeState(now);
  const empty = { state, saved: new Map<string, SavedResult>(), baseUrl: null };
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') setAside(file, (e as Error).message, warn);
    return empty;
  }
  try {
    const data = JSON.parse(text) as Obj;
    if (data?.format !== FORMAT || data.version !== VERSION)
      throw new Error(`not a state file of this server (format ${FORMAT}, version ${VERSION})`);
    const idem: unknown = data.idempotency;
    if (
      !Array.isArray(idem) ||
      !idem.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && isSaved(e[1]))
    )
      throw new Error('idempotency is not a list of saved results');
    state.restore(data.state);
    return {
      state,
      saved: new Map(idem as [string, SavedResult][]),
      baseUrl: typeof data.baseUrl === 'string' ? data.baseUrl : null,
    };
  } catch (e) {
    // restore() checks everything before it keeps anything: the state is still empty.
    setAside(file, (e as Error).message, warn);
    return empty;
  }
}

function setAside(file: string, why: string, warn: (line: string) => void): void {
  let kept: string;
  try {
    fs.renameSync(file, `${file}.corrupt`);
    kept = `it was moved to ${path.basename(file)}.corrupt`;
  } catch {
    kept = 'it will be overwritten';
  }
  warn(`Stripe test server: cannot use the state file ${file} (${why.replace(/\s+/g, ' ')}); starting empty, ${kept}.`);
}

/** Writes the whole state to `file` atomically (FILE.tmp, then rename). Throws when it cannot. */
export function saveState(file: string, p: Persisted, baseUrl: string): void {
  const text = JSON.stringify({
    format: FORMAT,
    version: VERSION,
    savedAt: new Date().toISOString(),
    baseUrl,
    state: p.state.snapshot(),
    idempotency: [...p.saved],
  });
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}
