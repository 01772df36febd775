/**
 * A form's submit: busy while the call runs, the core's refusal shown by field (errorsFrom), cleared on
 * success. `run` answers whether the work succeeded.
 */
import { useState } from 'react';
import { errorsFrom, type FieldErrors } from '../api/errors';

export function useFormSubmit(fields: readonly string[]) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  async function run(work: () => Promise<void>): Promise<boolean> {
    setBusy(true);
    try {
      await work();
      setErrors({});
      return true;
    } catch (err) {
      setErrors(errorsFrom(err, fields));
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { errors, setErrors, busy, run };
}
