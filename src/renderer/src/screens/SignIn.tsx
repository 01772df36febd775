/** The sign-in screen: shown instead of the app once a staff member has a password and no one is signed in here. */
import { useState, type FormEvent } from 'react';
import { useFormSubmit } from '../ui/useFormSubmit';
import { Field, FormError } from '../ui/Field';
import { useChannel } from '../data/useChannel';
import { useSession } from '../stores/session';
import './SignIn.css';

const FIELDS = ['email', 'password'];

export function SignInScreen() {
  const notice = useSession((s) => s.notice);
  // No event stream before sign-in: the version is all it shows.
  const info = useChannel('app.info', {}, { live: false }).data;
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { errors, busy, run, ref } = useFormSubmit({ fields: FIELDS });

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!(await run(() => useSession.getState().signIn(email.trim(), password)))) setPassword('');
  }

  return (
    <main className="sign-in" aria-labelledby="sign-in-title">
      <form ref={ref} className="card form sign-in-card" onSubmit={submit} noValidate aria-label="Sign in">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            ◧
          </span>
          Balance Desk
        </div>
        <h1 id="sign-in-title">Sign in</h1>
        <p className="muted">Staff sign in with the email and password an admin gave them in Settings → Staff.</p>
        {notice ? (
          <p className="notice" role="status" data-testid="sign-in-notice">
            {notice}
          </p>
        ) : null}
        <Field label="Email" name="email" error={errors.email}>
          {(p) => (
            <input
              {...p}
              type="email"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              autoFocus
              autoComplete="username"
              required
            />
          )}
        </Field>
        <Field label="Password" name="password" error={errors.password}>
          {(p) => (
            <input
              {...p}
              type="password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              autoComplete="current-password"
              required
            />
          )}
        </Field>
        <FormError message={errors.form} />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy} data-testid="sign-in-submit">
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </div>
        {info ? <p className="muted small">Balance Desk {info.version}</p> : null}
      </form>
    </main>
  );
}
