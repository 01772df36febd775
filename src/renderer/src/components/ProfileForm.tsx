/**
 * A Low Balance Profile on one page: General (name, reseller, currency, order, Max Qty, Period, default)
 * and its rules (reseller staff, client, inactivity), each with its own threshold in the profile's
 * currency, and the optional forecast rule (run dry within N hours). What the user typed stays on screen whatever goes wrong; errors sit next to their input,
 * whether this form found them (a threshold in another currency) or the core did ("clientRule.emails.1").
 * Enter in an input saves, and so does Ctrl/Cmd+Enter anywhere in the form (the email lists too).
 */
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { ChannelInput, Profile, Reseller, StaffUser } from '../../../shared/contracts';
import { COMMON_CURRENCIES, POINTS, toDecimalString } from '../../../shared/money';
import { api, ApiError } from '../api/client';
import { messageOf, type FieldErrors } from '../api/errors';
import { useLiveRefresh } from '../stores/live';
import { Field, FormError, onCtrlEnter, ReadOnlyFields, RoleNote } from './Field';
import { joinEmails, ProfileEmails, splitEmails } from './ProfileEmails';
import { ProfileThreshold, readThreshold, ThresholdError } from './ProfileThreshold';
import '../styles/profiles.css';
import { useCan } from '../stores/session';
import { ResellerOptions } from './ResellerForm';

type Unit = 'hours' | 'days';

interface RuleValues {
  enabled: boolean;
  threshold: string;
  /** The reseller's email (staff rule) or the client's billing email (client and inactivity rules). */
  notify: boolean;
  emails: string;
}

export interface ProfileFormValues {
  name: string;
  resellerId: number | null;
  currency: string;
  sortOrder: string;
  maxQty: string;
  period: string;
  periodUnit: Unit;
  /** null: not chosen yet, so a new profile is the default when its reseller has none in its currency. */
  isDefault: boolean | null;
  staff: RuleValues & { staffIds: number[] };
  client: RuleValues;
  inactivity: RuleValues & { after: string; afterUnit: Unit };
  /** No threshold: "notify when forecast to run dry within" `within`; `notify` is the reseller's email. */
  forecast: Omit<RuleValues, 'threshold'> & { within: string; withinUnit: Unit };
}

export type ProfileInput = Omit<ChannelInput<'profiles.create'>, 'resellerId'> & { resellerId: number };

/** Every input a core error can name; a longer name wins ("staffRule.emails" over "staffRule"). */
const KEYS = [
  'name',
  'resellerId',
  'currency',
  'sortOrder',
  'maxQty',
  'periodHours',
  'isDefault',
  ...['staffRule', 'clientRule', 'inactivityRule', 'forecastRule'].flatMap((r) => [r, `${r}.enabled`, `${r}.threshold`, `${r}.emails`]),
  'staffRule.notifyReseller',
  'staffRule.staffIds',
  'clientRule.notifyClient',
  'inactivityRule.notifyClient',
  'inactivityRule.inactivityHours',
  'forecastRule.notifyReseller',
  'forecastRule.withinHours',
];

function splitHours(hours: number): [string, Unit] {
  return hours >= 48 && hours % 24 === 0 ? [String(hours / 24), 'days'] : [String(hours), 'hours'];
}

