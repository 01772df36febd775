/**
 * "Delete profile?": says what happens to the clients that use the profile before anything is deleted.
 * Cancel has the focus and Esc closes, so a stray Enter deletes nothing. The profile is read again on
 * opening, so the counts are today's, not the list's.
 */
import { useEffect, useRef } from 'react';
import type { Profile } from '../../../../shared/contracts';
import { POINTS } from '../../../../shared/money';
import { useFormSubmit } from '../../ui/useFormSubmit';
import { useChannel } from '../../data/useChannel';
import { deleteProfile, type DeleteResult } from './profiles';
import { Dialog } from '../../ui/Dialog';
import { FormError } from '../../ui/Field';
import './ProfileDeleteDialog.css';

const count = new Intl.NumberFormat();

export function clients(n: number): string {
  return `${count.format(n)} ${n === 1 ? 'client' : 'clients'}`;
}

/** The sentences of the dialog, for the profile as it is now. */
export function deleteConsequences(p: Profile): string[] {
  const cur = p.currency === POINTS ? 'points' : p.currency;
  const uses = p.clientCount === 1 ? 'uses' : 'use';
  const lines = [`${clients(p.clientCount)} ${uses} this profile.`];
  const assigned =
    p.assignedClients === 1 ? 'Its 1 assigned client' : `Its ${count.format(p.assignedClients)} assigned clients`;
  if (p.isDefault) {
    lines.push(
      `It is ${p.resellerName}'s default ${cur} profile: the clients that follow it will have no low balance profile — no low balance notifications — until another ${cur} profile is made the default.`,
    );
    if (p.assignedClients > 0) lines.push(`${assigned} will follow the default too, and so have none.`);
  } else if (p.assignedClients === 0) {
    lines.push('No client is assigned to it: deleting it changes no client’s notifications.');
  } else if (p.fallback) {
    lines.push(`${assigned} will follow ${p.fallback.name}, the reseller's default ${cur} profile.`);
  } else {
    lines.push(
      `${assigned} will have no profile — no low balance notifications — because ${p.resellerName} has no default ${cur} profile.`,
    );
  }
  return lines;
}

/** The note after a delete: what happened to the clients. */
export function deletedNote(name: string, r: DeleteResult): string {
  if (r.clientsMoved === 0) return `Deleted “${name}”. No client was assigned to it.`;
  const moved = `${clients(r.clientsMoved)} ${r.clientsMoved === 1 ? 'was' : 'were'} assigned to it`;
  const one = r.clientsMoved === 1;
  return r.fallback
    ? `Deleted “${name}”. ${moved} and now ${one ? 'follows' : 'follow'} ${r.fallback.name}.`
    : `Deleted “${name}”. ${moved} and now ${one ? 'has' : 'have'} no profile.`;
}

export function ProfileDeleteDialog(props: {
  profile: Profile;
  onClose(): void;
  onDeleted(result: DeleteResult, profile: Profile): void;
}) {
  // Read again on opening, so the counts are today's.
  const fresh = useChannel('profiles.get', { id: props.profile.id });
  const p = (!fresh.loading && fresh.data) || props.profile;
  const { busy, errors, run } = useFormSubmit({ clearOnRun: true });
  const cancelRef = useRef<HTMLButtonElement>(null);

  // The Dialog (a child, so its effect ran first) has opened; the safe choice takes the focus.
  useEffect(() => {
    cancelRef.current?.focus();
  }, []);

  const confirm = () => run(async () => props.onDeleted(await deleteProfile(p.id), p));

  return (
    <Dialog title="Delete profile" onClose={props.onClose} testId="profile-delete-dialog">
      <div className="profile-delete" data-testid="profile-delete-message">
        <p>
          Delete the low balance profile <strong data-testid="profile-delete-name">{p.name}</strong> of {p.resellerName}
          ?
        </p>
        {deleteConsequences(p).map((line) => (
          <p key={line}>{line}</p>
        ))}
        <p className="muted small">Deleting cannot be undone; the notification log keeps what was sent.</p>
      </div>
      <FormError message={errors.form} />
      <div className="form-actions profile-dialog-actions">
        <button type="button" ref={cancelRef} onClick={props.onClose} data-testid="cancel-delete-profile">
          Cancel
        </button>
        <button
          type="button"
          className="profile-danger"
          disabled={busy}
          onClick={() => void confirm()}
          data-testid="confirm-delete-profile"
        >
          {busy ? 'Deleting…' : 'Delete profile'}
        </button>
      </div>
    </Dialog>
  );
}
