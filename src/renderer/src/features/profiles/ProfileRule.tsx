/**
 * The rules of a Low Balance Profile, as its form shows them: one table (RULES) says what each of the four
 * kinds has — its title and introduction, whether it is on in a new profile, a threshold in the profile's
 * currency (not the forecast rule: the forecast is its test), whom its checkbox notifies, a number of hours of
 * its own (the inactivity rule's "after", the forecast rule's "within") and the reseller's staff users (the
 * staff rule) — and one RuleSection draws any of them, its values read and sent by the same few functions.
 */
import { useId, type ReactNode } from 'react';
import type { Profile, ProfileRuleKind, Reseller, StaffUser } from '../../../../shared/contracts';
import { toDecimalString } from '../../../../shared/money';
import { messageOf, type FieldErrors } from '../../api/errors';
import { Field } from '../../ui/Field';
import { joinEmails, ProfileEmails, splitEmails } from './ProfileEmails';
import { ProfileThreshold, readThreshold, ThresholdError } from './ProfileThreshold';
import './profiles.css';
import './ProfileRule.css';

export type Unit = 'hours' | 'days';
export type RuleId = `${ProfileRuleKind}Rule`;

/** A number of hours of a rule's own, as its input shows it. */
interface HoursSpec {
  /** Its name in the core's input ("inactivityHours"). */
  field: 'inactivityHours' | 'withinHours';
  label: string;
  hint: string;
  default: number;
  /** Beside the rule's checkbox (the forecast rule), or a column of its own (the inactivity rule). */
  inStack: boolean;
}

interface RuleSpec {
  kind: ProfileRuleKind;
  title: string;
  intro: string;
  /** On in a new profile. */
  enabled: boolean;
  /** The rule fires below a threshold of its own. */
  threshold: boolean;
  /** Whom its checkbox notifies: the reseller's email, or the client's billing email. */
  notify: 'notifyReseller' | 'notifyClient';
  notifyLabel(reseller: Reseller | null): string;
  hours?: HoursSpec;
  /** The reseller's staff users, chosen one by one. */
  staffUsers?: boolean;
}

const resellerEmail = (r: Reseller | null) => (r ? (r.email ?? 'none set') : 'choose a reseller');

export const RULES: readonly RuleSpec[] = [
  {
    kind: 'staff',
    title: 'Reseller staff notification',
    intro: "Tells the reseller's people that a client is running low.",
    enabled: false,
    threshold: true,
    notify: 'notifyReseller',
    notifyLabel: (r) => `Notify the reseller's email (${resellerEmail(r)})`,
    staffUsers: true,
  },
  {
    kind: 'client',
    title: 'Client notification',
    intro: 'Tells the client to top up.',
    enabled: true,
    threshold: true,
    notify: 'notifyClient',
    notifyLabel: () => "Notify the client's billing email",
  },
  {
    kind: 'inactivity',
    title: 'Inactivity notification',
    intro:
      'Fires only when the client had no usage charges for the time set below: usually a lower threshold, for clients who stopped using the service.',
    enabled: false,
    threshold: true,
    notify: 'notifyClient',
    notifyLabel: () => "Notify the client's billing email",
    hours: {
      field: 'inactivityHours',
      label: 'Inactivity',
      hint: 'Fires only when the client had no usage charges for this long.',
      default: 168,
      inStack: false,
    },
  },
  {
    kind: 'forecast',
    title: 'Run-dry forecast notification',
    intro:
      "Warns the reseller's people ahead of time: fires when, at the client's current burn rate (its usage of the last 7 days), the available balance runs out within the time set below, whatever the thresholds. Same Max Qty and Period; the count restarts when a top-up pushes the forecast beyond that time.",
    enabled: false,
    threshold: false,
    notify: 'notifyReseller',
    notifyLabel: (r) => `Notify the reseller's email (${resellerEmail(r)}) and the staff users chosen above`,
    hours: {
      field: 'withinHours',
      label: 'Runs dry within',
      hint: 'E.g. 24 hours: notify when the balance is forecast to run out within a day.',
      default: 24,
      inStack: true,
    },
  },
];

export const ruleId = (kind: ProfileRuleKind): RuleId => `${kind}Rule`;

