/**
 * The linked client's payment methods, in the order automatic top-ups try them: the first is the primary
 * (★). Each has an auto-charge switch; a method cooling down after a failed charge says so, with Retry. The
 * order moves by drag and drop, by the Move up / Move down buttons, or by Alt+↑ / Alt+↓ on a focused row;
 * the list moves at once and a refusal puts the stored order back (methods store).
 */
import { useEffect, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import type { PaymentMethod } from '../../../../shared/contracts';
import { moved, placed, reorder as saveOrder, setAutoCharge } from './methods';
import { useCan } from '../../stores/session';
import { formatTime } from '../../time';
import { failureText } from '../charges/ChargeNowDialog';
import { isStale } from '../../api/errors';
import './methods.css';
import './MethodList.css';

interface Focus {
  id: number;
  on: 'row' | 'up' | 'down';
}

const two = (n: number) => String(n).padStart(2, '0');

function expiryOf(m: PaymentMethod): { text: string; expired: boolean } | null {
  if (m.type !== 'card' || m.expMonth === null || m.expYear === null) return null;
  const when = `${two(m.expMonth)}/${m.expYear}`;
  return m.expired ? { text: `Expired ${when}`, expired: true } : { text: `Expires ${when}`, expired: false };
}

export function MethodList(props: {
  clientId: number;
  methods: PaymentMethod[];
  /** A change starts: the panel's last message goes. */
  onChanging(): void;
  /** A change was refused, in words. */
  onFailed(text: string): void;
  /** A move was refused: the order had changed since the list showed it (the core's sentence: who, when). */
  onConflict(message: string): void;
  /** What screen readers are told of a move or a switch. */
  onAnnounce(text: string): void;
  onRetry(m: PaymentMethod): void;
}) {
  const canUpdate = useCan('methods.update');
  const canRetry = useCan('charges.retry');
  const { methods } = props;
  const [dragId, setDragId] = useState<number | null>(null);
  const [dropAt, setDropAt] = useState<number | null>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const refocus = useRef<Focus | null>(null);
  const order = methods.map((m) => m.id);
  const orderKey = order.join(',');

  // A moved row keeps the focus (React moves its element, which drops the focus).
  useEffect(() => {
    const f = refocus.current;
    if (!f) return;
    refocus.current = null;
    const row = listRef.current?.querySelector<HTMLElement>(`[data-id="${f.id}"]`);
    if (!row) return;
    const button = f.on === 'row' ? null : row.querySelector<HTMLButtonElement>(`[data-move="${f.on}"]`);
    (button && !button.disabled ? button : row).focus();
  }, [orderKey]);

  async function reorder(next: number[], what: PaymentMethod, focus?: Focus) {
    if (next.join(',') === orderKey) return;
    props.onChanging();
    if (focus) refocus.current = focus;
    const at = next.indexOf(what.id);
    props.onAnnounce(
      at === 0
        ? `${what.label} is now first: the primary.`
        : `${what.label} moved to position ${at + 1} of ${next.length}.`,
    );
    try {
      await saveOrder(props.clientId, next, order);
    } catch (e) {
      if (isStale(e)) props.onConflict(e.message);
      else props.onFailed(`The order was not saved: ${failureText(e)}`);
    }
  }

  async function setAuto(m: PaymentMethod, on: boolean) {
    props.onChanging();
    try {
      await setAutoCharge(props.clientId, m.id, on);
      props.onAnnounce(
        on ? `${m.label} is charged automatically again.` : `${m.label} is no longer charged automatically.`,
      );
    } catch (e) {
      props.onFailed(`The switch was not saved: ${failureText(e)}`);
    }
  }

  function onRowKey(e: KeyboardEvent<HTMLLIElement>, m: PaymentMethod) {
    if (!canUpdate || !e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
    e.preventDefault();
    void reorder(moved(order, m.id, e.key === 'ArrowUp' ? -1 : 1), m, { id: m.id, on: 'row' });
  }

  /** Where a drop over row `index` would put the dragged row: before it (top half) or after it. */
  function onDragOver(e: DragEvent<HTMLLIElement>, index: number) {
    if (dragId === null) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
    const box = e.currentTarget.getBoundingClientRect();
    const at = e.clientY < box.top + box.height / 2 ? index : index + 1;
    if (at !== dropAt) setDropAt(at);
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    const m = methods.find((x) => x.id === dragId);
    if (m && dropAt !== null) {
      const from = order.indexOf(m.id);
      void reorder(placed(order, m.id, dropAt > from ? dropAt - 1 : dropAt), m, { id: m.id, on: 'row' });
    }
    setDragId(null);
    setDropAt(null);
  }

  return (
    <ol
      ref={listRef}
      className={`pm-list${dragId !== null ? ' pm-dragging' : ''}`}
      aria-label="Payment methods, in the order they are charged"
      aria-describedby="pm-order-help"
      data-testid="pm-list"
      onDragOver={(e) => dragId !== null && e.preventDefault()}
      onDrop={onDrop}
    >
      {methods.map((m, i) => {
        const exp = expiryOf(m);
        return (
          <li
            key={m.id}
            className={[
              'pm-row',
              m.primary ? 'pm-primary' : '',
              m.cooldownUntil ? 'pm-cooling' : '',
              dragId === m.id ? 'pm-dragged' : '',
              dropAt === i && dragId !== null ? 'pm-drop-before' : '',
              dropAt === i + 1 && i === methods.length - 1 && dragId !== null ? 'pm-drop-after' : '',
            ]
              .filter(Boolean)
              .join(' ')}
            tabIndex={0}
            draggable={canUpdate}
            data-testid="method-row"
            data-id={m.id}
            data-stripe-id={m.stripeId}
            data-primary={m.primary}
            aria-label={`${i + 1}. ${m.label}${m.primary ? ', primary' : ''}${m.cooldownUntil ? ', cooling down' : ''}`}
            onKeyDown={(e) => onRowKey(e, m)}
            onDragStart={(e) => {
              setDragId(m.id);
              e.dataTransfer.effectAllowed = 'move';
              e.dataTransfer.setData('text/plain', m.label);
            }}
            onDragOver={(e) => onDragOver(e, i)}
            onDragEnd={() => {
              setDragId(null);
              setDropAt(null);
            }}
          >
            <div className="pm-main">
              <span className="pm-grip" aria-hidden="true" title="Drag to reorder">
                ⠿
              </span>
              <span className="pm-pos" aria-hidden="true">
                {i + 1}
              </span>
              <span
                className={`pm-star${m.primary ? '' : ' pm-star-off'}`}
                title={m.primary ? 'Primary: charged first' : undefined}
                aria-hidden="true"
                data-testid={m.primary ? 'pm-star' : undefined}
              >
                ★
              </span>
              <span className="pm-label-box">
                <span className="pm-label" data-testid="method-label">
                  {m.label}
                </span>
                <span className="muted small">
                  {m.type === 'card' ? 'Card' : 'US bank account · a debit settles in days'}
                </span>
              </span>
              <span className={`pm-expiry small${exp?.expired ? ' pm-expired' : ''}`} data-testid="method-expiry">
                {exp ? exp.text : ''}
              </span>
              <label
                className="rc-switch pm-switch"
                title={
                  m.autoCharge
                    ? 'Automatic top-ups may charge it'
                    : 'Never charged automatically (a staff Retry still can)'
                }
              >
                <span className="rc-switch-control">
                  <input
                    type="checkbox"
                    role="switch"
                    checked={m.autoCharge}
                    onChange={(e) => void setAuto(m, e.target.checked)}
                    disabled={!canUpdate}
                    aria-label={`Auto-charge ${m.label}`}
                    data-testid="method-auto"
                  />
                  <span className="rc-switch-track" aria-hidden="true" />
                </span>
                <span className="rc-switch-text">{m.autoCharge ? 'Auto-charge' : 'Auto-charge off'}</span>
              </label>
              <span className="pm-move" hidden={!canUpdate}>
                <button
                  type="button"
                  className="icon-button"
                  data-move="up"
                  disabled={i === 0}
                  aria-label={`Move ${m.label} up`}
                  title="Move up (Alt+↑)"
                  onClick={() => void reorder(moved(order, m.id, -1), m, { id: m.id, on: 'up' })}
                >
                  ↑
                </button>
                <button
                  type="button"
                  className="icon-button"
                  data-move="down"
                  disabled={i === methods.length - 1}
                  aria-label={`Move ${m.label} down`}
                  title="Move down (Alt+↓)"
                  onClick={() => void reorder(moved(order, m.id, 1), m, { id: m.id, on: 'down' })}
                >
                  ↓
                </button>
              </span>
            </div>
            {m.cooldownUntil ? (
              <div className="pm-cooldown" data-testid="method-cooldown">
                <span>
                  <strong>Cooling down until {formatTime(m.cooldownUntil)}</strong> —{' '}
                  {m.cooldownReason ?? 'a charge failed'}. Automatic top-ups skip it until then.
                </span>
                <button type="button" hidden={!canRetry} onClick={() => props.onRetry(m)} data-testid="method-retry">
                  Retry
                </button>
              </div>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}
