/**
 * A Low Balance Profile on one page: General (name, reseller, currency, order, Max Qty, Period, default)
 * and its rules (reseller staff, client, inactivity, each with its own threshold in the profile's currency,
 * and the optional forecast rule: run dry within N hours), drawn from one table (ProfileRule). What the user
 * typed stays on screen whatever goes wrong; errors sit next to their input, whether this form found them (a
 * threshold in another currency) or the core did ("clientRule.emails.1").
 * Enter in an input saves, and so does Ctrl/Cmd+Enter anywhere in the form (the email lists too).
 */
import { useRef, useState, type FormEvent } from 'react';
import type { ChannelInput, Profile, ProfileRuleKind, Reseller, StaffUser } from '../../../../shared/contracts';
import { COMMON_CURRENCIES, POINTS } from '../../../../shared/money';
import { ApiError } from '../../api/client';
import { messageOf, type FieldErrors } from '../../api/errors';
import { formRead, useFormSubmit, type FormRead } from '../../ui/useFormSubmit';
import { useChannel } from '../../data/useChannel';
import { useCan } from '../../stores/session';
import { Field, FormDone, FormError, onCtrlEnter, ReadOnlyFields, RoleNote } from '../../ui/Field';
import { ConflictNotice } from '../../ui/ConflictNotice';
import { reloadProfile } from './profiles';
import {
  Check,
  Duration,
  readRules,
  RULE_KEYS,
  RULES,
  RuleSection,
  ruleValuesOf,
  splitHours,
  wholeNumber,
  type RuleId,
  type RuleValues,
  type Unit,
} from './ProfileRule';
import { ResellerOptions } from '../clients/ResellerForm';
import './ProfileForm.css';
import './profiles.css';

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
  rules: Record<ProfileRuleKind, RuleValues>;
}

export type ProfileInput = Omit<ChannelInput<'profiles.create'>, 'resellerId'> & { resellerId: number };

/** Every input a core error can name; a longer name wins ("staffRule.emails" over "staffRule"). */
const KEYS = ['name', 'resellerId', 'currency', 'sortOrder', 'maxQty', 'periodHours', 'isDefault', ...RULE_KEYS];

export function valuesOf(
  p?: Profile,
  defaults: { resellerId?: number | null; currency?: string } = {},
): ProfileFormValues {
  const currency = p?.currency ?? defaults.currency ?? 'USD';
  const [period, periodUnit] = splitHours(p?.periodHours ?? 24);
  return {
    name: p?.name ?? '',
    resellerId: p?.resellerId ?? defaults.resellerId ?? null,
    currency,
    sortOrder: String(p?.sortOrder ?? 0),
    maxQty: String(p?.maxQty ?? 3),
    period,
    periodUnit,
    isDefault: p ? p.isDefault : null,
    rules: ruleValuesOf(p, currency),
  };
}

