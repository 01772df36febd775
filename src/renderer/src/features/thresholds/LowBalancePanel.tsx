/**
 * Low balance notifications on the client's page: the profile in force and why, the three rules as they
 * apply to this client (threshold and switch from the profile or the client's own override, below now or
 * not, how many sent, when next checked), an override form per rule, and the timeline of decisions.
 */
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { Client, ClientThresholds, Profile, RuleKind, RuleView } from '../../../../shared/contracts';
import { formatRunDry } from '../../../../shared/forecast';
import { formatMoney, MoneyError, parseAmount, toDecimalString } from '../../../../shared/money';
import { errorsFrom, messageOf } from '../../api/errors';
import { useFormSubmit, type FormRead } from '../../ui/useFormSubmit';
import { refetch } from '../../data/useChannel';
import { useCoreNow } from '../../data/core-now';
import { clearOverride, reloadThresholds, setOverride, setProfile, useClientThresholds } from './thresholds';
import { Field, FormError } from '../../ui/Field';
import { ConflictNotice } from '../../ui/ConflictNotice';
import { formatHours, When } from '../../ui/When';
import { Money } from '../../ui/Money';
import { NotificationTimeline, RULE_LABEL } from '../notifications/NotificationTimeline';
import { TableHead } from '../../ui/TableHead';
import { ThresholdSuggestion } from './ThresholdSuggestion';
import { useCan } from '../../stores/session';
import './LowBalancePanel.css';
import './thresholds.css';

const RULE_COLUMNS = [
  'Rule',
  { label: 'Threshold', num: true },
  'From',
  'On',
  'State',
  'Last sent',
  'Next check',
  { label: '', num: true },
];

export function LowBalancePanel({ client }: { client: Client }) {
  const { rules, profiles, timeline } = useClientThresholds(client);
  const now = useCoreNow();
  const [editing, setEditing] = useState<RuleKind | null>(null);
  const overrideButtons = useRef<Partial<Record<RuleKind, HTMLButtonElement | null>>>({});

  // The client's profile changed (here or elsewhere): the rules in force change with it.
  const profileId = useRef(client.profileId);
  useEffect(() => {
    if (profileId.current === client.profileId) return;
    profileId.current = client.profileId;
    void refetch('thresholds.get', { clientId: client.id });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the panel shows one client: its profile is what changes
  }, [client.profileId]);

  const data = rules.data;
  const error = rules.error ?? profiles.error ?? timeline.error;
  const retry = () => void Promise.all([rules.refetch(), profiles.refetch(), timeline.refetch()]);

  function closeForm(kind: RuleKind) {
    setEditing(null);
    // Back to the button that opened the form, for keyboard users.
    requestAnimationFrame(() => overrideButtons.current[kind]?.focus());
  }

  return (
    <section className="card lb-panel" aria-labelledby="low-balance-title" data-testid="low-balance-panel">
      <h2 id="low-balance-title">Low balance notifications</h2>
      {error ? (
        <div className="banner banner-error" role="alert">
          {error}{' '}
          <button type="button" className="link" onClick={retry}>
            Try again
          </button>
        </div>
      ) : null}
      {!data ? (
        error ? null : (
          <p className="muted">Loading the low balance rules…</p>
        )
      ) : (
        <>
          <ProfileLine client={client} data={data} profiles={profiles.data} />
          <div className="table-scroll">
            <table className="table lb-rules" data-testid="rules-table">
              <TableHead columns={RULE_COLUMNS} />
              <tbody>
                {data.rules.map((rule) => (
                  <RuleRows
                    key={rule.kind}
                    rule={rule}
                    data={data}
                    now={now}
                    editing={editing === rule.kind}
                    buttonRef={(el) => {
                      overrideButtons.current[rule.kind] = el;
                    }}
                    onEdit={() => setEditing(editing === rule.kind ? null : rule.kind)}
                    onClose={() => closeForm(rule.kind)}
                  />
                ))}
                {data.forecast && data.profile ? (
                  <ForecastRow forecast={data.forecast} profile={data.profile} now={now} />
                ) : null}
              </tbody>
            </table>
          </div>
          <ThresholdSuggestion clientId={client.id} data={data} />
          <h3 className="lb-subhead">Decisions</h3>
          <NotificationTimeline
            notifications={timeline.items}
            now={now}
            hasMore={timeline.more}
            loadingMore={timeline.loadingMore}
            onLoadMore={timeline.loadMore}
          />
        </>
      )}
    </section>
  );
}