/** Every input of a rule a core error can name ("clientRule.emails.1" is under clientRule.emails). */
export const RULE_KEYS: readonly string[] = RULES.flatMap((r) => {
  const id = ruleId(r.kind);
  return [
    id,
    `${id}.enabled`,
    `${id}.threshold`,
    `${id}.emails`,
    `${id}.${r.notify}`,
    ...(r.staffUsers ? [`${id}.staffIds`] : []),
    ...(r.hours ? [`${id}.${r.hours.field}`] : []),
  ];
});

/** One rule as the form holds it: what was typed, as typed. */
export interface RuleValues {
  enabled: boolean;
  threshold: string;
  notify: boolean;
  emails: string;
  staffIds: number[];
  hours: string;
  unit: Unit;
}

/** A rule as the core stores and takes it: the union of the four kinds' fields. */
interface StoredRule {
  enabled: boolean;
  threshold?: number;
  notifyReseller?: boolean;
  notifyClient?: boolean;
  staffIds?: number[];
  inactivityHours?: number;
  withinHours?: number;
  emails: string[];
}

export function splitHours(hours: number): [string, Unit] {
  return hours >= 48 && hours % 24 === 0 ? [String(hours / 24), 'days'] : [String(hours), 'hours'];
}

/** A whole number as typed, or null. */
export function wholeNumber(text: string): number | null {
  const t = text.trim();
  return /^-?\d{1,9}$/.test(t) ? Number(t) : null;
}

/** The form's values of each rule of a profile (or a new one's defaults). */
export function ruleValuesOf(p: Profile | undefined, currency: string): Record<ProfileRuleKind, RuleValues> {
  const entries = RULES.map((r): [ProfileRuleKind, RuleValues] => {
    const stored: StoredRule | undefined = p?.[ruleId(r.kind)];
    const [hours, unit] = splitHours((r.hours && stored?.[r.hours.field]) ?? r.hours?.default ?? 0);
    const threshold = stored?.threshold ?? 0;
    return [
      r.kind,
      {
        enabled: stored?.enabled ?? r.enabled,
        threshold: stored && (stored.enabled || threshold !== 0) ? toDecimalString(threshold, currency) : '',
        notify: stored?.[r.notify] ?? true,
        emails: joinEmails(stored?.emails ?? []),
        staffIds: stored?.staffIds ?? [],
        hours,
        unit,
      },
    ];
  });
  return Object.fromEntries(entries) as Record<ProfileRuleKind, RuleValues>;
}

/**
 * What the core is sent for each rule, with the errors found in what was typed (keyed as the core names
 * them). `staffIds` are the users of the chosen reseller that are ticked.
 */
export function readRules(
  rules: Record<ProfileRuleKind, RuleValues>,
  currency: string,
  found: FieldErrors,
  staffIds: number[],
): Record<RuleId, StoredRule> {
  const out = {} as Record<RuleId, StoredRule>;
  for (const r of RULES) {
    const id = ruleId(r.kind);
    const v = rules[r.kind];
    const rule: StoredRule = { enabled: v.enabled, emails: splitEmails(v.emails), [r.notify]: v.notify };
    if (r.threshold) {
      try {
        rule.threshold = readThreshold(v.threshold, currency, v.enabled ? null : 0);
      } catch (e) {
        found[`${id}.threshold`] = e instanceof ThresholdError ? e.message : messageOf(e);
      }
    }
    if (r.staffUsers) rule.staffIds = staffIds;
    if (r.hours) {
      const n = wholeNumber(v.hours);
      if (n === null) found[`${id}.${r.hours.field}`] = `Enter a whole number of ${v.unit}.`;
      else rule[r.hours.field] = n * (v.unit === 'days' ? 24 : 1);
    }
    out[id] = rule;
  }
  return out;
}