function capitalize(s: string) {
  return s.charAt(0).toUpperCase() + s.slice(1);
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
    const address = sent[key.split('.')[0] as RuleId]?.emails?.[index];
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
  submitLabel: string;
  /**
   * Creates or updates (with the version of the profile the form loaded, so a profile saved by someone else
   * meanwhile is refused); returns the stored profile, or throws ApiError for the form to show.
   */
  onSubmit(input: ProfileInput, version?: number): Promise<Profile>;
  onCancel(): void;
}) {
  const canSave = useCan(props.initial ? 'profiles.update' : 'profiles.create');
  const p = props.initial;
  const [values, setValues] = useState<ProfileFormValues>(() =>
    valuesOf(p, {
      resellerId: props.defaultResellerId ?? (props.resellers.length === 1 ? props.resellers[0].id : null),
    }),
  );
  const [version, setVersion] = useState(p?.version);
  const sentRef = useRef<ProfileInput | null>(null);
  const resellerId = values.resellerId;
  const cur = values.currency;
  // The other profiles of this reseller in this currency: who is the default the checkbox talks about.
  const siblings = useChannel('profiles.list', resellerId === null ? null : { resellerId, currency: cur }).data ?? [];
  // The reseller's staff users, as the staff rule's checkboxes list them (none while they cannot be read; the save checks the ids).
  const staffRead = useChannel('staff.list', resellerId === null ? null : { resellerId });
  const staff = resellerId === null ? undefined : (staffRead.data ?? (staffRead.error ? [] : undefined));

  const reseller = props.resellers.find((r) => r.id === resellerId) ?? null;
  const form = useFormSubmit({ errorsOf: (err) => serverErrors(err, sentRef.current, staff ?? []) });
  const { errors } = form;

  const otherDefault = siblings.find((s) => s.isDefault && s.id !== p?.id) ?? null;
  const isDefault = values.isDefault ?? (p ? p.isDefault : !otherDefault);

  const change = (next: (v: ProfileFormValues) => ProfileFormValues) => {
    form.edited();
    setValues(next);
  };
  const set = <K extends keyof ProfileFormValues>(k: K, v: ProfileFormValues[K]) => change((s) => ({ ...s, [k]: v }));
  const setRule = (kind: ProfileRuleKind, patch: Partial<RuleValues>) =>
    change((s) => ({ ...s, rules: { ...s.rules, [kind]: { ...s.rules[kind], ...patch } } }));

  const currencies: string[] = [...COMMON_CURRENCIES];
  if (!currencies.includes(cur)) currencies.unshift(cur);
  const inUse = !!p && p.clientCount > 0;
  const resellerLabel = reseller?.name ?? 'the reseller';
  const curLabel = cur === POINTS ? 'points' : cur;

  function read(): FormRead<ProfileInput> {
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
    // Only the users of the chosen reseller: a reseller changed on a new profile leaves none behind.
    const chosen = v.rules.staff.staffIds;
    const staffIds = staff ? staff.map((s) => s.id).filter((id) => chosen.includes(id)) : chosen;
    const rules = readRules(v.rules, v.currency, found, staffIds);
    return formRead(found, () => ({
      resellerId: v.resellerId!,
      name: v.name.trim(),
      currency: v.currency,
      sortOrder: sortOrder!,
      maxQty: maxQty!,
      periodHours: period! * (v.periodUnit === 'days' ? 24 : 1),
      isDefault,
      ...(rules as Pick<ProfileInput, RuleId>),
    }));
  }

  function submit(e?: FormEvent) {
    e?.preventDefault();
    if (!canSave) return;
    void form.submit(read(), async (input) => {
      sentRef.current = input;
      const stored = await props.onSubmit(input, version);
      if (!p) return;
      // The form shows what was stored (addresses deduplicated, thresholds as the currency writes them).
      setValues(valuesOf(stored));
      setVersion(stored.version);
      return 'Saved.';
    });
  }

  const onKeyDown = onCtrlEnter(() => submit());

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
    <form
      ref={form.ref}
      className="form profile-form"
      onSubmit={submit}
      onKeyDown={onKeyDown}
      aria-label={p ? `Edit profile ${p.name}` : 'New profile'}
      noValidate
      data-testid="profile-form"
    >
      <ReadOnlyFields readOnly={!canSave}>
        <section className="card profile-section" aria-labelledby="profile-general">
          <h2 id="profile-general">General</h2>
          <div className="profile-grid">
            <Field label="Name" name="name" error={errors.name} className="profile-span-2">
              {(f) => (
                <input
                  {...f}
                  value={values.name}
                  onChange={(e) => set('name', e.target.value)}
                  autoFocus={!p}
                  autoComplete="off"
                  maxLength={120}
                />
              )}
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
                    change((s) => ({
                      ...s,
                      resellerId: e.target.value ? Number(e.target.value) : null,
                      rules: { ...s.rules, staff: { ...s.rules.staff, staffIds: [] } },
                    }))
                  }
                >
                  <option value="">Choose a reseller</option>
                  <ResellerOptions resellers={props.resellers} />
                </select>
              )}
            </Field>
            <Field
              label="Currency"
              name="currency"
              error={errors.currency}
              hint={inUse ? `Fixed: ${p!.clientCount} clients in ${p!.currency} use it.` : undefined}
            >
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
              {(f) => (
                <input
                  {...f}
                  type="number"
                  className="num"
                  min={0}
                  max={1000000}
                  step={1}
                  value={values.sortOrder}
                  onChange={(e) => set('sortOrder', e.target.value)}
                />
              )}
            </Field>
            <Field
              label="Max Qty"
              name="maxQty"
              error={errors.maxQty}
              hint="Most notifications per rule; the count restarts when the balance is refilled."
            >
              {(f) => (
                <input
                  {...f}
                  type="number"
                  className="num"
                  min={1}
                  max={1000}
                  step={1}
                  value={values.maxQty}
                  onChange={(e) => set('maxQty', e.target.value)}
                />
              )}
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
          <Check
            name="isDefault"
            checked={isDefault}
            onChange={(c) => set('isDefault', c)}
            error={errors.isDefault}
            hint={defaultHint}
          >
            Default profile for this reseller and currency
          </Check>
        </section>

        {RULES.map((spec) => (
          <RuleSection
            key={spec.kind}
            spec={spec}
            values={values.rules[spec.kind]}
            currency={cur}
            reseller={reseller}
            staff={staff}
            errors={errors}
            onChange={(patch) => setRule(spec.kind, patch)}
          />
        ))}
      </ReadOnlyFields>
      <div className="profile-actions">
        <FormError message={errors.form} />
        {p ? (
          <ConflictNotice
            message={form.conflict}
            onReload={() =>
              form.reload(
                () => reloadProfile(p.id),
                (fresh) => {
                  setValues(valuesOf(fresh));
                  setVersion(fresh.version);
                },
              )
            }
          />
        ) : null}
        <div className="form-actions">
          {form.done ? (
            <FormDone message={form.done} testId="profile-saved" />
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
            <button type="submit" className="primary" disabled={form.busy} data-testid="save-profile">
              {form.busy ? 'Saving…' : props.submitLabel}
            </button>
          ) : null}
        </div>
      </div>
    </form>
  );
}
