/** The header's signed-in staff member: name and role, Change password and Sign out. Nothing before sign-in is on. */
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { useFormSubmit } from '../../ui/useFormSubmit';
import { useSession } from '../../stores/session';
import { Dialog } from '../../ui/Dialog';
import { Field, FormDone, FormError } from '../../ui/Field';
import './SessionChip.css';

export function SessionChip() {
  const staff = useSession((s) => s.staff);
  const role = useSession((s) => s.role);
  const [changing, setChanging] = useState(false);
  if (!staff) return null;
  return (
    <span className="session-chip" data-testid="session-chip">
      <span title={staff.email}>
        {staff.name} <span className="muted">· {role}</span>
      </span>
      <button type="button" className="link" onClick={() => setChanging(true)}>
        Change password
      </button>
      <button
        type="button"
        className="link"
        data-testid="sign-out"
        onClick={() => void useSession.getState().signOut()}
      >
        Sign out
      </button>
      {changing ? <ChangePasswordDialog onClose={() => setChanging(false)} /> : null}
    </span>
  );
}

const FIELDS = ['current', 'next', 'again'];

function ChangePasswordDialog(props: { onClose(): void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const { errors, fail, busy, done, run, ref } = useFormSubmit({ fields: FIELDS });

  function submit(e: FormEvent) {
    e.preventDefault();
    if (next !== again) return fail({ again: 'The two new passwords differ' });
    void run(async () => {
      await api().call('session.changePassword', { current, next });
      setCurrent('');
      setNext('');
      setAgain('');
      return 'Password changed. Your other sessions have ended.';
    });
  }

  return (
    <Dialog title="Change your password" onClose={props.onClose} testId="change-password">
      <form ref={ref} className="form" onSubmit={submit} noValidate>
        <Field label="Current password" name="current" error={errors.current}>
          {(p) => (
            <input
              {...p}
              type="password"
              value={current}
              onChange={(e) => setCurrent(e.target.value)}
              autoFocus
              autoComplete="current-password"
            />
          )}
        </Field>
        <Field
          label="New password"
          name="next"
          error={errors.next}
          hint="At least 10 characters; a few words make a good one."
        >
          {(p) => (
            <input
              {...p}
              type="password"
              value={next}
              onChange={(e) => setNext(e.target.value)}
              autoComplete="new-password"
            />
          )}
        </Field>
        <Field label="New password again" name="again" error={errors.again}>
          {(p) => (
            <input
              {...p}
              type="password"
              value={again}
              onChange={(e) => setAgain(e.target.value)}
              autoComplete="new-password"
            />
          )}
        </Field>
        <FormError message={errors.form} />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy}>
            Change password
          </button>
          <button type="button" onClick={props.onClose}>
            Close
          </button>
          <FormDone message={done} />
        </div>
      </form>
    </Dialog>
  );
}
