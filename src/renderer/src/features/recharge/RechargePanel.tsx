/**
 * Automatic top-up on the client's page (PRODUCT.md §3): the mode (do nothing, notify only, automatic
 * top-up), the holiday switch that keeps the settings, the alert and trigger thresholds, the recharge
 * amount and the daily cap, typed in the client's currency ("$50", "50.00"). The average daily spend and
 * the suggested trigger come from the ledger; the best-practice warnings follow what is typed (the core's
 * own function, src/shared/recharge.ts) and sit under their field as advice (amber), the core's refusals
 * as errors (red). Saving emails the client a confirmation when something
 * changed; "Test trigger" (RechargeDryRun) shows what would happen now, without sending or charging anything.
 * Enter in an amount saves, and so does Ctrl/Cmd+Enter anywhere in the form.
 */
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { Client, RechargeMode, RechargeSettings } from '../../../../shared/contracts';
import { exponentOf, formatMoney, POINTS, toDecimalString } from '../../../../shared/money';
import { rechargeWarnings } from '../../../../shared/recharge';
import { messageOf, type FieldErrors } from '../../api/errors';
import { useFormSubmit, type FormRead } from '../../ui/useFormSubmit';
import {
  reloadRecharge,
  saveRecharge,
  sameValues,
  useDryRun,
  useRechargeSettings,
  type RechargeInput,
} from './recharge';
import { ConflictNotice } from '../../ui/ConflictNotice';
import { hrefOf } from '../../stores/route';
import { formatTime } from '../../time';
import { Field, FormError, onCtrlEnter, ReadOnlyFields, RoleNote } from '../../ui/Field';
import { readThreshold, ThresholdError } from '../profiles/ProfileThreshold';
import { DryRunView, TestTrigger } from './RechargeDryRun';
import { useCan } from '../../stores/session';
import './RechargePanel.css';

type AmountKey = 'alertThreshold' | 'triggerThreshold' | 'rechargeAmount' | 'dailyCap';
const AMOUNTS: readonly AmountKey[] = ['alertThreshold', 'triggerThreshold', 'rechargeAmount', 'dailyCap'];
const FIELDS = ['mode', 'enabled', ...AMOUNTS];

const MODES: { value: RechargeMode; label: string; help: string }[] = [
  { value: 'off', label: 'Do nothing', help: 'No email and no charge when the balance runs low.' },
  {
    value: 'notify',
    label: 'Notify only',
    help: 'Email the client when the balance falls below the alert threshold; never charge.',
  },
  {
    value: 'auto',
    label: 'Automatic top-up',
    help: "Charge the client's saved payment method when the balance falls below the trigger.",
  },
];

const LABEL: Record<AmountKey, string> = {
  alertThreshold: 'Email the client when the balance falls below',
  triggerThreshold: 'Top up when the balance falls below',
  rechargeAmount: 'Recharge amount',
  dailyCap: 'Daily cap (most auto-recharged in any 24 h)',
};

/** What an amount is called in a sentence that refuses another currency. */
const NOUN: Record<AmountKey, string> = {
  alertThreshold: 'alert threshold',
  triggerThreshold: 'trigger',
  rechargeAmount: 'recharge amount',
  dailyCap: 'daily cap',
};

const OPTIONAL: Record<AmountKey, boolean> = {
  alertThreshold: true,
  triggerThreshold: false,
  rechargeAmount: false,
  dailyCap: true,
};

interface Values {
  mode: RechargeMode;
  enabled: boolean;
  alertThreshold: string;
  triggerThreshold: string;
  rechargeAmount: string;
  dailyCap: string;
}

function valuesOf(s: RechargeSettings): Values {
  const text = (v: number | null) => (v === null ? '' : toDecimalString(v, s.currency));
  return {
    mode: s.mode,
    enabled: s.enabled,
    alertThreshold: text(s.alertThreshold),
    triggerThreshold: text(s.triggerThreshold),
    rechargeAmount: text(s.rechargeAmount),
    dailyCap: text(s.dailyCap),
  };
}

