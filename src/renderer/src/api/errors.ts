/**
 * Turns a failed call into what a form shows: a message per input field when the core named the field
 * (validation errors carry `field`, e.g. "billingEmail"), and otherwise one message for the whole form.
 */
import { ApiError } from './client';

/** Messages keyed by field name; `form` holds what belongs to no single field. */
export type FieldErrors = Partial<Record<string, string>> & { form?: string };

/**
 * The core says "billingEmail is not a valid email address" (or "customerId: Stripe has no such object"):
 * next to the field, the name is noise.
 */
function withoutFieldName(message: string, field: string): string {
  const rest = message.startsWith(field + ': ')
    ? message.slice(field.length + 2)
    : message.startsWith(field + ' ')
      ? message.slice(field.length + 1)
      : message;
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}

/**
 * `fields` lists the inputs the form shows; `aliases` maps a core field name onto one of them when the
 * form calls it something else (the core's `description` is the adjustment form's reason).
 */
export function errorsFrom(err: unknown, fields: readonly string[], aliases: Record<string, string> = {}): FieldErrors {
  if (err instanceof ApiError) {
    const field = err.field ? (aliases[err.field] ?? err.field) : undefined;
    if (field && fields.includes(field)) return { [field]: withoutFieldName(err.message, err.field!) };
    return { form: err.message };
  }
  return { form: err instanceof Error ? err.message : String(err) };
}

/**
 * A save over a newer version: someone else changed the thing after the form loaded it (the core's
 * conflict on `version`, or on `expectedOrder` for the order of payment methods). Its message names who and when.
 */
export function isStale(err: unknown): err is ApiError {
  return (
    err instanceof ApiError && err.kind === 'conflict' && (err.field === 'version' || err.field === 'expectedOrder')
  );
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
