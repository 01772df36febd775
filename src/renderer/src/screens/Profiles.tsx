/**
 * Low Balance Profiles: every profile (or one reseller's), in sort order, with how many clients use each,
 * which is its reseller's default for its currency, and a delete that says what happens to those clients.
 */
import { useEffect, useState } from 'react';
import type { Profile } from '../../../shared/contracts';
import { POINTS } from '../../../shared/money';
import { clients, deletedNote, ProfileDeleteDialog } from '../features/profiles/ProfileDeleteDialog';
import { TableHead } from '../ui/TableHead';
import { formatHours } from '../ui/When';
import { useChannel } from '../data/useChannel';
import { useResellers } from '../features/clients/resellers';
import { useProfilesView } from '../stores/profiles';
import { hrefOf, navigate } from '../stores/route';
import { useCan } from '../stores/session';
import { ResellerOptions } from '../features/clients/ResellerForm';
import './Profiles.css';

const count = new Intl.NumberFormat();

const COLUMNS = [
  { label: 'Sort order', num: true },
  'Name',
  'Reseller',
  'Currency',
  { label: 'Clients', num: true },
  { label: 'Max Qty', num: true },
  { label: 'Period', num: true },
  { label: 'Actions' },
];

export function ProfilesScreen() {
  const canCreate = useCan('profiles.create');
  const canDelete = useCan('profiles.delete');
  const view = useProfilesView();
  // Another reseller chosen: the list before stays until its own arrives.
  const list = useChannel('profiles.list', view.resellerId === null ? {} : { resellerId: view.resellerId }, {
    keep: true,
  });
  const s = {
    items: list.data ?? [],
    loaded: list.data !== null || list.error !== null,
    error: list.error,
    resellerId: view.resellerId,
  };
  const resellers = useResellers();
  const [deleting, setDeleting] = useState<Profile | null>(null);

  useEffect(() => () => useProfilesView.getState().clearNote('list'), []);

  const note = view.note?.where === 'list' ? view.note.text : null;
  const filtered = s.resellerId !== null;
  const reseller = resellers.items.find((r) => r.id === s.resellerId);

  return (
    <section className="screen profiles-screen" aria-labelledby="profiles-title">
      <header className="screen-head">
        <div>
          <h1 id="profiles-title">Low balance profiles</h1>
          <p className="muted" data-testid="profiles-total" aria-live="polite">
            {!s.loaded
              ? 'Loading…'
              : `${count.format(s.items.length)} ${s.items.length === 1 ? 'profile' : 'profiles'}${reseller ? ` of ${reseller.name}` : ''}`}
          </p>
        </div>
        <div className="toolbar">
          <select
            className="profiles-filter"
            aria-label="Show the profiles of"
            name="resellerFilter"
            data-testid="profiles-reseller-filter"
            value={s.resellerId ?? ''}
            onChange={(e) => view.setReseller(e.target.value ? Number(e.target.value) : null)}
          >
            <option value="">All resellers</option>
            <ResellerOptions resellers={resellers.items} />
          </select>
          <button
            type="button"
            className="primary"
            data-testid="new-profile"
            hidden={!canCreate}
            onClick={() => navigate({ screen: 'profile', id: 'new' })}
          >
            New profile
          </button>
        </div>
      </header>

      {note ? (
        <div className="banner profile-banner-ok" role="status" data-testid="profiles-note">
          {note}
        </div>
      ) : null}

      {s.error ? (
        <div className="banner banner-error" role="alert">
          Could not load the profiles: {s.error}{' '}
          <button type="button" className="link" onClick={() => void list.refetch()}>
            Try again
          </button>
        </div>
      ) : null}

      {s.loaded && s.items.length === 0 && !s.error ? (
        <div className="card profiles-empty" data-testid="profiles-empty">
          <p>
            {filtered
              ? `${reseller?.name ?? 'This reseller'} has no low balance profile yet.`
              : 'There is no low balance profile yet.'}
          </p>
          <p className="muted">
            A low balance profile is a named notification policy: below which available balance to email the reseller's
            staff, the client, or an inactive client, how often, and how many times. A client uses the profile assigned
            to it; clients without one follow their reseller's default profile for their currency.
          </p>
          <button
            type="button"
            className="primary"
            hidden={!canCreate}
            onClick={() => navigate({ screen: 'profile', id: 'new' })}
          >
            Create the first profile
          </button>
        </div>
      ) : s.items.length > 0 ? (
        <div className="card profiles-card">
          <div className="table-scroll">
            <table className="table profiles-table" data-testid="profiles-table" aria-label="Low balance profiles">
              <TableHead columns={COLUMNS} />
              <tbody>
                {s.items.map((p) => (
                  <tr key={p.id} data-testid={`profile-row-${p.id}`}>
                    <td className="num">{p.sortOrder}</td>
                    <td className="truncate profiles-name">
                      <a href={hrefOf({ screen: 'profile', id: p.id })} title={`Open ${p.name}`}>
                        {p.name}
                      </a>
                    </td>
                    <td className="truncate muted">{p.resellerName}</td>
                    <td>{p.currency === POINTS ? 'Points' : p.currency}</td>
                    <td className="num">
                      {p.isDefault ? (
                        <span
                          className="badge profile-badge-default"
                          title={`${p.resellerName}'s default ${p.currency} profile: its ${p.currency} clients without a profile of their own follow it`}
                        >
                          default
                        </span>
                      ) : null}
                      <span
                        title={
                          p.isDefault
                            ? `${count.format(p.assignedClients)} assigned, the rest follow it as the default`
                            : undefined
                        }
                      >
                        {count.format(p.clientCount)}
                      </span>
                    </td>
                    <td className="num">{p.maxQty}</td>
                    <td className="num nowrap">{formatHours(p.periodHours)}</td>
                    <td className="profiles-actions">
                      <button
                        type="button"
                        hidden={!canDelete}
                        className="profiles-row-delete"
                        aria-label={`Delete profile ${p.name}`}
                        title={`Delete ${p.name} (${clients(p.clientCount)} use it)`}
                        data-testid={`delete-profile-${p.id}`}
                        onClick={() => setDeleting(p)}
                      >
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="muted small profiles-foot">
            Clients without a profile of their own follow their reseller's{' '}
            <span className="badge profile-badge-default">default</span> profile for their currency.
          </p>
        </div>
      ) : null}

      {deleting ? (
        <ProfileDeleteDialog
          profile={deleting}
          onClose={() => setDeleting(null)}
          onDeleted={(result, p) => {
            setDeleting(null);
            view.setNote({ where: 'list', text: deletedNote(p.name, result) });
          }}
        />
      ) : null}
    </section>
  );
}