export function valuesOf(p?: Profile, defaults: { resellerId?: number | null; currency?: string } = {}): ProfileFormValues {
  const currency = p?.currency ?? defaults.currency ?? 'USD';
  const [period, periodUnit] = splitHours(p?.periodHours ?? 24);
  const [after, afterUnit] = splitHours(p?.inactivityRule.inactivityHours ?? 168);
  const [within, withinUnit] = splitHours(p?.forecastRule.withinHours ?? 24);
  const text = (amount: number, enabled: boolean) => (p && (enabled || amount !== 0) ? toDecimalString(amount, currency) : '');
  return {
    name: p?.name ?? '',
    resellerId: p?.resellerId ?? defaults.resellerId ?? null,
    currency,
    sortOrder: String(p?.sortOrder ?? 0),
    maxQty: String(p?.maxQty ?? 3),
    period,
    periodUnit,
    isDefault: p ? p.isDefault : null,
    staff: {
      enabled: p?.staffRule.enabled ?? false,
      threshold: p ? text(p.staffRule.threshold, p.staffRule.enabled) : '',
      notify: p?.staffRule.notifyReseller ?? true,
      staffIds: p?.staffRule.staffIds ?? [],
      emails: joinEmails(p?.staffRule.emails ?? []),
    },
    client: {
      enabled: p?.clientRule.enabled ?? true,
      threshold: p ? text(p.clientRule.threshold, p.clientRule.enabled) : '',
      notify: p?.clientRule.notifyClient ?? true,
      emails: joinEmails(p?.clientRule.emails ?? []),
    },
    inactivity: {
      enabled: p?.inactivityRule.enabled ?? false,
      threshold: p ? text(p.inactivityRule.threshold, p.inactivityRule.enabled) : '',
      notify: p?.inactivityRule.notifyClient ?? true,
      emails: joinEmails(p?.inactivityRule.emails ?? []),
      after,
      afterUnit,
    },
    forecast: {
      enabled: p?.forecastRule.enabled ?? false,
      notify: p?.forecastRule.notifyReseller ?? true,
      emails: joinEmails(p?.forecastRule.emails ?? []),
      within,
      withinUnit,
    },
  };
}

function capitalize(s: string) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A whole number as typed, or null. */
function wholeNumber(text: string): number | null {
  const t = text.trim();
  return /^-?\d{1,9}$/.test(t) ? Number(t) : null;
}

/** The text of a core error placed next to its input: "clientRule.emails.1 is not…" → "“x@” is not…". */
function serverErrors(err: unknown, sent: ProfileInput | null, staff: readonly StaffUser[]): FieldErrors {
  if (!(err instanceof ApiError) || !err.field) return { form: messageOf(err) };
  const field = err.field;
  const key = KEYS.filter((k) => field === k || field.startsWith(k + '.')).sort((a, b) => b.length - a.length)[0];
  if (!key) return { form: err.message };
  const rest = err.message.startsWith(field + ' ') ? err.message.slice(field.length + 1) : err.message;
  if (field === key) return { [key]: capitalize(rest) };
  const index = Number(field.slice(key.length + 1).split('.')[0]);
  if (key.endsWith('.emails') && sent) {
    const rule = key.split('.')[0] as 'staffRule' | 'clientRule' | 'inactivityRule' | 'forecastRule';
    const address = sent[rule]?.emails?.[index];
    if (address !== undefined) return { [key]: `“${address}” ${rest}` };
  }
  if (key === 'staffRule.staffIds' && sent) {
    const id = sent.staffRule?.staffIds?.[index];
    const user = staff.find((s) => s.id === id);
    if (user) return { [key]: `${user.name}: ${rest}` };
  }
  return { [key]: capitalize(rest) };
}

