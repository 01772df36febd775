/**
 * One Low Balance Profile: a new one (#/profiles/new) or an existing one (#/profiles/<id>), with how many
 * clients use it and a delete that says what happens to them.
 */
import { LoadState } from '../ui/LoadState';
import { useEffect, useState } from 'react';
import { ProfileDeleteDialog, deletedNote } from '../features/profiles/ProfileDeleteDialog';
import { ProfileForm } from '../features/profiles/ProfileForm';
import { useChannel } from '../data/useChannel';
import { useResellers } from '../features/clients/resellers';
import { createProfile, updateProfile } from '../features/profiles/profiles';
import { useProfilesView } from '../stores/profiles';
import { navigate } from '../stores/route';
import { useCan } from '../stores/session';
import './Profile.css';

const count = new Intl.NumberFormat();

export function ProfileScreen({ id }: { id: number | 'new' }) {
  const canDelete = useCan('profiles.delete');
  const view = useProfilesView();
  // Counts change as clients are assigned elsewhere (the contract's staleOn); the form keeps what the user is typing.
  const current = useChannel('profiles.get', id === 'new' ? null : { id });
  const resellers = useResellers();
  const [deleting, setDeleting] = useState(false);

  useEffect(() => () => useProfilesView.getState().clearNote('profile'), []);

  useEffect(() => {
    // A new profile's page opens where its form was: at the top, where the note says it was created.
    document.getElementById('content')?.scrollTo({ top: 0 });
  }, [id]);

  const toList = () => navigate({ screen: 'profiles' });

  const back = (
    <a className="back" href="#/profiles">
      ← Low balance profiles
    </a>
  );

  if (!resellers.loaded) {
    return (
      <section className="screen profile-page">
        {back}
        <p className="muted">Loading…</p>
      </section>
    );
  }

  if (id === 'new') {
    return (
      <section className="screen profile-page" aria-labelledby="profile-title">
        {back}
        <header className="screen-head">
          <div>
            <h1 id="profile-title">New low balance profile</h1>
            <p className="muted">
              A named notification policy. Clients are given it on their page, or follow it when it is their reseller's
              default.
            </p>
          </div>
        </header>
        {resellers.items.length === 0 ? (
          <div className="empty" role="alert">
            A profile belongs to a reseller, and there is none yet. Create a client first: its form adds the first
            reseller.
          </div>
        ) : (
          <ProfileForm
            key="new"
            resellers={resellers.items}
            defaultResellerId={view.resellerId}
            submitLabel="Create profile"
            onCancel={toList}
            onSubmit={async (input) => {
              const created = await createProfile(input);
              view.setNote({ where: created.id, text: `Profile “${created.name}” created.` });
              navigate({ screen: 'profile', id: created.id });
              return created;
            }}
          />
        )}
      </section>
    );
  }

  const p = current.notFound ? null : current.data;
  if (!p) {
    return (
      <section className="screen profile-page">
        {back}
        <LoadState
          what="low balance profile"
          id={id}
          notFound={current.notFound}
          error={current.error}
          listHref="#/profiles"
          listLabel="Back to the list"
          onRetry={() => void current.refetch()}
        />
      </section>
    );
  }

  const note = view.note?.where === id ? view.note.text : null;
  const following = p.clientCount - p.assignedClients;
  const usage =
    p.clientCount === 0
      ? 'Used by 0 clients: no client is assigned this profile.'
      : p.isDefault
        ? `Used by ${count.format(p.clientCount)} ${p.clientCount === 1 ? 'client' : 'clients'} (${count.format(p.assignedClients)} assigned, the rest follow it as the default).`
        : `Used by ${count.format(p.clientCount)} ${p.clientCount === 1 ? 'client' : 'clients'} (${count.format(p.assignedClients)} assigned).`;

  return (
    <section className="screen profile-page" aria-labelledby="profile-title">
      {back}
      <header className="screen-head">
        <div>
          <h1 id="profile-title" data-testid="profile-name">
            {p.name}
            {p.isDefault ? (
              <span className="badge profile-badge-default profile-title-badge">default {p.currency}</span>
            ) : null}
          </h1>
          <p
            className="muted"
            data-testid="profile-usage"
            title={p.isDefault ? `${count.format(following)} follow it as ${p.resellerName}'s default` : undefined}
          >
            {p.resellerName} · {p.currency} · {usage}
          </p>
        </div>
        {canDelete ? (
          <div className="toolbar">
            <button
              type="button"
              className="profile-danger-outline"
              data-testid="delete-profile"
              onClick={() => setDeleting(true)}
            >
              Delete…
            </button>
          </div>
        ) : null}
      </header>

      {note ? (
        <div className="banner profile-banner-ok" role="status" data-testid="profile-note">
          {note}
        </div>
      ) : null}
      {current.error ? (
        <div className="banner banner-error" role="alert">
          {current.error}
        </div>
      ) : null}

      <ProfileForm
        key={p.id}
        initial={p}
        resellers={resellers.items}
        submitLabel="Save"
        onCancel={toList}
        onSubmit={async (input, version) => {
          const stored = await updateProfile({ id: p.id, ...input, version });
          if (useProfilesView.getState().note?.where === p.id) view.setNote(null);
          return stored;
        }}
      />

      {deleting ? (
        <ProfileDeleteDialog
          profile={p}
          onClose={() => setDeleting(false)}
          onDeleted={(result, deleted) => {
            setDeleting(false);
            view.setNote({ where: 'list', text: deletedNote(deleted.name, result) });
            navigate({ screen: 'profiles' });
          }}
        />
      ) : null}
    </section>
  );
}
