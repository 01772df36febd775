/**
 * Settings → Office: whether this ledger is shared with the office network, the addresses desks connect
 * to, the certificate's fingerprint (in groups, with Copy) and where the certificate comes from, why sharing
 * is blocked, the Share switch where this host offers it (the desktop app, an admin); the signed-in desks
 * (an admin), each with "Sign out that desk" after a confirmation. On a desktop client desk it says which
 * office server the window works on and lets an admin go back to a ledger on this computer.
 */
import { useRef, useState } from 'react';
import type { OfficeDesk, OfficeStatus } from '../../../../shared/contracts';
import { api } from '../../api/client';
import { isAway, useConnection } from '../../api/connection';
import type { DeskInfo } from '../../api/transport';
import { refetch, useChannel } from '../../data/useChannel';
import { useCan } from '../../stores/session';
import { Dialog } from '../../ui/Dialog';
import { FormError } from '../../ui/Field';
import { TableHead } from '../../ui/TableHead';
import { useFormSubmit } from '../../ui/useFormSubmit';
import { formatTime } from '../../time';
import { fingerprintGroups, useDeskInfo } from './office';
import './OfficeSettings.css';

export function OfficeSettingsSection() {
  const desk = useDeskInfo();
  return (
    <div className="card settings-office" data-testid="settings-office">
      <h2>Office</h2>
      {desk?.mode === 'office' ? <ClientDesk desk={desk} /> : <SharedLedger />}
    </div>
  );
}

/** A desktop window working on another machine's ledger. */
function ClientDesk({ desk }: { desk: DeskInfo }) {
  const isAdmin = useCan('office.signOutDesk');
  const { errors, busy, run } = useFormSubmit();
  const switchToLocal = () =>
    run(async () => {
      const r = await window.balanceDesk!.desk!.useLocal();
      if (!r.ok) throw new Error(r.error.message);
    });
  return (
    <>
      <p data-testid="office-client-desk">
        This desk works on the ledger of the office server at <strong className="mono">{desk.url}</strong>
        {desk.fingerprint ? (
          <>
            {' '}
            (fingerprint <Fingerprint value={desk.fingerprint} />)
          </>
        ) : null}
        . Nothing of the ledger is kept on this computer.
      </p>
      {isAdmin ? (
        <>
          <FormError message={errors.form} />
          <div className="form-actions">
            <button type="button" disabled={busy} onClick={() => void switchToLocal()} data-testid="office-use-local">
              Use a ledger on this computer instead
            </button>
          </div>
        </>
      ) : null}
    </>
  );
}

function SharedLedger() {
  const { data: status, error } = useChannel('office.get', {});
  const canDesks = useCan('office.desks');
  if (!status) return error ? <FormError message={error} /> : <p className="muted">Reading…</p>;
  return (
    <>
      <ShareState status={status} />
      {canDesks ? <SignedInDesks /> : null}
    </>
  );
}

function ShareState({ status }: { status: OfficeStatus }) {
  const canShare = useCan('office.share') && status.canShare;
  const { errors, busy, away, run } = useFormSubmit();
  const share = (on: boolean) =>
    run(() =>
      api()
        .call('office.share', { on })
        .then(() => refetch('office.get')),
    );

  return (
    <>
      <p data-testid="office-sharing" data-sharing={status.sharing}>
        {status.sharing ? (
          <>
            <strong>Shared with the office network.</strong> Other desks connect to this ledger at the addresses below
            and sign in; each change one makes appears at the others as it happens.
          </>
        ) : (
          <>
            <strong>Not shared.</strong> Only this computer works on this ledger.
            {status.canShare
              ? ' Share it to let the other desks of the office connect to it.'
              : ' The headless host shares it when started with --office.'}
          </>
        )}
      </p>
      {status.blocked ? (
        <p className="office-blocked" role="note" data-testid="office-blocked">
          Sharing is not possible yet: {status.blocked}
        </p>
      ) : null}
      {status.sharing ? (
        <dl className="office-facts">
          <dt>Addresses</dt>
          <dd>
            <ul className="office-urls" data-testid="office-urls">
              {status.urls.map((u) => (
                <li key={u} className="mono">
                  {u}
                </li>
              ))}
            </ul>
          </dd>
          {status.fingerprint ? (
            <>
              <dt>Fingerprint</dt>
              <dd>
                <FingerprintCopy value={status.fingerprint} />
              </dd>
            </>
          ) : null}
          {status.certificate ? (
            <>
              <dt>Certificate</dt>
              <dd data-testid="office-certificate">
                {status.certificate === 'self-signed'
                  ? 'Self-signed: made by Balance Desk on this machine. Each desk compares the fingerprint above once, when it first connects.'
                  : 'Provided by the office (its own certificate files).'}
              </dd>
            </>
          ) : null}
        </dl>
      ) : null}
      {canShare ? (
        <>
          <FormError message={errors.form} />
          <div className="form-actions">
            <button
              type="button"
              className={status.sharing ? undefined : 'primary'}
              disabled={busy || away || (!status.sharing && status.blocked !== null)}
              onClick={() => void share(!status.sharing)}
              data-testid="office-share"
            >
              {status.sharing ? 'Stop sharing' : 'Share with the office'}
            </button>
          </div>
        </>
      ) : null}
    </>
  );
}

