/**
 * Quitting while due work runs. core.runDue() is asynchronous (a charge waits on Stripe, a sweep runs in
 * slices): closing the database under it made the run fail halfway ("The database connection is not
 * open") and left its job to be redone at the next start. So Electron's will-quit is held off
 * (preventDefault) until the run in progress ends, then the core is closed and the quit asked for again.
 * Pure (no electron), so tests drive it with fakes.
 */
export interface QuitSteps {
  /** Stops everything that would start new work: the due-work timer, watchers, pending retries. */
  stopNewWork(): void;
  /** The due-work run in progress, or null. */
  running(): Promise<unknown> | null;
  /** Lets go of the rest and closes the core; called once. */
  close(): void;
  /** app.quit() again, once the run has ended. */
  quitAgain(): void;
  log(line: string): void;
  /** The longest wait for a run (a stuck one must not keep the app from quitting); 60 s unless told. */
  waitMs?: number;
}

/** The will-quit listener. */
export function quitAfterRunningWork(s: QuitSteps): (event: { preventDefault(): void }) => void {
  let closed = false;
  let waiting = false;
  const close = () => {
    if (closed) return;
    closed = true;
    s.close();
  };
  return (event) => {
    if (closed) return;
    s.stopNewWork();
    const run = s.running();
    if (!run) return close();
    event.preventDefault();
    // A second Quit while waiting must not start a second wait (nor close twice).
    if (waiting) return;
    waiting = true;
    const waitMs = s.waitMs ?? 60_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), waitMs)));
    void Promise.race([
      run.then(
        () => 'done' as const,
        () => 'done' as const,
      ),
      limit,
    ]).then((how) => {
      clearTimeout(timer);
      // Its job is durable and keeps its idempotency key: the next start finishes it without a second charge.
      if (how === 'late')
        s.log(
          `balance-desk: due work still running after ${Math.round(waitMs / 1000)} s; quitting anyway (it resumes at the next start)`,
        );
      close();
      s.quitAgain();
    });
  };
}
