/**
 * The client's Stripe customer and payment methods (methods.list): as last read from Stripe, in priority
 * order (the first is the primary); and the changes made on its panel — linking or creating the customer,
 * reading the methods from Stripe again, the auto-charge switch and the order (shown at once, put back when
 * the core refuses), the Checkout link where the client adds a method, and the staff Retry of one method
 * (charges.retry { methodId }). Each change's answer is the newest state: it replaces what was read.
 */
import type { Charge, ChannelOutput, ClientMethods, PaymentMethod } from '../../../../shared/contracts';
import { api } from '../../api/client';
import { put, refetch, update, useChannel } from '../../data/useChannel';
import './methods.css';

export type SetupLink = ChannelOutput<'methods.setupLink'>;

export const useClientMethods = (clientId: number) => useChannel('methods.list', { clientId });

const show = (clientId: number, data: ClientMethods) => put('methods.list', { clientId }, data);

/** Creates a Stripe customer (no id), or links an existing cus_…; throws ApiError for the form. */
export async function linkCustomer(clientId: number, customerId?: string): Promise<void> {
  show(clientId, await api().call('methods.link', customerId ? { clientId, customerId } : { clientId }));
}

/** Reads the methods from Stripe again: the methods now. Throws ApiError (kind 'unavailable' when Stripe failed). */
export async function refreshFromStripe(clientId: number): Promise<PaymentMethod[]> {
  const data = await api().call('methods.refresh', { clientId });
  show(clientId, data);
  return data.methods;
}

/** Shows `change` of the client's methods at once; the core's answer replaces it, or a refusal puts the stored ones back and throws. */
async function optimistic(
  clientId: number,
  change: (methods: PaymentMethod[]) => PaymentMethod[] | null,
  call: () => Promise<ClientMethods>,
) {
  update('methods.list', (data, input) => {
    const next = input.clientId === clientId ? change(data.methods) : null;
    return next ? { ...data, methods: next } : data;
  });
  try {
    show(clientId, await call());
  } catch (e) {
    await refetch('methods.list', { clientId });
    throw e;
  }
}

export function setAutoCharge(clientId: number, id: number, autoCharge: boolean): Promise<void> {
  return optimistic(
    clientId,
    (methods) => methods.map((m) => (m.id === id ? { ...m, autoCharge } : m)),
    () => api().call('methods.update', { id, autoCharge }),
  );
}

/**
 * Sets the order (primary first); `expectedOrder` is the order the list showed, so an order changed
 * meanwhile (by someone else, or a refresh from Stripe) is refused rather than overwritten.
 */
export function reorder(clientId: number, order: number[], expectedOrder?: number[]): Promise<void> {
  return optimistic(
    clientId,
    (methods) => {
      const byId = new Map(methods.map((m) => [m.id, m]));
      const next = order.map((id) => byId.get(id)).filter((m): m is PaymentMethod => m !== undefined);
      return next.length === methods.length ? next.map((m, i) => ({ ...m, priority: i + 1, primary: i === 0 })) : null;
    },
    () => api().call('methods.reorder', { clientId, order, expectedOrder }),
  );
}

/** Reads the methods again (the list's Reload after a conflict). */
export const reloadMethods = (clientId: number): Promise<void> => refetch('methods.list', { clientId });

/** A new Checkout link for the client; with email, also emailed to the client's billing address. */
export const makeSetupLink = (clientId: number, email = false): Promise<SetupLink> =>
  api().call('methods.setupLink', { clientId, email });

/** Charges one method now for the recharge amount (a staff action, audited). */
export const retryMethod = (methodId: number): Promise<Charge> => api().call('charges.retry', { methodId });

/** Moves one id of an order by `by` places (−1 up, +1 down); the same order when it cannot move. */
export function moved(order: number[], id: number, by: number): number[] {
  const from = order.indexOf(id);
  const to = from + by;
  if (from < 0 || to < 0 || to >= order.length) return order;
  const next = order.slice();
  next.splice(from, 1);
  next.splice(to, 0, id);
  return next;
}

/** Puts one id before the id at `index` of the order (drag and drop). */
export function placed(order: number[], id: number, index: number): number[] {
  const next = order.filter((x) => x !== id);
  next.splice(Math.max(0, Math.min(index, next.length)), 0, id);
  return next;
}