/** The fingerprint in groups of four, monospace, with its exact text as the tooltip. */
function Fingerprint({ value, grid }: { value: string; grid?: boolean }) {
  return (
    <span
      className={`office-fingerprint mono${grid ? ' office-fingerprint-grid' : ''}`}
      title={value}
      data-testid="office-fingerprint"
    >
      {fingerprintGroups(value).map((g, i) => (
        <span key={i}>{g}</span>
      ))}
    </span>
  );
}

function FingerprintCopy({ value }: { value: string }) {
  const [said, setSaid] = useState<string | null>(null);
  const box = useRef<HTMLSpanElement>(null);
  async function copy() {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(value);
      setSaid('Copied.');
    } catch {
      const range = document.createRange();
      if (box.current) range.selectNodeContents(box.current);
      window.getSelection()?.removeAllRanges();
      window.getSelection()?.addRange(range);
      setSaid('The clipboard could not be reached: the fingerprint is selected, press Ctrl+C (⌘C on a Mac).');
    }
  }
  return (
    <div className="office-fingerprint-row">
      <span ref={box}>
        <Fingerprint value={value} grid />
      </span>
      <button type="button" onClick={() => void copy()} data-testid="office-fingerprint-copy">
        Copy
      </button>
      {said ? (
        <span className="small muted" role="status">
          {said}
        </span>
      ) : null}
    </div>
  );
}

const COLUMNS = ['Staff', 'Desk', 'Address', 'Signed in', 'Last seen', ''];

function SignedInDesks() {
  const { data, error } = useChannel('office.desks', {});
  const [ending, setEnding] = useState<OfficeDesk | null>(null);
  const away = useConnection(isAway);
  // This desk first, then the others as the core lists them.
  const desks = [...(data?.desks ?? [])].sort((x, y) => Number(y.current) - Number(x.current));
  return (
    <>
      <h3>Signed-in desks</h3>
      <FormError message={error ?? undefined} />
      {desks.length ? (
        <div className="table-scroll">
          <table className="table office-desks" aria-label="Signed-in desks" data-testid="office-desks">
            <TableHead columns={COLUMNS} />
            <tbody>
              {desks.map((d) => (
                <tr key={d.id} data-testid={`office-desk-${d.id}`} data-current={d.current}>
                  <td>
                    {d.staff}
                    {d.current ? <span className="badge office-this-desk">this desk</span> : null}
                  </td>
                  <td className="truncate">{d.desk ?? <span className="muted">—</span>}</td>
                  <td className="mono">{d.address ?? <span className="muted">—</span>}</td>
                  <td className="office-time">{formatTime(d.signedInAt)}</td>
                  <td className="office-time">{formatTime(d.lastSeenAt)}</td>
                  <td>
                    {d.current ? null : (
                      <button
                        type="button"
                        className="link"
                        disabled={away}
                        onClick={() => setEnding(d)}
                        aria-label={`Sign out that desk: ${d.staff}`}
                        title="Sign out that desk"
                        data-testid={`office-sign-out-${d.id}`}
                      >
                        Sign out…
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : data ? (
        <p className="muted">Nobody is signed in.</p>
      ) : null}
      {ending ? <SignOutDialog desk={ending} onClose={() => setEnding(null)} /> : null}
    </>
  );
}

function SignOutDialog({ desk, onClose }: { desk: OfficeDesk; onClose(): void }) {
  const { errors, busy, away, run } = useFormSubmit({ clearOnRun: true });
  const where = [desk.desk, desk.address].filter(Boolean).join(', ');
  const confirm = () =>
    run(async () => {
      await api().call('office.signOutDesk', { id: desk.id });
      await refetch('office.desks');
      onClose();
    });
  return (
    <Dialog title="Sign out that desk" onClose={onClose} testId="office-sign-out">
      <div className="form">
        <p>
          {desk.staff}
          {where ? ` at ${where}` : ''} is signed out at once: that window goes back to the sign-in screen, and what
          they were typing there is not saved.
        </p>
        <FormError message={errors.form} />
        <div className="form-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="primary"
            disabled={busy || away}
            onClick={() => void confirm()}
            data-testid="office-sign-out-confirm"
          >
            {busy ? 'Signing out…' : 'Sign out that desk'}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
