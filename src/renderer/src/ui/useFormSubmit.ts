/**
 * The one helper every form (and every confirmation that sends something) uses:
 *  - the fields read on the client first (`submit(read, send)`: what `read` found stays under its field and
 *    nothing is sent);
 *  - the core's refusal mapped to the field it names (ApiError.field, through errorsFrom), or to the whole
 *    form (`errors.form`, for FormError);
 *  - the focus moved to the first field in error, whoever found it (the form's element is `ref`);
 *  - busy while the call runs (a second submit meanwhile is ignored; the screen disables its button);
 *  - the message of the last success (`done`, for FormDone), which goes when the user edits (`edited`);
 *  - a save over a newer version (someone else saved since the form loaded it) kept apart as `conflict`,
 *    for ConflictNotice, and `reload(load, apply)`, which re-reads the thing and puts it in the form;
 *  - nothing sent while the ledger's server does not answer (the offline banner shows): a refusal in words
 *    above the buttons instead; a call the server never answered is said to be maybe saved, not sent again.
 * `run(work)` answers whether the work succeeded; what `work` returns becomes `done`.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/client';
import { isAway, serverAway, useConnection } from '../api/connection';
import { errorsFrom, isStale, type FieldErrors } from '../api/errors';

/** Said when a form is sent while the server is away: nothing left this window. */
export const AWAY_REFUSAL =
  'The office server is not answering, so nothing was sent: this window is read-only until it is back. Try again once the banner at the top has gone.';
/** Said when the server went away while a change was on its way: it may have been saved, and it is not sent again. */
export const MAYBE_SAVED =
  'The office server did not answer, so this change may or may not have been saved; it was not sent again. Once the server is back, check what is shown before saving again.';

export interface FormOptions {
  /** The inputs the form shows: a refusal naming one of them is shown under it, any other above the buttons. */
  fields?: readonly string[];
  /** A core field name the form calls something else (the core's `description` is the adjustment's reason). */
  aliases?: Record<string, string>;
  /** Reads a failure another way than errorsFrom (a refusal that names an address by its place in a list). */
  errorsOf?(err: unknown): FieldErrors;
  /** Each run starts without the errors of the last one (a confirmation asked again). */
  clearOnRun?: boolean;
}

/** What a form's fields read as, before anything is sent: the input, or null and the errors found. */
export interface FormRead<T> {
  input: T | null;
  found: FieldErrors;
}

/** The read of a form: the input made by `make` when nothing was `found` (null: `make` found a fault of its own). */
export function formRead<T>(found: FieldErrors, make: () => T | null): FormRead<T> {
  return { input: Object.keys(found).length ? null : make(), found };
}

export function useFormSubmit<Done = string>(options: FormOptions = {}) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<Done | null>(null);
  const [conflict, setConflict] = useState<string | null>(null);
  const element = useRef<HTMLElement | null>(null);
  const focusError = useRef(false);
  const running = useRef(false);
  const opts = useRef(options);
  opts.current = options;
  /** The server does not answer: a form may disable its buttons; run() refuses anyway. */
  const away = useConnection(isAway);

  // A callback ref, so a <form> or a <div> may hold the fields.
  const ref = useCallback((el: HTMLElement | null) => {
    element.current = el;
  }, []);

  useEffect(() => {
    if (!focusError.current) return;
    focusError.current = false;
    element.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [errors]);

  /** Shows errors (found here or by the core) and puts the focus on the first field in error. */
  const fail = useCallback((found: FieldErrors) => {
    focusError.current = true;
    setErrors(found);
  }, []);

  async function run(work: () => Promise<Done | void>): Promise<boolean> {
    if (running.current) return false;
    if (serverAway()) {
      setDone(null);
      fail({ form: AWAY_REFUSAL });
      return false;
    }
    running.current = true;
    setBusy(true);
    setDone(null);
    if (opts.current.clearOnRun) setErrors({});
    try {
      const result = await work();
      setErrors({});
      setConflict(null);
      if (result !== undefined) setDone(result);
      return true;
    } catch (err) {
      if (isStale(err)) {
        // Not an error of a field: the whole form is out of date; ConflictNotice offers to reload it.
        setErrors({});
        setConflict(err.message);
        return false;
      }
      const o = opts.current;
      if (err instanceof ApiError && err.unreached) fail({ form: MAYBE_SAVED });
      else fail(o.errorsOf ? o.errorsOf(err) : errorsFrom(err, o.fields ?? [], o.aliases));
      return false;
    } finally {
      running.current = false;
      setBusy(false);
    }
  }

  /** Sends what the fields read as, or shows what `read` found instead. */
  async function submit<T>(read: FormRead<T>, send: (input: T) => Promise<Done | void>): Promise<boolean> {
    if (running.current) return false;
    const { input } = read;
    if (input === null) {
      setDone(null);
      fail(read.found);
      return false;
    }
    return run(() => send(input));
  }

  /** The user changed something: the last success's message goes, and with `keys` the errors about them (and the form's). */
  function edited(...keys: string[]) {
    setDone(null);
    if (!keys.length) return;
    setErrors((e) => {
      const next = { ...e };
      for (const k of [...keys, 'form']) delete next[k];
      return next;
    });
  }

  /**
   * Reload after a conflict: `load` reads the thing again, `apply` puts it in the form (the user's unsaved
   * edits go, as they asked); the notice and errors go, and the focus moves to the form's first field.
   */
  async function reload<T>(load: () => Promise<T>, apply: (fresh: T) => void): Promise<void> {
    const fresh = await load();
    apply(fresh);
    setConflict(null);
    setErrors({});
    setDone(null);
    requestAnimationFrame(() =>
      element.current?.querySelector<HTMLElement>('input:not([disabled]), select:not([disabled])')?.focus(),
    );
  }

  return { errors, setErrors, fail, busy, away, done, setDone, conflict, reload, ref, run, submit, edited };
}

export type Form<Done = string> = ReturnType<typeof useFormSubmit<Done>>;