/** The profile in force, why, and the select that assigns another one. */
function ProfileLine({
  client,
  data,
  profiles,
}: {
  client: Client;
  data: ClientThresholds;
  profiles: Profile[] | null;
}) {
  // A refusal shows under the select, whether or not the core named the field.
  const { busy, errors, run } = useFormSubmit({
    clearOnRun: true,
    errorsOf: (e) => ({ profileId: errorsFrom(e, ['profileId']).profileId ?? messageOf(e) }),
  });
  const fallback = profiles?.find((p) => p.isDefault) ?? null;
  const p = data.profile;

  const change = (value: string) => run(() => setProfile(client.id, value === '' ? null : Number(value)));

  // An assigned profile the list does not hold (yet): still shown as the selected option.
  const assignedMissing =
    client.profileId !== null && profiles !== null && !profiles.some((x) => x.id === client.profileId);

  return (
    <div className="lb-profile">
      <div className="lb-profile-main">
        <div className="lb-label">Profile in force</div>
        {p ? (
          <div className="lb-profile-name" data-testid="profile-in-force" data-profile-id={p.id} data-source={p.source}>
            <a href={`#/profiles/${p.id}`}>{p.name}</a>{' '}
            <span className="muted">
              {p.source === 'assigned' ? '(assigned)' : `(the reseller's default for ${data.currency})`}
            </span>
          </div>
        ) : (
          <div className="lb-profile-name lb-profile-none">
            <span data-testid="profile-in-force" data-source="none">
              No low balance profile: {client.resellerName} has no default {data.currency} profile
            </span>{' '}
            · <a href="#/profiles/new">Create a profile</a>
          </div>
        )}
        {p ? (
          <div className="muted small">
            Up to {p.maxQty} {p.maxQty === 1 ? 'notification' : 'notifications'} per rule while below, one every{' '}
            {formatHours(p.periodHours)}; a refill starts the count again.
          </div>
        ) : (
          <div className="muted small">No rule watches this client's balance until it has a profile.</div>
        )}
      </div>
      <Field label="Profile" name="profileId" error={errors.profileId} className="lb-profile-select">
        {(f) => (
          <select
            {...f}
            data-testid="profile-select"
            value={client.profileId === null ? '' : String(client.profileId)}
            disabled={busy || profiles === null}
            onChange={(e) => void change(e.target.value)}
          >
            <option value="">Reseller's default ({fallback ? fallback.name : 'none'})</option>
            {assignedMissing ? <option value={String(client.profileId)}>Profile #{client.profileId}</option> : null}
            {(profiles ?? []).map((x) => (
              <option key={x.id} value={String(x.id)}>
                {x.name}
                {x.isDefault ? ' (the default)' : ''}
              </option>
            ))}
          </select>
        )}
      </Field>
    </div>
  );
}

function RuleRows(props: {
  rule: RuleView;
  data: ClientThresholds;
  now: number;
  editing: boolean;
  buttonRef(el: HTMLButtonElement | null): void;
  onEdit(): void;
  onClose(): void;
}) {
  const { rule, data, now } = props;
  const canOverride = useCan('thresholds.set');
  const noProfile = !data.profile && rule.thresholdSource === 'profile';
  const maxQty = data.profile?.maxQty;
  const formId = `override-form-${rule.kind}`;
  return (
    <>
      <tr
        data-testid={`rule-${rule.kind}`}
        data-enabled={String(rule.enabled)}
        data-below={String(rule.below)}
        data-threshold-source={rule.thresholdSource}
        data-enabled-source={rule.enabledSource}
        className={props.editing ? 'lb-rule-editing' : undefined}
      >
        <td>
          <div className="lb-rule-name">{RULE_LABEL[rule.kind]}</div>
          {rule.kind === 'inactivity' && rule.inactivityHours !== null ? (
            <div className="muted small">after {formatHours(rule.inactivityHours)} without usage</div>
          ) : null}
        </td>
        <td className="num">
          {noProfile ? (
            <span className="muted">—</span>
          ) : (
            <Money amount={rule.threshold} currency={data.currency} testId={`threshold-${rule.kind}`} />
          )}
        </td>
        <td>
          {noProfile ? (
            <span className="muted small">no profile</span>
          ) : rule.thresholdSource === 'client' ? (
            <span
              className="lb-badge lb-src-client"
              title={`The profile's threshold is ${formatMoney(rule.profileThreshold, data.currency)}`}
            >
              client threshold
            </span>
          ) : (
            <span className="lb-badge lb-src-profile">profile</span>
          )}
        </td>
        <td className="nowrap">
          <span className={rule.enabled ? 'lb-on' : 'lb-off'}>{rule.enabled ? 'On' : 'Off'}</span>{' '}
          <span className="muted small">{rule.enabledSource === 'client' ? 'for this client' : 'in the profile'}</span>
        </td>
        <StateCells
          kind={rule.kind}
          enabled={rule.enabled}
          below={rule.below}
          belowLabel="below now"
          state={rule}
          maxQty={maxQty}
          now={now}
        />
        <td className="num">
          <button
            type="button"
            ref={props.buttonRef}
            hidden={!canOverride}
            className="lb-small-button"
            data-testid={`override-${rule.kind}`}
            aria-expanded={props.editing}
            aria-controls={props.editing ? formId : undefined}
            aria-label={`Override the ${RULE_LABEL[rule.kind].toLowerCase()} rule for this client`}
            onClick={props.onEdit}
          >
            Override
          </button>
        </td>
      </tr>
      {props.editing ? (
        <tr className="lb-override-row">
          <td colSpan={RULE_COLUMNS.length}>
            <OverrideForm
              id={formId}
              clientId={data.clientId}
              rule={rule}
              currency={data.currency}
              version={data.version}
              onClose={props.onClose}
            />
          </td>
        </tr>
      ) : null}
    </>
  );
}

/**
 * The profile's forecast rule beside the three: it has no threshold and no client override (the forecast is
 * its test), so its row says what it watches and links to the profile where it is set.
 */
function ForecastRow(props: {
  forecast: NonNullable<ClientThresholds['forecast']>;
  profile: NonNullable<ClientThresholds['profile']>;
  now: number;
}) {
  const { forecast: f, profile, now } = props;
  return (
    <tr data-testid="rule-forecast" data-enabled={String(f.enabled)} data-below={String(f.within)}>
      <td>
        <div className="lb-rule-name">{RULE_LABEL.forecast}</div>
        <div className="muted small">
          {f.withinHours > 0
            ? `when forecast to run dry within ${formatHours(f.withinHours)}`
            : 'when forecast to run dry'}
          {f.enabled
            ? f.runDryAt
              ? `; runs dry ${formatRunDry(Date.parse(f.runDryAt), now)}`
              : '; no usage to forecast from'
            : ''}
        </div>
      </td>
      <td className="num">
        <span className="muted">—</span>
      </td>
      <td>
        <span className="lb-badge lb-src-profile">profile</span>
      </td>
      <td className="nowrap">
        <span className={f.enabled ? 'lb-on' : 'lb-off'}>{f.enabled ? 'On' : 'Off'}</span>{' '}
        <span className="muted small">in the profile</span>
      </td>
      <StateCells
        kind="forecast"
        enabled={f.enabled}
        below={f.within}
        belowLabel="due to run dry"
        state={f}
        maxQty={profile.maxQty}
        now={now}
      />
      <td className="num">
        <a
          className="small"
          href={`#/profiles/${profile.id}`}
          title="The forecast rule has no client override: change it in the profile"
        >
          set in the profile
        </a>
      </td>
    </tr>
  );
}

/** A rule's State, Last sent and Next check cells: below (how many of the quota sent) or ok, and its times. */
function StateCells(props: {
  kind: string;
  enabled: boolean;
  below: boolean;
  belowLabel: string;
  state: { sent: number; lastSentAt: string | null; nextCheckAt: string | null };
  maxQty: number | undefined;
  now: number;
}) {
  const { state, now } = props;
  return (
    <>
      <td className="nowrap" data-testid={`state-${props.kind}`}>
        {!props.enabled ? (
          <span className="muted">—</span>
        ) : props.below ? (
          <>
            <span className="lb-badge lb-state-below">{props.belowLabel}</span>
            <div className="small lb-sent">
              {state.sent} of {props.maxQty ?? '?'} sent
            </div>
          </>
        ) : (
          <span className="lb-badge lb-state-ok">ok</span>
        )}
      </td>
      <td className="nowrap">
        <When iso={state.lastSentAt} now={now} past />
      </td>
      <td className="nowrap">
        <When iso={state.nextCheckAt} now={now} due />
      </td>
    </>
  );
}

const FORM_FIELDS = ['threshold', 'enabled'];

/** The client's own threshold and switch for one rule. Enter saves, Esc cancels. */
function OverrideForm(props: {
  id: string;
  clientId: number;
  rule: RuleView;
  currency: string;
  /** The version of the client's thresholds when the form opened: sent back with the save. */
  version: number;
  onClose(): void;
}) {
  const { rule, currency } = props;
  const textOf = (r: RuleView) =>
    r.override?.threshold != null ? toDecimalString(r.override.threshold, currency) : '';
  const [text, setText] = useState(textOf(rule));
  const [enabled, setEnabled] = useState(rule.enabled);
  const [version, setVersion] = useState(props.version);
  const form = useFormSubmit({ fields: FORM_FIELDS });
  const { errors, busy } = form;
  const profileThreshold = formatMoney(rule.profileThreshold, currency);

  /** The threshold as typed: empty keeps the profile's (null). */
  function read(): FormRead<{ threshold: number | null }> {
    try {
      return { input: { threshold: text.trim() === '' ? null : parseAmount(text, currency) }, found: {} };
    } catch (err) {
      return { input: null, found: { threshold: err instanceof MoneyError ? capitalize(err.message) : String(err) } };
    }
  }

  function save(e?: FormEvent) {
    e?.preventDefault();
    void form.submit(read(), async ({ threshold }) => {
      await setOverride(props.clientId, rule.kind, threshold, enabled, version);
      props.onClose();
    });
  }

  const clear = () =>
    form.run(async () => {
      await clearOverride(props.clientId, rule.kind, version);
      props.onClose();
    });

  function onKeyDown(e: KeyboardEvent<HTMLFormElement>) {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      props.onClose();
    } else if (e.key === 'Enter' && e.target instanceof HTMLInputElement && e.target.type === 'checkbox') {
      // A checkbox does not submit its form on Enter by itself.
      e.preventDefault();
      void save();
    }
  }

  return (
    <form
      id={props.id}
      ref={form.ref}
      className="lb-override"
      onSubmit={save}
      onKeyDown={onKeyDown}
      aria-label={`Override the ${RULE_LABEL[rule.kind].toLowerCase()} rule`}
      data-testid={`override-form-${rule.kind}`}
      noValidate
    >
      <Field
        label={`Threshold (${currency})`}
        name="threshold"
        error={errors.threshold}
        className="lb-override-threshold"
        hint={`Empty keeps the profile's threshold, ${profileThreshold}.`}
      >
        {(f) => (
          <input
            {...f}
            className="num"
            inputMode="decimal"
            autoFocus
            placeholder={toDecimalString(rule.profileThreshold, currency)}
            value={text}
            onChange={(e) => setText(e.target.value)}
            spellCheck={false}
            autoComplete="off"
          />
        )}
      </Field>
      <div className="lb-override-enabled">
        <label className="lb-check">
          <input
            type="checkbox"
            name="enabled"
            checked={enabled}
            onChange={(e) => setEnabled(e.target.checked)}
            aria-invalid={!!errors.enabled}
          />
          On for this client
        </label>
        <div className="field-hint">The profile has this rule {rule.profileEnabled ? 'on' : 'off'}.</div>
        {errors.enabled ? (
          <div className="field-error" role="alert" data-testid="error-enabled">
            {errors.enabled}
          </div>
        ) : null}
      </div>
      <div className="lb-override-actions">
        <button
          type="button"
          className="link"
          data-testid="clear-override"
          disabled={busy || !rule.override}
          title={
            rule.override
              ? "Remove this client's override: the profile's threshold and switch apply again"
              : 'This client has no override of this rule'
          }
          onClick={() => void clear()}
        >
          Use the profile's values
        </button>
        <button type="button" onClick={props.onClose} disabled={busy}>
          Cancel
        </button>
        <button type="submit" className="primary" data-testid="save-override" disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>
      </div>
      <FormError message={errors.form} />
      <ConflictNotice
        message={form.conflict}
        onReload={() =>
          form.reload(
            () => reloadThresholds(props.clientId),
            (fresh) => {
              const r = fresh.rules.find((x) => x.kind === rule.kind) ?? rule;
              setText(textOf(r));
              setEnabled(r.enabled);
              setVersion(fresh.version);
            },
          )
        }
      />
    </form>
  );
}

function capitalize(s: string) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
