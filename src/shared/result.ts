/**
 * The envelope every channel answers with, over IPC and HTTP alike. A raw exception never crosses a
 * boundary: the core turns it into `{ ok: false, error }` with a kind a screen can act on.
 */
export type ErrorKind =
  | 'validation' // the input is wrong; `field` names the part (e.g. "billingEmail", "rows.3.amount")
  | 'not_found' // the channel or the thing asked for does not exist
  | 'conflict' // the input is fine but clashes with what is stored (duplicate name, closed hold)
  | 'unauthorized' // no or wrong credentials (HTTP host token)
  | 'forbidden' // credentials fine, action not allowed
  | 'unavailable' // a service outside Balance Desk (Stripe, the mail server) failed or could not be reached
  | 'internal'; // a fault of ours; the message says what to tell support

export interface AppErrorShape {
  kind: ErrorKind;
  message: string;
  field?: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorShape };

/** An error with a kind, thrown inside the core and turned into an envelope at dispatch. */
export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
  toShape(): AppErrorShape {
    return this.field === undefined
      ? { kind: this.kind, message: this.message }
      : { kind: this.kind, message: this.message, field: this.field };
  }
}

export const invalid = (field: string, message: string) => new AppError('validation', message, field);
export const notFound = (message: string) => new AppError('not_found', message);
export const conflict = (message: string, field?: string) => new AppError('conflict', message, field);
export const unavailable = (message: string) => new AppError('unavailable', message);
