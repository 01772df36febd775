/**
 * Settings → Staff: who works at the desk, their role, and who may sign in. Sign-in turns on when the first
 * admin gets a password; from then on every window and the host ask who is there.
 */
import { useState, type FormEvent } from 'react';
import type { StaffRole } from '../../../../shared/contract';
import type { StaffUser } from '../../../../shared/contracts';
import { api } from '../../api/client';
import { messageOf } from '../../api/errors';
import { useFormSubmit } from '../../ui/useFormSubmit';
import { refetch, useChannel } from '../../data/useChannel';
import { useResellers } from '../clients/resellers';
import { useCan, useSession } from '../../stores/session';
import { Dialog } from '../../ui/Dialog';
import { Field, FormError } from '../../ui/Field';
import { TableHead } from '../../ui/TableHead';
import { ResellerOptions } from '../clients/ResellerForm';

const ROLES: { role: StaffRole; label: string }[] = [
  { role: 'viewer', label: 'Viewer — reads' },
  { role: 'operator', label: 'Operator — also posts, imports, holds, Retry' },
  { role: 'admin', label: 'Admin — also settings, profiles, clients, staff' },
];
const COLUMNS = ['Name', 'Email', 'Reseller', 'Role', 'Active', 'Sign-in', ''];

export function StaffSettingsSection() {
  const { data: staff, error: readError } = useChannel('staff.list', {});
  const [error, setError] = useState<string | null>(null);
  const [passwordFor, setPasswordFor] = useState<StaffUser | null>(null);
  const resellers = useResellers().items;
  const me = useSession((s) => s.staff);
  const required = useSession((s) => s.required);
  const canUpdate = useCan('staff.update');
  const canCreate = useCan('staff.create');
  const canSetPassword = useCan('staff.setPassword');

  const load = () => refetch('staff.list');

  async function update(s: StaffUser, change: { role?: StaffRole; active?: boolean }) {
    try {
      await api().call('staff.update', { id: s.id, ...change });
      setError(null);
      // My own role may have changed what this window may do.
      if (s.id === me?.id) await useSession.getState().load();
    } catch (e) {
      setError(messageOf(e));
    }
    await load();
    // The list read again shows what is stored; a read that fails says so instead.
    setError(null);
  }

  const resellerName = (id: number) => resellers.find((r) => r.id === id)?.name ?? `Reseller ${id}`;

  return (
    <div className="card settings-staff" data-testid="settings-staff">
      <h2>Staff</h2>
      <p className="muted">
        Who works at this desk and what they may do. A viewer reads; an operator also posts and reverses entries,
        imports usage, holds funds, retries charges and resends mail; an admin also changes settings, profiles, clients
        and staff.{' '}
        {required
          ? 'Sign-in is on: staff with a password sign in to every window and to the headless host.'
          : 'Sign-in is off: anyone at this computer acts as an admin. Give an admin a password to turn it on.'}
      </p>
      {(readError ?? error) ? (
        <div className="form-error" role="alert">
          {readError ?? error}
        </div>
      ) : null}
      {staff && staff.length > 0 ? (
        <div className="table-scroll">
          <table className="table staff-table" aria-label="Staff users">
            <TableHead columns={COLUMNS} />
            <tbody>
              {staff.map((s) => (
                <tr key={s.id} data-testid={`staff-row-${s.id}`} className={s.active ? undefined : 'muted'}>
                  <td className="truncate">
                    {s.name}
                    {s.id === me?.id ? <span className="muted"> (you)</span> : null}
                  </td>
                  <td className="truncate">{s.email}</td>
                  <td className="truncate muted">{resellerName(s.resellerId)}</td>
                  <td>
                    {canUpdate ? (
                      <select
                        aria-label={`Role of ${s.name}`}
                        value={s.role}
                        onChange={(e) => void update(s, { role: e.target.value as StaffRole })}
                      >
                        {ROLES.map((r) => (
                          <option key={r.role} value={r.role}>
                            {r.role}
                          </option>
                        ))}
                      </select>
                    ) : (
                      s.role
                    )}
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`${s.name} is active`}
                      checked={s.active}
                      disabled={!canUpdate}
                      onChange={(e) => void update(s, { active: e.target.checked })}
                    />
                  </td>
                  <td>{s.signsIn ? 'Password set' : <span className="muted">No password</span>}</td>
                  <td>
                    {canSetPassword ? (
                      <button
                        type="button"
                        className="link"
                        onClick={() => setPasswordFor(s)}
                        data-testid={`staff-password-${s.id}`}
                      >
                        {s.signsIn ? 'Change password…' : 'Set password…'}
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : staff ? (
        <p className="muted">No staff users yet.</p>
      ) : null}
      {canCreate ? <NewStaffForm resellers={resellers} onAdded={() => void load()} /> : null}
      {passwordFor ? (
        <PasswordDialog staff={passwordFor} onClose={() => setPasswordFor(null)} onDone={() => void load()} />
      ) : null}
    </div>
  );
}

const NEW_FIELDS = ['resellerId', 'name', 'email', 'role'];

function NewStaffForm(props: { resellers: { id: number; name: string }[]; onAdded(): void }) {
  const [resellerId, setResellerId] = useState<number | null>(null);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<StaffRole>('operator');
  const { errors, busy, run, ref } = useFormSubmit({ fields: NEW_FIELDS });
  const reseller = resellerId ?? props.resellers[0]?.id ?? null;

  if (props.resellers.length === 0)
    return <p className="muted">Staff belong to a reseller: add a reseller first (Clients → New client).</p>;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const added = await run(async () => {
      await api().call('staff.create', { resellerId: reseller ?? 0, name, email: email.trim(), role });
    });
    if (!added) return;
    setName('');
    setEmail('');
    props.onAdded();
  }

  return (
    <form ref={ref} className="form staff-new" onSubmit={submit} noValidate aria-label="New staff user">
      <h3>Add a staff user</h3>
      <div className="form-row">
        {props.resellers.length > 1 ? (
          <Field label="Reseller" name="resellerId" error={errors.resellerId}>
            {(p) => (
              <select {...p} value={reseller ?? ''} onChange={(e) => setResellerId(Number(e.target.value))}>
                <ResellerOptions resellers={props.resellers} />
              </select>
            )}
          </Field>
        ) : null}
        <Field label="Name" name="name" error={errors.name}>
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />}
        </Field>
        <Field label="Email" name="email" error={errors.email}>
          {(p) => (
            <input {...p} type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="off" />
          )}
        </Field>
        <Field label="Role" name="role" error={errors.role}>
          {(p) => (
            <select {...p} value={role} onChange={(e) => setRole(e.target.value as StaffRole)}>
              {ROLES.map((r) => (
                <option key={r.role} value={r.role}>
                  {r.label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <FormError message={errors.form} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          Add staff user
        </button>
      </div>
    </form>
  );
}

const PASSWORD_FIELDS = ['password', 'again', 'id'];

function PasswordDialog(props: { staff: StaffUser; onClose(): void; onDone(): void }) {
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const { errors, fail, busy, run, ref } = useFormSubmit({ fields: PASSWORD_FIELDS });
  const s = props.staff;

  async function save(value: string | null) {
    if (value !== null && value !== again) return fail({ again: 'The two passwords differ' });
    const wasOn = useSession.getState().required;
    const saved = await run(async () => {
      await api().call('staff.setPassword', { id: s.id, password: value });
    });
    if (!saved) return;
    if (!wasOn && value !== null) {
      // Sign-in has just been turned on: this window, too, now asks who is there.
      useSession.getState().requireSignIn(`Sign-in is on. Sign in as ${s.email} with the password you just set.`);
      return;
    }
    props.onDone();
    props.onClose();
    await useSession.getState().load();
  }

  return (
    <Dialog
      title={`${s.signsIn ? 'Change' : 'Set'} the password of ${s.name}`}
      onClose={props.onClose}
      testId="staff-password"
    >
      <form
        ref={ref}
        className="form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save(password);
        }}
      >
        {!useSession.getState().required ? (
          <p className="notice">
            Sign-in is off. Giving an admin a password turns it on: every window and the headless host will then ask
            staff to sign in.
          </p>
        ) : null}
        <Field
          label="New password"
          name="password"
          error={errors.password}
          hint="At least 10 characters. Tell it to them in person; Balance Desk never shows or sends it."
        >
          {(p) => (
            <input
              {...p}
              type="password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              autoFocus
              autoComplete="new-password"
            />
          )}
        </Field>
        <Field label="Again" name="again" error={errors.again}>
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
        <FormError message={errors.id ?? errors.form} />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy} data-testid="staff-password-save">
            Save password
          </button>
          {s.signsIn ? (
            <button
              type="button"
              disabled={busy}
              onClick={() => void save(null)}
              title={`${s.name} will no longer be able to sign in`}
            >
              Remove password
            </button>
          ) : null}
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
