/**
 * Settings → Mail: where mail goes now (the outbox folder, the SMTP server of these settings, or SMTP_URL
 * from the environment, which overrides them and makes the form read-only), the SMTP form, a test send
 * with the form's values as typed, and going back to the outbox.
 *
 * The password is never shown: a stored one is kept when the field is left empty, removed with the
 * checkbox, and must be typed again when the host or user changes (the core refuses otherwise, naming
 * the field). Ctrl/Cmd+Enter saves from anywhere in the form.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { MailSettings, SmtpInput } from '../../../../shared/contracts';
import { errorsFrom, type FieldErrors } from '../../api/errors';
import { formRead, useFormSubmit, type FormRead } from '../../ui/useFormSubmit';
import { SECRET_STORAGE_TEXT, SECURITY_LABEL, SECURITY_PORT, type Security } from '../notifications/labels';
import { reloadMail, saveMail, testMail, type MailTestResult } from './mail';
import { ConflictNotice } from '../../ui/ConflictNotice';
import { useChannel } from '../../data/useChannel';
import { hrefOf } from '../../stores/route';
import { Dialog } from '../../ui/Dialog';
import { Field, FormDone, FormError, onCtrlEnter, RoleNote } from '../../ui/Field';
import { useCan } from '../../stores/session';
import './MailSettings.css';
import './settings.css';

interface SmtpValues {
  host: string;
  port: string;
  security: Security;
  user: string;
  password: string;
  removePassword: boolean;
  from: string;
}

const FIELDS = ['smtp.host', 'smtp.port', 'smtp.security', 'smtp.user', 'smtp.password', 'smtp.from'] as const;
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
/** Where mail goes: the server in Settings, SMTP_URL, or the outbox folder (the border's colour). */
const ROUTE_TONE = { settings: 'positive', env: 'accent', outbox: 'low' } as const;

function valuesOf(s: MailSettings | null): SmtpValues {
  const smtp = s?.smtp;
  return {
    host: smtp?.host ?? '',
    port: String(smtp?.port ?? SECURITY_PORT.starttls),
    security: smtp?.security ?? 'starttls',
    user: smtp?.user ?? '',
    password: '',
    removePassword: false,
    from: smtp?.from ?? '',
  };
}

/** Where mail goes now, in words. */
function RouteSummary({ s }: { s: MailSettings }) {
  if (s.route === 'env') {
    return (
      <p data-testid="mail-route" data-route="env">
        Mail is sent through <span className="mono mail-path">{s.envUrl ?? 'SMTP_URL'}</span>, from the{' '}
        <code>SMTP_URL</code> environment variable. It overrides the settings below, which are read-only while it is
        set: start Balance Desk without <code>SMTP_URL</code> to use them.
      </p>
    );
  }
  if (s.route === 'settings' && s.smtp) {
    return (
      <p data-testid="mail-route" data-route="settings">
        Mail is sent through the SMTP server{' '}
        <strong className="mono">
          {s.smtp.host}:{s.smtp.port}
        </strong>{' '}
        ({SECURITY_LABEL[s.smtp.security]}
        {s.smtp.user ? `, as ${s.smtp.user}` : ', without signing in'}), from {s.smtp.from}.
      </p>
    );
  }
  return (
    <p data-testid="mail-route" data-route="outbox">
      No SMTP server is set up: every email is written as an .eml file to the outbox folder{' '}
      <span className="mono mail-path">{s.outboxDir}</span> instead of being sent, so nobody receives it.{' '}
      <a href={hrefOf({ screen: 'outbox' })}>Open the outbox</a>.
    </p>
  );
}