/** One rule: its title, its on/off switch, and its inputs (dimmed, still editable, while it is off). */
export function RuleSection(props: {
  spec: RuleSpec;
  values: RuleValues;
  currency: string;
  reseller: Reseller | null;
  staff: StaffUser[] | undefined;
  errors: FieldErrors;
  onChange(patch: Partial<RuleValues>): void;
}) {
  const { spec, values: v, errors } = props;
  const id = ruleId(spec.kind);
  const titleId = `profile-${id}`;
  const switchId = useId();
  const ruleError = errors[id] ?? errors[`${id}.enabled`];
  const hours = spec.hours ? (
    <Duration
      label={spec.hours.label}
      name={`${id}.${spec.hours.field}`}
      unitName={`${id}.${spec.hours.field === 'inactivityHours' ? 'inactivityUnit' : 'withinUnit'}`}
      value={v.hours}
      unit={v.unit}
      error={errors[`${id}.${spec.hours.field}`]}
      hint={spec.hours.hint}
      onValue={(t) => props.onChange({ hours: t })}
      onUnit={(u) => props.onChange({ unit: u })}
    />
  ) : null;
  return (
    <section
      className={`card profile-section${v.enabled ? '' : ' profile-section-off'}`}
      aria-labelledby={titleId}
      data-testid={`section-${id}`}
    >
      <header className="profile-section-head">
        <div>
          <h2 id={titleId}>{spec.title}</h2>
          <p className="muted small">{spec.intro}</p>
        </div>
        <label className="profile-check profile-switch" htmlFor={switchId}>
          <input
            id={switchId}
            type="checkbox"
            name={`${id}.enabled`}
            checked={v.enabled}
            onChange={(e) => props.onChange({ enabled: e.target.checked })}
          />
          <span>{v.enabled ? 'On' : 'Off'}</span>
        </label>
      </header>
      {ruleError ? (
        <div className="field-error" role="alert" data-testid={`error-${id}`}>
          {ruleError}
        </div>
      ) : null}
      {v.enabled ? null : (
        <p className="profile-off-note muted small">Off: this rule sends nothing. Its settings are kept.</p>
      )}
      <div className="profile-rule-body">
        <div className="profile-rule-grid">
          <div className="profile-stack">
            {spec.threshold ? (
              <ProfileThreshold
                name={`${id}.threshold`}
                value={v.threshold}
                currency={props.currency}
                error={errors[`${id}.threshold`]}
                onChange={(t) => props.onChange({ threshold: t })}
              />
            ) : null}
            {spec.hours?.inStack ? hours : null}
            <Check
              name={`${id}.${spec.notify}`}
              checked={v.notify}
              onChange={(c) => props.onChange({ notify: c })}
              error={errors[`${id}.${spec.notify}`]}
            >
              {spec.notifyLabel(props.reseller)}
            </Check>
          </div>
          {spec.staffUsers ? (
            <StaffUsers
              reseller={props.reseller}
              staff={props.staff}
              chosen={v.staffIds}
              error={errors[`${id}.staffIds`]}
              onChange={(ids) => props.onChange({ staffIds: ids })}
            />
          ) : null}
          {spec.hours && !spec.hours.inStack ? hours : null}
          <ProfileEmails
            name={`${id}.emails`}
            value={v.emails}
            error={errors[`${id}.emails`]}
            onChange={(t) => props.onChange({ emails: t })}
          />
        </div>
      </div>
    </section>
  );
}

/** A checkbox with its label beside it, and its own hint and error lines. */
export function Check(props: {
  name: string;
  checked: boolean;
  onChange(checked: boolean): void;
  error?: string;
  hint?: ReactNode;
  children: ReactNode;
}) {
  const id = useId();
  const describedBy =
    [props.error ? `${id}-error` : '', props.hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
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
        <div
          className="field-error profile-check-hint"
          id={`${id}-error`}
          role="alert"
          data-testid={`error-${props.name}`}
        >
          {props.error}
        </div>
      ) : null}
    </div>
  );
}

/** A number of hours or days. */
export function Duration(props: {
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
          <input
            {...f}
            type="number"
            className="num"
            min={1}
            step={1}
            value={props.value}
            onChange={(e) => props.onValue(e.target.value)}
          />
          <select
            name={props.unitName}
            aria-label={`${props.label} unit`}
            value={props.unit}
            onChange={(e) => props.onUnit(e.target.value as Unit)}
          >
            <option value="hours">hours</option>
            <option value="days">days</option>
          </select>
        </div>
      )}
    </Field>
  );
}

/** The reseller's staff users to notify, as checkboxes. */
function StaffUsers(props: {
  reseller: Reseller | null;
  staff: StaffUser[] | undefined;
  chosen: number[];
  error?: string;
  onChange(ids: number[]): void;
}) {
  const labelId = useId();
  const toggle = (id: number, on: boolean) =>
    props.onChange(on ? [...props.chosen.filter((x) => x !== id), id] : props.chosen.filter((x) => x !== id));
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