/** Whether an amount matters in a mode, and if not, why (shown under the disabled input). */
function notUsed(key: AmountKey, mode: RechargeMode): string | null {
  if (mode === 'auto') return null;
  if (mode === 'off')
    return key === 'alertThreshold'
      ? 'Not used: “Do nothing” sends no email.'
      : 'Not used: “Do nothing” never charges.';
  return key === 'alertThreshold' ? null : 'Not used: “Notify only” never charges.';
}

const EMPTY_MESSAGE: Record<AmountKey, string> = {
  alertThreshold: '',
  triggerThreshold: 'Enter the balance below which the client is topped up, e.g. 50.00.',
  rechargeAmount: 'Enter the amount of one top-up, e.g. 100.00.',
  dailyCap: '',
};

/** One amount as typed, in minor units; null for an optional one left empty; an error sentence otherwise. */
function readAmount(key: AmountKey, text: string, currency: string): { value: number | null } | { error: string } {
  if (text.trim() === '') return OPTIONAL[key] ? { value: null } : { error: EMPTY_MESSAGE[key] };
  try {
    return { value: readThreshold(text, currency, null, { what: NOUN[key], owner: 'this client' }) };
  } catch (e) {
    return { error: e instanceof ThresholdError ? e.message : messageOf(e) };
  }
}

/**
 * The form as recharge.set takes it, or the errors found before asking. An amount the mode does not use
 * cannot be edited: when its text does not read, the stored value is kept rather than refused.
 */
function readForm(
  v: Values,
  s: RechargeSettings,
): FormRead<RechargeInput> & { parsed: Partial<Record<AmountKey, number | null>> } {
  const found: FieldErrors = {};
  const parsed: Partial<Record<AmountKey, number | null>> = {};
  for (const key of AMOUNTS) {
    const r = readAmount(key, v[key], s.currency);
    if ('value' in r) parsed[key] = r.value;
    else if (notUsed(key, v.mode)) parsed[key] = s[key];
    else found[key] = r.error;
  }
  if (Object.keys(found).length) return { input: null, found, parsed };
  return {
    found,
    parsed,
    input: {
      mode: v.mode,
      enabled: v.enabled,
      alertThreshold: parsed.alertThreshold ?? null,
      // Required by the core: a required amount never reads as null.
      triggerThreshold: parsed.triggerThreshold ?? s.triggerThreshold,
      rechargeAmount: parsed.rechargeAmount ?? s.rechargeAmount,
      dailyCap: parsed.dailyCap ?? null,
    },
  };
}

const settingsKey = (s: RechargeSettings) =>
  JSON.stringify([
    s.currency,
    s.mode,
    s.enabled,
    s.alertThreshold,
    s.triggerThreshold,
    s.rechargeAmount,
    s.dailyCap,
    s.updatedAt,
  ]);

function days(n: number) {
  return n === 1 ? 'the last day' : `last ${n} days`;
}

export function RechargePanel({ client }: { client: Client }) {
  // Read again as the spend moves, and when the primary method's auto-charge switch (which decides whether payments are made at all) changes.
  const { data: settings, error, refetch } = useRechargeSettings(client.id);

  return (
    <section className="card rc-panel" aria-labelledby="recharge-title" data-testid="recharge-panel">
      <h2 id="recharge-title">Automatic top-up</h2>
      {error ? (
        <div className="banner banner-error" role="alert">
          Could not read the auto-recharge settings: {error}{' '}
          <button type="button" className="link" onClick={() => void refetch()}>
            Try again
          </button>
        </div>
      ) : null}
      {!settings ? (
        error ? null : (
          <p className="muted">Loading the auto-recharge settings…</p>
        )
      ) : (
        // A new currency changes what every typed amount means: the form starts again from the stored values.
        <RechargeForm key={`${client.id}-${settings.currency}`} client={client} settings={settings} />
      )}
    </section>
  );
}