export function MailSettingsSection() {
  const { data: settings, error, refetch } = useChannel('mail.get', {});
  const [values, setValues] = useState<SmtpValues>(() => valuesOf(settings));
  const form = useFormSubmit({ fields: FIELDS });
  const { errors } = form;
  const [stopping, setStopping] = useState(false);
  const shownFor = useRef<string | null>(null);
  const dirty = useRef(false);
  // The version of the settings the form's values came from: sent back with a save.
  const version = useRef<number | undefined>(undefined);

  // The form takes the stored settings when they first arrive and after each save, never while typing.
  const storedKey = settings ? JSON.stringify(settings.smtp) : null;
  useEffect(() => {
    if (!settings || shownFor.current === storedKey) return;
    const first = shownFor.current === null;
    shownFor.current = storedKey;
    if (first || !dirty.current) {
      setValues(valuesOf(settings));
      version.current = settings.version;
    }
  }, [settings, storedKey]);

  const canSave = useCan('mail.set');
  const canTest = useCan('mail.test');

  if (!settings) {
    return (
      <section className="card mail-section" aria-labelledby="mail-title">
        <h2 id="mail-title">Mail</h2>
        {error ? (
          <div className="banner banner-error" role="alert">
            Could not read the mail settings: {error}{' '}
            <button type="button" className="link" onClick={() => void refetch()}>
              Try again
            </button>
          </div>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </section>
    );
  }

  const readOnly = settings.route === 'env';
  const stored = settings.smtp;
  const set = <K extends keyof SmtpValues>(k: K, v: SmtpValues[K]) => {
    dirty.current = true;
    form.edited();
    setValues((s) => ({ ...s, [k]: v }));
  };

  const setSecurity = (security: Security) => {
    dirty.current = true;
    form.edited();
    setValues((s) => {
      // The usual port comes with the choice, unless the port is one of the user's own (2525, say).
      const usual = Object.values(SECURITY_PORT).map(String);
      const own = s.port.trim() !== '' && !usual.includes(s.port.trim());
      return { ...s, security, port: own ? s.port : String(SECURITY_PORT[security]) };
    });
  };

  const hostChanged = !!stored && (values.host.trim() !== stored.host || values.user.trim() !== stored.user);
  const needsPassword = !!stored?.hasPassword && hostChanged && values.password === '' && !values.removePassword;
  const host = values.host.trim();
  const unencrypted = values.security === 'none' && host !== '' && !LOCAL_HOSTS.has(host.toLowerCase());

  /** The form as the core takes it, or the errors found before asking. */
  function read(): FormRead<SmtpInput> {
    const found: FieldErrors = {};
    if (!host) found['smtp.host'] = "Enter the mail server's host name, such as smtp.example.com.";
    const port = values.port.trim();
    if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535)
      found['smtp.port'] = 'Enter a port from 1 to 65535: usually 587 (STARTTLS), 465 (TLS) or 25.';
    if (!values.from.trim())
      found['smtp.from'] = 'Enter the address mail comes from, such as Balance Desk <billing@example.com>.';
    return formRead(found, () => {
      const input: SmtpInput = {
        host,
        port: Number(port),
        security: values.security,
        user: values.user.trim(),
        from: values.from.trim(),
      };
      if (values.removePassword) input.password = null;
      else if (values.password !== '') input.password = values.password;
      return input;
    });
  }

  function save(e?: FormEvent) {
    e?.preventDefault();
    if (readOnly || !canSave) return;
    void form.submit(read(), async (input) => {
      show(await saveMail(input, version.current));
      return input.password === null ? 'Saved; the stored password was removed.' : 'Saved.';
    });
  }

  /** The form starts again from stored settings (saved here, or read again after a conflict). */
  function show(next: MailSettings) {
    dirty.current = false;
    shownFor.current = JSON.stringify(next.smtp);
    version.current = next.version;
    setValues(valuesOf(next));
  }

  const onKeyDown = onCtrlEnter(() => void save());

  return (
    <section className="card mail-section" aria-labelledby="mail-title" data-testid="mail-settings">
      <h2 id="mail-title">Mail</h2>
      <div className={`mail-route tone-${ROUTE_TONE[settings.route]}`}>
        <RouteSummary s={settings} />
        <p className="muted small" data-testid="secret-storage">
          The SMTP password is {SECRET_STORAGE_TEXT[settings.secretStorage]}, never stored as plain text.
          {settings.route === 'outbox' ? null : (
            <>
              {' '}
              Mail written to the outbox folder before stays there:{' '}
              <a href={hrefOf({ screen: 'outbox' })}>open the outbox</a>.
            </>
          )}
        </p>
      </div>

      <form
        ref={form.ref}
        className="form mail-form"
        onSubmit={save}
        onKeyDown={onKeyDown}
        aria-label="SMTP server"
        noValidate
        data-testid="smtp-form"
      >
        <h3>SMTP server</h3>
        <fieldset className="mail-fieldset" disabled={readOnly || !canSave}>
          {readOnly ? (
            <legend className="muted small">
              Read-only: SMTP_URL from the environment decides where mail goes.
              {stored
                ? ' These are the settings stored for when it is not set.'
                : ' No settings of their own are stored.'}
            </legend>
          ) : null}
          {readOnly && !stored ? null : (
            <>
              <div className="mail-grid">
                <Field label="Host" name="smtp.host" error={errors['smtp.host']} className="mail-host">
                  {(f) => (
                    <input
                      {...f}
                      value={values.host}
                      onChange={(e) => set('host', e.target.value)}
                      placeholder={readOnly ? undefined : 'smtp.example.com'}
                      autoComplete="off"
                      spellCheck={false}
                    />
                  )}
                </Field>
                <Field label="Security" name="smtp.security" error={errors['smtp.security']} className="mail-security">
                  {(f) => (
                    <select {...f} value={values.security} onChange={(e) => setSecurity(e.target.value as Security)}>
                      {(Object.keys(SECURITY_LABEL) as Security[]).map((k) => (
                        <option key={k} value={k}>
                          {SECURITY_LABEL[k]}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field label="Port" name="smtp.port" error={errors['smtp.port']} className="mail-port">
                  {(f) => (
                    <input
                      {...f}
                      className="num"
                      inputMode="numeric"
                      value={values.port}
                      onChange={(e) => set('port', e.target.value)}
                    />
                  )}
                </Field>
              </div>
              {unencrypted ? (
                <p className="mail-warn" role="note" data-testid="mail-unencrypted">
                  With security None, the password and mail travel unencrypted to {host}. Choose STARTTLS or TLS unless
                  the server is on this machine or a network you trust.
                </p>
              ) : null}
              <div className="mail-grid">
                <Field
                  label="User"
                  name="smtp.user"
                  error={errors['smtp.user']}
                  hint="Leave empty when the server does not ask you to sign in."
                  className="mail-user"
                >
                  {(f) => (
                    <input
                      {...f}
                      value={values.user}
                      onChange={(e) => set('user', e.target.value)}
                      autoComplete="off"
                      spellCheck={false}
                    />
                  )}
                </Field>
                <Field
                  label="Password"
                  name="smtp.password"
                  error={errors['smtp.password']}
                  hint={
                    needsPassword
                      ? `The stored password is for ${stored!.user || 'no user'} at ${stored!.host}: enter it again for the new host or user.`
                      : stored?.hasPassword
                        ? 'A password is stored. Type a new one to replace it.'
                        : undefined
                  }
                  className="mail-password"
                >
                  {(f) => (
                    <input
                      {...f}
                      type="password"
                      value={values.password}
                      disabled={values.removePassword}
                      onChange={(e) => set('password', e.target.value)}
                      placeholder={stored?.hasPassword ? 'stored — leave empty to keep' : ''}
                      autoComplete="new-password"
                    />
                  )}
                </Field>
              </div>
              {stored?.hasPassword ? (
                <label className="mail-check">
                  <input
                    type="checkbox"
                    name="removePassword"
                    checked={values.removePassword}
                    onChange={(e) => set('removePassword', e.target.checked)}
                  />
                  Remove stored password
                </label>
              ) : null}
              <Field
                label="From"
                name="smtp.from"
                error={errors['smtp.from']}
                hint="The sender recipients see: an address, or a name and address."
                className="mail-from"
              >
                {(f) => (
                  <input
                    {...f}
                    value={values.from}
                    onChange={(e) => set('from', e.target.value)}
                    placeholder={readOnly ? undefined : 'Balance Desk <billing@example.com>'}
                    autoComplete="off"
                  />
                )}
              </Field>
            </>
          )}
        </fieldset>
        <FormError message={errors.form} />
        <ConflictNotice message={form.conflict} onReload={() => form.reload(reloadMail, show)} />
        {readOnly || canSave ? null : <RoleNote by="admin" does="changes the mail settings" />}
        {readOnly || !canSave ? null : (
          <div className="form-actions">
            {stored ? (
              <button type="button" className="mail-stop" onClick={() => setStopping(true)} data-testid="mail-stop">
                Stop using SMTP (write mail to the outbox)
              </button>
            ) : null}
            <FormDone message={form.done} testId="mail-saved" />
            <button
              type="submit"
              className="primary"
              disabled={form.busy}
              data-testid="mail-save"
              title="Save (Ctrl+Enter)"
            >
              {form.busy ? 'Saving…' : 'Save'}
            </button>
          </div>
        )}
      </form>

      {canTest ? (
        <MailTest
          settings={settings}
          readForm={() => {
            // With SMTP_URL in force, or no server typed while mail goes to the outbox, the test takes the route in force.
            if (readOnly || (!host && settings.route === 'outbox')) return { smtp: undefined };
            const { input, found } = read();
            if (!input) {
              form.fail(found);
              return null;
            }
            return { smtp: input };
          }}
          onFieldError={(field, message) => form.fail({ [field]: message })}
        />
      ) : null}

      {stopping && stored ? (
        <Dialog title="Stop using SMTP?" onClose={() => setStopping(false)} testId="mail-stop-dialog">
          <StopSmtp settings={settings} onDone={() => setStopping(false)} />
        </Dialog>
      ) : null}
    </section>
  );
}

function StopSmtp(props: { settings: MailSettings; onDone(): void }) {
  const { busy, errors, conflict, run } = useFormSubmit();
  const smtp = props.settings.smtp!;
  return (
    <div className="form">
      <p>
        Mail will no longer go through {smtp.host}:{smtp.port}. Every email is written as an .eml file to the outbox
        folder <span className="mono mail-path">{props.settings.outboxDir}</span> instead, and{' '}
        <strong>nobody receives it</strong> until an SMTP server is set up again.
      </p>
      <p className="muted">The server settings{smtp.hasPassword ? ' and the stored password' : ''} are removed.</p>
      {/* Saved elsewhere just now: the dialog already shows the newest settings (they are read live). */}
      <FormError message={errors.form ?? (conflict ? `${conflict}.` : undefined)} />
      <div className="form-actions">
        <button type="button" onClick={props.onDone}>
          Keep SMTP
        </button>
        <button
          type="button"
          className="primary"
          disabled={busy}
          data-testid="confirm-mail-stop"
          onClick={() =>
            void run(async () => {
              await saveMail(null, props.settings.version);
              props.onDone();
            })
          }
        >
          {busy ? 'Stopping…' : 'Write mail to the outbox'}
        </button>
      </div>
    </div>
  );
}

/** "Send test email": to a typed address, with the form's values as they are now (saved or not). */
function MailTest(props: {
  settings: MailSettings;
  readForm(): { smtp: SmtpInput | undefined } | null;
  onFieldError(field: string, message: string): void;
}) {
  const [to, setTo] = useState('');
  const test = useFormSubmit<MailTestResult>({
    clearOnRun: true,
    // A refusal of the server's settings goes under their field in the form above.
    errorsOf(err) {
      const found = errorsFrom(err, ['to', ...FIELDS]);
      const field = FIELDS.find((f) => found[f]);
      if (!field) return found;
      props.onFieldError(field, found[field]!);
      return {};
    },
  });
  const { busy, errors, done: result } = test;

  function send(e: FormEvent) {
    e.preventDefault();
    const found = to.trim() ? {} : { to: 'Enter the address to send the test email to.' };
    void test.submit(formRead(found, props.readForm), (form) =>
      testMail({ to: to.trim(), ...(form.smtp ? { smtp: form.smtp } : {}) }),
    );
  }

  const where =
    props.settings.route === 'env'
      ? 'through the server of SMTP_URL'
      : props.settings.route === 'outbox'
        ? 'with the server above as typed, or to the outbox folder while no host is entered'
        : 'with the values above as typed, saved or not';

  return (
    <form
      ref={test.ref}
      className="form mail-test"
      onSubmit={send}
      aria-label="Send a test email"
      noValidate
      data-testid="mail-test"
    >
      <h3>Send a test email</h3>
      <div className="mail-test-row">
        <Field label="To" name="to" error={errors.to} className="mail-test-to">
          {(f) => (
            <input
              {...f}
              type="email"
              value={to}
              onChange={(e) => setTo(e.target.value)}
              placeholder="you@example.com"
              autoComplete="email"
            />
          )}
        </Field>
        <button type="submit" disabled={busy} data-testid="mail-test-send">
          {busy ? 'Sending…' : 'Send test email'}
        </button>
        <span className="muted small mail-test-where">Sent now, {where}.</span>
      </div>
      <FormError message={errors.form} />
      <div aria-live="polite">
        {result ? (
          <p
            className={result.ok ? 'mail-result mail-result-ok' : 'mail-result mail-result-fail'}
            role="status"
            data-testid="mail-test-result"
            data-ok={result.ok}
          >
            <strong>
              {result.ok
                ? result.via === 'outbox'
                  ? 'Written to the outbox.'
                  : 'Sent.'
                : `Not sent${result.code ? ` (server reply ${result.code})` : ''}.`}
            </strong>{' '}
            {result.message}
          </p>
        ) : null}
      </div>
    </form>
  );
}
