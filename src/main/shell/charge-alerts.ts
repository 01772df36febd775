/**
 * Failed charges, told where the desk will see them with the window closed: an OS notification when an
 * automatic top-up fails (a click opens the Charges screen narrowed to the failed attempts), and the tray's
 * count of the attempts waiting for a Retry. Driven by the core's change events (topic 'charges'), reading
 * charges.list as a viewer in the process. Pure (no electron): the shell passes the notification and the
 * tray in as functions, and tests pass fakes.
 */
import type { Core } from '../core';
import type { Charge } from '../../shared/contracts';
import { formatMoney } from '../../shared/money';

/** As many as the tray counts before it says "100+". */
export const COUNT_LIMIT = 100;
const SETTLE_MS = 250;

export interface ChargeAlertOptions {
  core: Pick<Core, 'call' | 'onChange'>;
  /** Shows an OS notification; `onClick` runs when it is clicked. */
  notify(n: { title: string; body: string; onClick(): void }): void;
  /** Opens the Charges screen narrowed to failed attempts. */
  openFailed(): void;
  /** The number of charges waiting for a Retry changed (the tray shows it); `more` when there are more than `count`. */
  onWaiting(count: number, more: boolean): void;
  log?: (line: string) => void;
  settleMs?: number;
}

/** "Automatic top-up failed: Blue Fox Ltd (C-100)" and what happened, in words. */
export function failureNotice(
  c: Pick<Charge, 'clientName' | 'clientRef' | 'amount' | 'currency' | 'status' | 'reason' | 'method'>,
): { title: string; body: string } {
  const needsClient = c.status === 'requires_action';
  const title = needsClient
    ? `Top-up needs the client: ${c.clientName} (${c.clientRef})`
    : `Automatic top-up failed: ${c.clientName} (${c.clientRef})`;
  const what = `${formatMoney(c.amount, c.currency)}${c.method ? ` on ${c.method}` : ''}`;
  const reason = c.reason.trim().replace(/\.$/, '');
  return { title, body: `${what}: ${reason}. Open Charges to Retry.` };
}

/** The tray's line: "3 failed charges waiting for Retry", or that none is. */
export function waitingLabel(count: number, more: boolean): string {
  if (count === 0) return 'No failed charge is waiting';
  return `${more ? `${count}+` : count} failed ${count === 1 && !more ? 'charge' : 'charges'} waiting for Retry`;
}

/**
 * Starts watching. The attempts waiting at the start are not announced (the tray counts them); each one
 * that fails or needs the client after it is announced once. Returns the function that stops watching.
 */
export function watchChargeFailures(o: ChargeAlertOptions): () => void {
  const log = o.log ?? (() => {});
  // Every attempt seen waiting for a Retry (failed or needing the client); null until the first read,
  // whose attempts are counted but not announced. An attempt leaves the list only for good (a newer
  // attempt of its client), so the set only grows: a few numbers a failure.
  let known: Set<number> | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  const check = async () => {
    const r = await o.core.call(
      'charges.list',
      { awaitingRetry: true, limit: COUNT_LIMIT },
      { actor: 'desk', role: 'viewer' },
    );
    if (!r.ok) throw new Error(r.error.message);
    const page = r.value as { items: Charge[]; nextCursor: string | null };
    if (stopped) return;
    o.onWaiting(page.items.length, page.nextCursor !== null);
    const first = known === null;
    const seen = (known ??= new Set());
    const fresh = page.items.filter((c) => !seen.has(c.id));
    for (const c of fresh) seen.add(c.id);
    if (first) return;
    // Only the automatic ones: a staff Retry that fails is seen on the screen by whoever pressed it.
    // Oldest first, as they happened.
    for (const c of fresh.filter((x) => x.origin === 'auto').reverse())
      o.notify({ ...failureNotice(c), onClick: o.openFailed });
  };

  const run = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = check()
      .catch((e: unknown) => log(`charge alerts: ${(e as Error).message}`))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          run();
        }
      });
  };

  // The first read: the count for the tray, and what is already known.
  run();

  const off = o.core.onChange((e) => {
    if (e.topic !== 'charges') return;
    // A burst of changes (a charge and its job) is read once.
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, o.settleMs ?? SETTLE_MS);
  });
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    off();
  };
}