function RechargeForm({ client, settings }: { client: Client; settings: RechargeSettings }) {
  const canSave = useCan('recharge.set');
  const [values, setValues] = useState<Values>(() => valuesOf(settings));
  // The version of the settings the form's values came from: a save over a newer one is refused.
  const [version, setVersion] = useState(settings.version);
  const form = useFormSubmit<{ changed: boolean }>({ fields: FIELDS });
  const { errors, done: saved } = form;
  const [elsewhere, setElsewhere] = useState(false);
  const shownFor = useRef(settingsKey(settings));
  const shownUpdatedAt = useRef(settings.updatedAt);
  const modeId = useId();
  const dry = useDryRun(client.id);
  const cur = settings.currency;
  const curLabel = cur === POINTS ? 'points' : cur;
  const m = (v: number) => formatMoney(v, cur);

  const { input, parsed } = readForm(values, settings);
  const dirty = !input || !sameValues(input, settings);
  // While an amount does not read, there is no advice: its error comes on save.
  const live = input
    ? rechargeWarnings(input, {
        currency: cur,
        averageDailySpend: settings.averageDailySpend,
        suggestedThreshold: settings.suggestedThreshold,
      })
    : [];

  // Stored settings that change under the form (saved in another window) replace it only while it holds
  // nothing of the user's; otherwise the user is told, and keeps what they typed.
  // (Never saved, the values are suggestions that move with the spend: nobody else saved anything then.)
  const key = settingsKey(settings);
  useEffect(() => {
    if (shownFor.current === key) return;
    const savedElsewhere = settings.saved && shownUpdatedAt.current !== settings.updatedAt;
    shownFor.current = key;
    shownUpdatedAt.current = settings.updatedAt;
    if (!dirty) {
      setValues(valuesOf(settings));
      setVersion(settings.version);
      setElsewhere(false);
    } else if (savedElsewhere) setElsewhere(true);
    // Only a change of the stored settings runs this; `dirty` is read as it is at that moment, on purpose.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- see above
  }, [key]);

  function change(patch: Partial<Values>) {
    setValues((v) => ({ ...v, ...patch }));
    // An error is about what was typed: it goes when the input changes (an amount the new mode does not use, too).
    const mode = patch.mode;
    form.edited(...Object.keys(patch), ...(mode ? AMOUNTS.filter((k) => notUsed(k, mode)) : []));
  }

  /** An amount that reads is shown as the currency writes it ("$50" becomes "50.00") once the input is left. */
  function normalize(k: AmountKey) {
    const r = readAmount(k, values[k], cur);
    if (!('value' in r) || r.value === null) return;
    const text = toDecimalString(r.value, cur);
    if (text !== values[k]) setValues((v) => (v[k] === values[k] ? { ...v, [k]: text } : v));
  }

  function save(e?: FormEvent) {
    e?.preventDefault();
    if (!canSave) return;
    void form.submit(readForm(values, settings), async (input) => {
      const result = await saveRecharge(client.id, settings, { ...input, version });
      show(result.settings);
      return { changed: result.changed };
    });
  }

  /** The form starts again from stored settings (saved here, or read again after a conflict). */
  function show(stored: RechargeSettings) {
    // A dry run shown before is about the old settings.
    dry.clear();
    shownFor.current = settingsKey(stored);
    shownUpdatedAt.current = stored.updatedAt;
    setValues(valuesOf(stored));
    setVersion(stored.version);
    setElsewhere(false);
  }

  const onKeyDown = onCtrlEnter(() => void save());
  const logHref = hrefOf({ screen: 'notifications' }, { clientId: String(client.id), kind: 'settings_changed' });
  const placeholder = exponentOf(cur) === 0 ? '5,000' : `50.${'0'.repeat(exponentOf(cur))}`;
  const suggestedUsable = settings.suggestedThreshold > 0 && !notUsed('triggerThreshold', values.mode);

  /** The advice about a field, on what is typed now: worked out by the same function as the core's on save. */
  function warningOf(k: AmountKey): ReactNode {
    if (notUsed(k, values.mode)) return null;
    return live
      .filter((x) => x.field === k)
      .map((x, i) => (
        <div key={i} className="rc-warning" data-testid={`warning-${k}`} role="note">
          {x.message}
        </div>
      ));
  }

  function hintOf(k: AmountKey): ReactNode {
    const why = notUsed(k, values.mode);
    if (why) return <span data-testid={`reason-${k}`}>{why}</span>;
    const v = parsed[k];
    switch (k) {
      case 'alertThreshold':
        return v == null
          ? 'Optional: empty sends no email.'
          : `${client.billingEmail} is emailed when the available balance is below ${m(v)}.`;
      case 'triggerThreshold':
        return v == null
          ? `An amount in ${curLabel}.`
          : `A balance below ${m(v)} (strictly below) is topped up in one charge.`;
      case 'rechargeAmount':
        return 'One charge; a balance far below the trigger is brought back above it with a multiple of this, in one payment.';
      case 'dailyCap':
        return v == null ? 'Optional: empty means no cap.' : `At most ${m(v)} is charged in any 24 hours.`;
    }
  }

  return (
    <form
      ref={form.ref}
      className="form rc-form"
      onSubmit={save}
      onKeyDown={onKeyDown}
      aria-label="Auto-recharge settings"
      noValidate
      data-testid="recharge-form"
    >
      <ReadOnlyFields readOnly={!canSave}>
        <div className="rc-top">
          <fieldset className="segmented rc-mode" aria-labelledby={modeId} data-testid="recharge-mode">
            <legend id={modeId}>When the balance runs low</legend>
            {MODES.map((x) => (
              <label key={x.value} title={x.help}>
                <input
                  type="radio"
                  name="mode"
                  value={x.value}
                  checked={values.mode === x.value}
                  onChange={() => change({ mode: x.value })}
                />
                {x.label}
              </label>
            ))}
          </fieldset>
          <div className="rc-switch-box">
            <span className="rc-switch-caption">Auto-recharge for this client</span>
            <label className="rc-switch">
              <span className="rc-switch-control">
                <input
                  type="checkbox"
                  role="switch"
                  name="enabled"
                  data-testid="recharge-enabled"
                  checked={values.enabled}
                  aria-invalid={!!errors.enabled}
                  onChange={(e) => change({ enabled: e.target.checked })}
                />
                <span className="rc-switch-track" aria-hidden="true" />
              </span>
              <span className="rc-switch-text">{values.enabled ? 'On' : 'Paused — settings kept'}</span>
            </label>
          </div>
        </div>
        <p className="muted small rc-mode-help" data-testid="recharge-mode-help">
          {MODES.find((x) => x.value === values.mode)!.help}
          {values.enabled || values.mode === 'off' ? '' : ' Paused: nothing happens until it is switched on again.'}
        </p>
        {values.mode === 'auto' && settings.primaryOff ? (
          <div className="rc-warning" role="note" data-testid="recharge-primary-off">
            {settings.primaryOff}
          </div>
        ) : null}
        {errors.mode || errors.enabled ? (
          <div className="field-error" role="alert" data-testid="error-mode">
            {errors.mode ?? errors.enabled}
          </div>
        ) : null}

        <div className="rc-spend" data-testid="recharge-spend-box">
          <span data-testid="recharge-spend">
            Average daily spend: <strong className="money">{m(settings.averageDailySpend)}</strong> (
            {days(settings.spendDays)})
          </span>
          {settings.suggestedThreshold > 0 ? (
            <button
              type="button"
              className="rc-suggest"
              data-testid="use-suggested"
              disabled={!suggestedUsable}
              title={
                suggestedUsable
                  ? 'Fill the trigger with twice the average daily spend'
                  : 'The trigger is used only by Automatic top-up'
              }
              onClick={() => change({ triggerThreshold: toDecimalString(settings.suggestedThreshold, cur) })}
            >
              Use suggested ({m(settings.suggestedThreshold)})
            </button>
          ) : (
            <span className="muted small">No usage yet, so no trigger can be suggested.</span>
          )}
          {settings.suggestedThreshold > 0 ? (
            <span className="muted small">
              Two days of spend, so a charge that takes time to settle does not leave the client at zero.
            </span>
          ) : null}
        </div>

        {!settings.saved ? (
          <p className="rc-unsaved muted small" data-testid="recharge-not-saved">
            Not set up yet: the amounts below are suggestions from this client's spend. Nothing is stored until you
            save.
          </p>
        ) : null}
        {elsewhere ? (
          <div className="rc-elsewhere" role="status" data-testid="recharge-elsewhere">
            These settings were saved elsewhere while you were editing. Look at them before saving yours:{' '}
            <button
              type="button"
              className="link"
              onClick={() => {
                shownUpdatedAt.current = settings.updatedAt;
                setValues(valuesOf(settings));
                setVersion(settings.version);
                form.setErrors({});
                setElsewhere(false);
              }}
            >
              Show the saved ones
            </button>
          </div>
        ) : null}

        <div className="rc-grid">
          {AMOUNTS.map((k) => {
            const disabled = !!notUsed(k, values.mode);
            return (
              <Field
                key={k}
                label={LABEL[k]}
                name={k}
                error={errors[k]}
                className={`rc-field${disabled ? ' rc-field-off' : ''}`}
                hint={
                  <>
                    {hintOf(k)}
                    {warningOf(k)}
                  </>
                }
              >
                {(f) => (
                  <div className="money-input rc-money">
                    <input
                      {...f}
                      className="num"
                      inputMode="decimal"
                      autoComplete="off"
                      spellCheck={false}
                      disabled={disabled}
                      placeholder={OPTIONAL[k] ? 'none' : placeholder}
                      value={values[k]}
                      onChange={(e) => change({ [k]: e.target.value })}
                      onBlur={() => normalize(k)}
                    />
                    <span className="money-affix" aria-hidden="true">
                      {cur === POINTS ? 'pts' : cur}
                    </span>
                  </div>
                )}
              </Field>
            );
          })}
        </div>
      </ReadOnlyFields>
      {canSave ? null : <RoleNote by="admin" does="changes the automatic top-up" />}

      <FormError message={errors.form} />
      <ConflictNotice message={form.conflict} onReload={() => form.reload(() => reloadRecharge(client.id), show)} />
      <div className="form-actions rc-actions">
        <div className="rc-status" role="status" data-testid="recharge-status">
          {saved ? (
            saved.changed ? (
              <span className="form-done" data-testid="recharge-saved">
                Saved. The client was emailed the change.{' '}
                <a href={logHref} data-testid="recharge-log-link">
                  See it in the notification log
                </a>
              </span>
            ) : (
              <span className="form-done" data-testid="recharge-saved">
                Saved. Nothing had changed, so no email was sent.
              </span>
            )
          ) : settings.saved && settings.updatedAt ? (
            <span className="muted small" data-testid="recharge-updated">
              Last saved {formatTime(settings.updatedAt)}
              {settings.updatedBy ? ` by ${settings.updatedBy}` : ''}.{dirty ? ' You have unsaved changes.' : ''}
            </span>
          ) : null}
        </div>
        <TestTrigger dry={dry} />
        {canSave ? (
          <button
            type="submit"
            className="primary"
            disabled={form.busy}
            data-testid="recharge-save"
            title="Save (Ctrl+Enter)"
          >
            {form.busy ? 'Saving…' : 'Save'}
          </button>
        ) : null}
      </div>
      <DryRunView dry={dry} dirty={dirty} />
    </form>
  );
}