export function ProfileForm(props: {
  initial?: Profile;
  resellers: Reseller[];
  defaultResellerId?: number | null;
  staffOf(resellerId: number): StaffUser[] | undefined;
  loadStaff(resellerId: number): void;
  submitLabel: string;
  /** Creates or updates; returns the stored profile, or throws ApiError for the form to show. */
  onSubmit(input: ProfileInput): Promise<Profile>;
  onCancel(): void;
}) {
  const canSave = useCan(props.initial ? 'profiles.update' : 'profiles.create');
  const p = props.initial;
  const [values, setValues] = useState<ProfileFormValues>(() =>
    valuesOf(p, { resellerId: props.defaultResellerId ?? (props.resellers.length === 1 ? props.resellers[0].id : null) }),
  );
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [siblings, setSiblings] = useState<Profile[]>([]);
  const formRef = useRef<HTMLFormElement>(null);
  const focusError = useRef(false);
  const sentRef = useRef<ProfileInput | null>(null);

  const reseller = props.resellers.find((r) => r.id === values.resellerId) ?? null;
  const staff = values.resellerId === null ? undefined : props.staffOf(values.resellerId);
  const cur = values.currency;

  // The other profiles of this reseller in this currency: who is the default the checkbox talks about.
  const resellerId = values.resellerId;
  const readSiblings = () => {
    if (resellerId === null) {
      setSiblings([]);
      return;
    }
    api()
      .call('profiles.list', { resellerId, currency: cur })
      .then(
        (list) => setSiblings(list),
        () => setSiblings([]),
      );
  };
  useEffect(readSiblings, [resellerId, cur]);
  useLiveRefresh(['profiles'], readSiblings);

  const { loadStaff, staffOf } = props;
  useEffect(() => {
    if (resellerId !== null && !staffOf(resellerId)) loadStaff(resellerId);
  }, [resellerId, loadStaff, staffOf]);
  useLiveRefresh(['staff'], () => {
    if (resellerId !== null) loadStaff(resellerId);
  });

  useEffect(() => {
    if (!focusError.current) return;
    focusError.current = false;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [errors]);

  const otherDefault = siblings.find((s) => s.isDefault && s.id !== p?.id) ?? null;
  const isDefault = values.isDefault ?? (p ? p.isDefault : !otherDefault);

  const change = (next: (v: ProfileFormValues) => ProfileFormValues) => {
    setSaved(null);
    setValues(next);
  };
  const set = <K extends keyof ProfileFormValues>(k: K, v: ProfileFormValues[K]) => change((s) => ({ ...s, [k]: v }));
  const setRule = <R extends 'staff' | 'client' | 'inactivity' | 'forecast'>(r: R, patch: Partial<ProfileFormValues[R]>) =>
    change((s) => ({ ...s, [r]: { ...s[r], ...patch } }));
  /** What every rule section takes from the form: its id, its switch and the errors. */
  const ruleProps = (r: 'staff' | 'client' | 'inactivity' | 'forecast') => ({
    id: `${r}Rule` as const,
    enabled: values[r].enabled,
    onEnabled: (c: boolean) => setRule(r, { enabled: c }),
    errors,
  });

  const currencies: string[] = [...COMMON_CURRENCIES];
  if (!currencies.includes(cur)) currencies.unshift(cur);
  const inUse = !!p && p.clientCount > 0;
  const resellerLabel = reseller?.name ?? 'the reseller';
  const curLabel = cur === POINTS ? 'points' : cur;

  function read(): { input: ProfileInput | null; found: FieldErrors } {
    const found: FieldErrors = {};
    const v = values;
    if (v.name.trim() === '') found.name = 'Enter a name: it is how clients and the list refer to this profile.';
    if (v.resellerId === null) found.resellerId = 'Choose the reseller that owns this profile.';
    const sortOrder = v.sortOrder.trim() === '' ? 0 : wholeNumber(v.sortOrder);
    if (sortOrder === null) found.sortOrder = 'Enter a whole number, 0 or more.';
    const maxQty = wholeNumber(v.maxQty);
    if (maxQty === null) found.maxQty = 'Enter a whole number from 1 to 1000.';
    const period = wholeNumber(v.period);
    if (period === null) found.periodHours = `Enter a whole number of ${v.periodUnit}.`;
    const after = wholeNumber(v.inactivity.after);
    if (after === null) found['inactivityRule.inactivityHours'] = `Enter a whole number of ${v.inactivity.afterUnit}.`;
    const within = wholeNumber(v.forecast.within);
    if (within === null) found['forecastRule.withinHours'] = `Enter a whole number of ${v.forecast.withinUnit}.`;

    const threshold = (rule: 'staffRule' | 'clientRule' | 'inactivityRule', r: RuleValues): number => {
      try {
        return readThreshold(r.threshold, v.currency, r.enabled ? null : 0);
      } catch (e) {
        found[`${rule}.threshold`] = e instanceof ThresholdError ? e.message : messageOf(e);
        return 0;
      }
    };
    const staffThreshold = threshold('staffRule', v.staff);
    const clientThreshold = threshold('clientRule', v.client);
    const inactivityThreshold = threshold('inactivityRule', v.inactivity);
    if (Object.keys(found).length) return { input: null, found };

    // Only the users of the chosen reseller: a reseller changed on a new profile leaves none behind.
    const staffIds = staff ? staff.map((s) => s.id).filter((id) => v.staff.staffIds.includes(id)) : v.staff.staffIds;

    return {
      found,
      input: {
        resellerId: v.resellerId!,
        name: v.name.trim(),
        currency: v.currency,
        sortOrder: sortOrder!,
        maxQty: maxQty!,
        periodHours: period! * (v.periodUnit === 'days' ? 24 : 1),
        isDefault,
        staffRule: { enabled: v.staff.enabled, threshold: staffThreshold, notifyReseller: v.staff.notify, staffIds, emails: splitEmails(v.staff.emails) },
        clientRule: { enabled: v.client.enabled, threshold: clientThreshold, notifyClient: v.client.notify, emails: splitEmails(v.client.emails) },
        inactivityRule: {
          enabled: v.inactivity.enabled,
          threshold: inactivityThreshold,
          notifyClient: v.inactivity.notify,
          inactivityHours: after! * (v.inactivity.afterUnit === 'days' ? 24 : 1),
          emails: splitEmails(v.inactivity.emails),
        },
        forecastRule: {
          enabled: v.forecast.enabled,
          withinHours: within! * (v.forecast.withinUnit === 'days' ? 24 : 1),
          notifyReseller: v.forecast.notify,
          emails: splitEmails(v.forecast.emails),
        },
      },
    };
  }

  async function submit(e?: FormEvent) {
    e?.preventDefault();
    if (busy || !canSave) return;
    setSaved(null);
    const { input, found } = read();
    if (!input) {
      focusError.current = true;
      setErrors(found);
      return;
    }
    setBusy(true);
    sentRef.current = input;
    try {
      const stored = await props.onSubmit(input);
      setErrors({});
      if (p) {
        // The form shows what was stored (addresses deduplicated, thresholds as the currency writes them).
        setValues(valuesOf(stored));
        setSaved('Saved.');
      }
    } catch (err) {
      focusError.current = true;
      setErrors(serverErrors(err, sentRef.current, staff ?? []));
    } finally {
      setBusy(false);
    }
  }

  const onKeyDown = onCtrlEnter(() => void submit());

  const defaultHint = isDefault
    ? otherDefault
      ? `Replaces “${otherDefault.name}” as ${resellerLabel}'s default ${curLabel} profile.`
      : `${capitalize(resellerLabel)}'s ${curLabel} clients without a profile of their own follow this one.`
    : p?.isDefault
      ? `${capitalize(resellerLabel)} will have no default ${curLabel} profile: its ${curLabel} clients without a profile of their own get no low balance notifications.`
      : otherDefault
        ? `Clients without a profile of their own follow “${otherDefault.name}”.`
        : `${capitalize(resellerLabel)} has no default ${curLabel} profile: its ${curLabel} clients without a profile of their own get no low balance notifications.`;

  return (
    <form ref={formRef} className="form profile-form" onSubmit={submit} onKeyDown={onKeyDown} aria-label={p ? `Edit profile ${p.name}` : 'New profile'} noValidate data-testid="profile-form">
      <ReadOnlyFields readOnly={!canSave}>
        <section className="card profile-section" aria-labelledby="profile-general">
          <h2 id="profile-general">General</h2>
          <div className="profile-grid">
            <Field label="Name" name="name" error={errors.name} className="profile-span-2">
              {(f) => <input {...f} value={values.name} onChange={(e) => set('name', e.target.value)} autoFocus={!p} autoComplete="off" maxLength={120} />}
            </Field>
            <Field
              label="Reseller"
              name="resellerId"
              error={errors.resellerId}
              hint={inUse ? 'Fixed: clients of this reseller use the profile.' : undefined}
            >
              {(f) => (
                <select
                  {...f}
                  value={values.resellerId ?? ''}
                  disabled={inUse}
                  onChange={(e) =>
                    change((s) => ({ ...s, resellerId: e.target.value ? Number(e.target.value) : null, staff: { ...s.staff, staffIds: [] } }))
                  }
                >
                  <option value="">Choose a reseller</option>
                  <ResellerOptions resellers={props.resellers} />
                </select>
              )}
            </Field>
            <Field label="Currency" name="currency" error={errors.currency} hint={inUse ? `Fixed: ${p!.clientCount} clients in ${p!.currency} use it.` : undefined}>
              {(f) => (
                <select {...f} value={cur} disabled={inUse} onChange={(e) => set('currency', e.target.value)}>
                  {currencies.map((code) => (
                    <option key={code} value={code}>
                      {code === POINTS ? 'Points (no decimals)' : code}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Sort order" name="sortOrder" error={errors.sortOrder} hint="Lower comes first in the list.">
              {(f) => <input {...f} type="number" className="num" min={0} max={1000000} step={1} value={values.sortOrder} onChange={(e) => set('sortOrder', e.target.value)} />}
            </Field>
            <Field label="Max Qty" name="maxQty" error={errors.maxQty} hint="Most notifications per rule; the count restarts when the balance is refilled.">
              {(f) => <input {...f} type="number" className="num" min={1} max={1000} step={1} value={values.maxQty} onChange={(e) => set('maxQty', e.target.value)} />}
            </Field>
            <Duration
              label="Period"
              name="periodHours"
              unitName="periodUnit"
              value={values.period}
              unit={values.periodUnit}
              error={errors.periodHours}
              hint="How often to check and send again, e.g. 24 hours."
              onValue={(t) => set('period', t)}
              onUnit={(u) => set('periodUnit', u)}
            />
          </div>
          <Check name="isDefault" checked={isDefault} onChange={(c) => set('isDefault', c)} error={errors.isDefault} hint={defaultHint}>
            Default profile for this reseller and currency
          </Check>
        </section>

        <RuleSection
          {...ruleProps('staff')}
          title="Reseller staff notification"
          intro="Tells the reseller's people that a client is running low."
        >
          <div className="profile-rule-grid">
            <div className="profile-stack">
              <ProfileThreshold name="staffRule.threshold" value={values.staff.threshold} currency={cur} error={errors['staffRule.threshold']} onChange={(t) => setRule('staff', { threshold: t })} />
              <Check name="staffRule.notifyReseller" checked={values.staff.notify} onChange={(c) => setRule('staff', { notify: c })} error={errors['staffRule.notifyReseller']}>
                Notify the reseller's email ({reseller ? (reseller.email ?? 'none set') : 'choose a reseller'})
              </Check>
            </div>
            <StaffUsers
              reseller={reseller}
              staff={staff}
              chosen={values.staff.staffIds}
              error={errors['staffRule.staffIds']}
              onChange={(ids) => setRule('staff', { staffIds: ids })}
            />
            <ProfileEmails name="staffRule.emails" value={values.staff.emails} error={errors['staffRule.emails']} onChange={(t) => setRule('staff', { emails: t })} />
          </div>
        </RuleSection>

        <RuleSection
          {...ruleProps('client')}
          title="Client notification"
          intro="Tells the client to top up."
        >
          <div className="profile-rule-grid">
            <div className="profile-stack">
              <ProfileThreshold name="clientRule.threshold" value={values.client.threshold} currency={cur} error={errors['clientRule.threshold']} onChange={(t) => setRule('client', { threshold: t })} />
              <Check name="clientRule.notifyClient" checked={values.client.notify} onChange={(c) => setRule('client', { notify: c })} error={errors['clientRule.notifyClient']}>
                Notify the client's billing email
              </Check>
            </div>
            <ProfileEmails name="clientRule.emails" value={values.client.emails} error={errors['clientRule.emails']} onChange={(t) => setRule('client', { emails: t })} />
          </div>
        </RuleSection>

        <RuleSection
          {...ruleProps('inactivity')}
          title="Inactivity notification"
          intro="Fires only when the client had no usage charges for the time set below: usually a lower threshold, for clients who stopped using the service."
        >
          <div className="profile-rule-grid">
            <div className="profile-stack">
              <ProfileThreshold
                name="inactivityRule.threshold"
                value={values.inactivity.threshold}
                currency={cur}
                error={errors['inactivityRule.threshold']}
                onChange={(t) => setRule('inactivity', { threshold: t })}
              />
              <Check name="inactivityRule.notifyClient" checked={values.inactivity.notify} onChange={(c) => setRule('inactivity', { notify: c })} error={errors['inactivityRule.notifyClient']}>
                Notify the client's billing email
              </Check>
            </div>
            <Duration
              label="Inactivity"
              name="inactivityRule.inactivityHours"
              unitName="inactivityRule.inactivityUnit"
              value={values.inactivity.after}
              unit={values.inactivity.afterUnit}
              error={errors['inactivityRule.inactivityHours']}
              hint="Fires only when the client had no usage charges for this long."
              onValue={(t) => setRule('inactivity', { after: t })}
              onUnit={(u) => setRule('inactivity', { afterUnit: u })}
            />
            <ProfileEmails name="inactivityRule.emails" value={values.inactivity.emails} error={errors['inactivityRule.emails']} onChange={(t) => setRule('inactivity', { emails: t })} />
          </div>
        </RuleSection>

        <RuleSection
          {...ruleProps('forecast')}
          title="Run-dry forecast notification"
          intro="Warns the reseller's people ahead of time: fires when, at the client's current burn rate (its usage of the last 7 days), the available balance runs out within the time set below, whatever the thresholds. Same Max Qty and Period; the count restarts when a top-up pushes the forecast beyond that time."
        >
          <div className="profile-rule-grid">
            <div className="profile-stack">
              <Duration
                label="Runs dry within"
                name="forecastRule.withinHours"
                unitName="forecastRule.withinUnit"
                value={values.forecast.within}
                unit={values.forecast.withinUnit}
                error={errors['forecastRule.withinHours']}
                hint="E.g. 24 hours: notify when the balance is forecast to run out within a day."
                onValue={(t) => setRule('forecast', { within: t })}
                onUnit={(u) => setRule('forecast', { withinUnit: u })}
              />
              <Check name="forecastRule.notifyReseller" checked={values.forecast.notify} onChange={(c) => setRule('forecast', { notify: c })} error={errors['forecastRule.notifyReseller']}>
                Notify the reseller's email ({reseller ? (reseller.email ?? 'none set') : 'choose a reseller'}) and the staff users chosen above
              </Check>
            </div>
            <ProfileEmails name="forecastRule.emails" value={values.forecast.emails} error={errors['forecastRule.emails']} onChange={(t) => setRule('forecast', { emails: t })} />
          </div>
        </RuleSection>

      </ReadOnlyFields>
      <div className="profile-actions">
        <FormError message={errors.form} />
        <div className="form-actions">
          {saved ? (
            <span className="form-done" role="status" data-testid="profile-saved">
              {saved}
            </span>
          ) : Object.keys(errors).length && !errors.form ? (
            <span className="profile-error-count error-text" role="status">
              Correct the {Object.keys(errors).length === 1 ? 'field' : 'fields'} marked in red.
            </span>
          ) : canSave ? (
            <span className="profile-keys muted">
              <kbd>Ctrl</kbd>+<kbd>Enter</kbd> saves
            </span>
          ) : (
            <RoleNote by="admin" does={p ? 'changes low balance profiles' : 'creates low balance profiles'} />
          )}
          <button type="button" onClick={props.onCancel} data-testid="cancel-profile">
            Cancel
          </button>
          {canSave ? (
            <button type="submit" className="primary" disabled={busy} data-testid="save-profile">
              {busy ? 'Saving…' : props.submitLabel}
            </button>
          ) : null}
        </div>
      </div>
    </form>
  );
}

/** A checkbox with its label beside it, and its own hint and error lines. */
function Check(props: { name: string; checked: boolean; onChange(checked: boolean): void; error?: string; hint?: ReactNode; children: ReactNode }) {
  const id = useId();
  const describedBy = [props.error ? `${id}-error` : '', props.hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`profile-check-field${props.error ? ' field-invalid' : ''}`}>
      <label className="profile-check" htmlFor={id}>
        <input
          id={id}
          type="checkbox"
          name={props.name}
          checked={props.checked}
          aria-invalid={!!props.error}
          aria-describedby={describedBy}
          onChange={(e) => props.onChange(e.target.checked)}
        />
        <span>{props.children}</span>
      </label>
      {props.hint ? (
        <div className="field-hint profile-check-hint" id={`${id}-hint`} data-testid={`hint-${props.name}`}>
          {props.hint}
        </div>
      ) : null}
      {props.error ? (
        <div className="field-error profile-check-hint" id={`${id}-error`} role="alert" data-testid={`error-${props.name}`}>
          {props.error}
        </div>
      ) : null}
    </div>
  );
}

/** A number of hours or days. */
function Duration(props: {
  label: string;
  name: string;
  unitName: string;
  value: string;
  unit: Unit;
  error?: string;
  hint?: string;
  onValue(text: string): void;
  onUnit(unit: Unit): void;
}) {
  return (
    <Field label={props.label} name={props.name} error={props.error} hint={props.hint}>
      {(f) => (
        <div className="profile-duration">
          <input {...f} type="number" className="num" min={1} step={1} value={props.value} onChange={(e) => props.onValue(e.target.value)} />
          <select name={props.unitName} aria-label={`${props.label} unit`} value={props.unit} onChange={(e) => props.onUnit(e.target.value as Unit)}>
            <option value="hours">hours</option>
            <option value="days">days</option>
          </select>
        </div>
      )}
    </Field>
  );
}

/** One rule: its title, its on/off switch, and its inputs (dimmed, still editable, while it is off). */
function RuleSection(props: {
  id: 'staffRule' | 'clientRule' | 'inactivityRule' | 'forecastRule';
  title: string;
  intro: string;
  enabled: boolean;
  onEnabled(enabled: boolean): void;
  errors: FieldErrors;
  children: ReactNode;
}) {
  const titleId = `profile-${props.id}`;
  const switchId = useId();
  const ruleError = props.errors[props.id] ?? props.errors[`${props.id}.enabled`];
  return (
    <section className={`card profile-section${props.enabled ? '' : ' profile-section-off'}`} aria-labelledby={titleId} data-testid={`section-${props.id}`}>
      <header className="profile-section-head">
        <div>
          <h2 id={titleId}>{props.title}</h2>
          <p className="muted small">{props.intro}</p>
        </div>
        <label className="profile-check profile-switch" htmlFor={switchId}>
          <input id={switchId} type="checkbox" name={`${props.id}.enabled`} checked={props.enabled} onChange={(e) => props.onEnabled(e.target.checked)} />
          <span>{props.enabled ? 'On' : 'Off'}</span>
        </label>
      </header>
      {ruleError ? (
        <div className="field-error" role="alert" data-testid={`error-${props.id}`}>
          {ruleError}
        </div>
      ) : null}
      {props.enabled ? null : <p className="profile-off-note muted small">Off: this rule sends nothing. Its settings are kept.</p>}
      <div className="profile-rule-body">{props.children}</div>
    </section>
  );
}

/** The reseller's staff users to notify, as checkboxes. */
function StaffUsers(props: { reseller: Reseller | null; staff: StaffUser[] | undefined; chosen: number[]; error?: string; onChange(ids: number[]): void }) {
  const labelId = useId();
  const toggle = (id: number, on: boolean) => props.onChange(on ? [...props.chosen.filter((x) => x !== id), id] : props.chosen.filter((x) => x !== id));
  return (
    <div className={`field profile-users${props.error ? ' field-invalid' : ''}`} role="group" aria-labelledby={labelId}>
      <span className="profile-label" id={labelId}>
        Users
      </span>
      {!props.reseller ? (
        <p className="muted small">Choose a reseller to list its users.</p>
      ) : !props.staff ? (
        <p className="muted small">Loading users…</p>
      ) : props.staff.length === 0 ? (
        <p className="muted small">{props.reseller.name} has no staff users.</p>
      ) : (
        <ul className="profile-user-list">
          {props.staff.map((u) => (
            <li key={u.id}>
              <label className="profile-check">
                <input
                  type="checkbox"
                  name="staffRule.staffIds"
                  value={u.id}
                  data-testid={`staff-user-${u.id}`}
                  checked={props.chosen.includes(u.id)}
                  onChange={(e) => toggle(u.id, e.target.checked)}
                />
                <span className="profile-user">
                  <span className="truncate">{u.name}</span>
                  <span className="muted small truncate">{u.email}</span>
                  {u.active ? null : <span className="tag">inactive</span>}
                </span>
              </label>
            </li>
          ))}
        </ul>
      )}
      {props.error ? (
        <div className="field-error" role="alert" data-testid="error-staffRule.staffIds">
          {props.error}
        </div>
      ) : null}
    </div>
  );
}
